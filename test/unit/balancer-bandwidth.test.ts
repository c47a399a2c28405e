/**
 * `dfsadmin -setBalancerBandwidth` end to end without processes: the NameNode core keeps the value
 * for every DataNode (DatanodeManager.setBalancerBandwidth) and sends it once, on the next
 * heartbeat reply, as BalancerBandwidthCommand (DatanodeManager.handleHeartbeat); the wire carries
 * it as DatanodeCommandProto type 0 with balancerCmd (field 2) = { bandwidth (1) }; the DataNode
 * core turns a positive one into the balance throttler's new rate (BPOfferService).
 */
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { BPServiceCore } from '../../cluster/datanode/bp-service-core.js';
import { string2long } from '../../cluster/common/units.js';
import { describeMessage } from '../../cluster/protocol/registry/describe.js';
import { datanodeProtocol } from '../../cluster/protocol/registry/datanode-protocol-codec.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { thrown } from './remote-error.js';
import { simHeartbeat as heartbeat } from './sim-registration.js';

describe('-setBalancerBandwidth (FSNamesystem, DatanodeManager, BPOfferService)', () => {
  it('goes to every DataNode once, on its next heartbeat reply; only the superuser may set it', () => {
    const sim = new ClusterSim({
      datanodes: 2,
      racks: 1,
      replication: 1,
      blockSizeBytes: 1 << 20,
      seed: 'bw',
    });
    const as = (user: string) => ({ caller: 'client', callerAddr: '127.0.0.1', nowMs: sim.nowMs, user });
    const denied = thrown(() => sim.core.call('setBalancerBandwidth', { bandwidth: 1 }, as('bob')));
    expect(denied.errorClass).toBe('AccessControlException');
    sim.core.call('setBalancerBandwidth', { bandwidth: 10_485_760 }, as('student'));
    const command = { action: 'DNA_BALANCERBANDWIDTHUPDATE', bandwidth: 10_485_760 };
    expect(heartbeat(sim, 'dn1').commands).toContainEqual(command);
    expect(heartbeat(sim, 'dn2').commands).toContainEqual(command);
    expect(heartbeat(sim, 'dn1').commands).not.toContainEqual(command);
  });

  it('crosses the wire as BalancerBandwidthCommand and is journaled by name', () => {
    const c = datanodeProtocol.sendHeartbeat;
    const reply = {
      commands: [{ action: 'DNA_BALANCERBANDWIDTHUPDATE' as const, bandwidth: 10_485_760 }],
      haStatus: { state: 'ACTIVE' as const, txid: 1 },
      fullBlockReportLeaseId: 0,
    };
    const proto = c.responseToProto(reply);
    expect(proto.cmds[0]?.cmdType).toBe(0);
    expect(proto.cmds[0]?.balancerCmd?.bandwidth).toBe(10_485_760n);
    expect(c.responseFromProto(fromBinary(c.response, toBinary(c.response, proto)))).toEqual(reply);
    const frame = { type: 'rpc-reply', method: 'sendHeartbeat', ok: true, result: reply };
    expect(describeMessage(frame as never)).toBe(
      'heartbeatResponse commands=[DNA_BALANCERBANDWIDTHUPDATE bandwidth=10485760]',
    );
  });

  it('the DataNode changes its throttler for a positive value only', () => {
    const core = new BPServiceCore();
    expect(
      core.commands([
        { action: 'DNA_BALANCERBANDWIDTHUPDATE', bandwidth: 0 },
        { action: 'DNA_BALANCERBANDWIDTHUPDATE', bandwidth: 2048 },
      ]),
    ).toEqual([{ kind: 'balancer-bandwidth', bytesPerSec: 2048 }]);
  });

  it('dfsadmin reads the value as TraditionalBinaryPrefix.string2long', () => {
    expect(string2long('10m')).toEqual({ value: 10_485_760n });
    expect(string2long(' 5K ')).toEqual({ value: 5120n });
    expect(string2long('1.5m')).toEqual({
      error: 'NumberFormatException',
      message: 'For input string: "1.5"',
    });
    expect(string2long('9223372036854775807')).toEqual({ value: 9_223_372_036_854_775_807n });
    expect(string2long('9223372036854775808')).toMatchObject({ error: 'NumberFormatException' });
    expect(string2long('9000000000000000e')).toEqual({
      error: 'IllegalArgumentException',
      message: '9000000000000000e does not fit in a Long',
    });
  });
});
