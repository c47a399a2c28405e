/**
 * The DataNode's decisions towards its NameNode (BPServiceActor and IncrementalBlockReportManager
 * in HDFS), as the process and the simulator both run them.
 */
import { describe, expect, it } from 'vitest';
import { BPServiceCore, invalidation } from '../../cluster/datanode/bp-service-core.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { simRegistration } from './sim-registration.js';

const blk = (blockId: number, genStamp = 1001) => ({ blockId, numBytes: 10, genStamp });

describe('BPServiceCore', () => {
  it('registers first, then owes a full block report that goes only with a granted lease', () => {
    const core = new BPServiceCore();
    expect(core.needsRegistration).toBe(true);
    core.registered();
    expect(core.wantsFullReportLease).toBe(true);
    expect(core.shouldSendFullReport(0)).toBe(false);
    expect(core.shouldSendFullReport(7)).toBe(true);
    expect(core.fullReportSent()).toBe(1);
    expect(core.wantsFullReportLease).toBe(false);
    core.fullReportInterval();
    expect(core.wantsFullReportLease).toBe(true);
    core.registrationLost();
    expect(core.shouldSendFullReport(7)).toBe(false);
  });

  it('retries a refused first registration every 5 s (BPServiceActor.run) and ends the service once registered', () => {
    const core = new BPServiceCore();
    expect(core.registrationRefused()).toEqual({ kind: 'retry', afterMs: 5_000 });
    expect(core.registrationRefused()).toEqual({ kind: 'retry', afterMs: 5_000 });
    core.registered();
    // A re-registration (DNA_REGISTER, a restarted NameNode) refused: offerService shuts the service down.
    core.registrationLost();
    expect(core.registrationRefused()).toEqual({ kind: 'end-service' });
  });

  it('sends RECEIVED at once and lets RECEIVING and DELETED wait for the heartbeat', () => {
    const core = new BPServiceCore();
    core.registered();
    expect(core.reportIncremental(blk(1), 'RECEIVING')).toBe(false);
    expect(core.reportIncremental(blk(2), 'DELETED')).toBe(false);
    expect(core.reportIncremental(blk(3), 'RECEIVED')).toBe(true);
    expect(core.takeIncrementalGroup().map((e) => e.block.blockId)).toEqual([1, 2, 3]);
  });

  it('keeps one entry per block, the newest (a stale RECEIVING never follows a recovered RECEIVED)', () => {
    const core = new BPServiceCore();
    core.registered();
    core.reportIncremental(blk(1, 1001), 'RECEIVING');
    core.reportIncremental(blk(1, 1002), 'RECEIVED');
    expect(core.takeIncrementalGroup()).toEqual([{ block: blk(1, 1002), status: 'RECEIVED' }]);
  });

  it('groups entries by client operation and requeues a failed group unless superseded', () => {
    const core = new BPServiceCore();
    expect(core.reportIncremental(blk(1), 'RECEIVED', { opId: 'put-1' })).toBe(true);
    expect(core.takeIncrementalGroup()).toEqual([]); // not registered yet: nothing goes
    core.registered();
    core.reportIncremental(blk(2), 'RECEIVED', { opId: 'put-1' });
    core.reportIncremental(blk(3), 'RECEIVED', { opId: 'put-2' });
    const first = core.takeIncrementalGroup();
    expect(first.map((e) => e.block.blockId)).toEqual([1, 2]);
    core.reportIncremental(blk(2, 1005), 'RECEIVED', { opId: 'put-3' });
    core.incrementalFailed(first);
    expect(core.pendingIncremental.map((e) => [e.block.blockId, e.block.genStamp])).toEqual([
      [1, 1001],
      [3, 1001],
      [2, 1005],
    ]);
  });

  it('turns commands into actions: invalidated blocks are reported DELETED once the process deleted them', () => {
    const core = new BPServiceCore();
    core.registered();
    const actions = core.commands([
      { action: 'DNA_INVALIDATE', poolId: 'BP-1', blocks: [blk(4), blk(5)] },
      { action: 'DNA_REGISTER' },
    ]);
    expect(actions).toEqual([
      { kind: 'delete-replica', poolId: 'BP-1', block: blk(4) },
      { kind: 'delete-replica', poolId: 'BP-1', block: blk(5) },
      { kind: 'register' },
    ]);
    // Block 5's replica here was recovered under a newer stamp: the process keeps it, unreported.
    expect(core.pendingIncremental).toEqual([]);
    core.replicaDeleted(blk(4));
    expect(core.pendingIncremental.map((e) => [e.block.blockId, e.status])).toEqual([[4, 'DELETED']]);
    expect(core.needsRegistration).toBe(true);
  });

  it('deletes an invalidated replica of the named stamp, reports a missing one, keeps a newer one (FsDatasetImpl.invalidate)', () => {
    expect(invalidation({ genStamp: 1001 }, blk(1, 1001))).toBe('delete');
    expect(invalidation(null, blk(1, 1001))).toBe('not-found');
    expect(invalidation({ genStamp: 1002 }, blk(1, 1001))).toBe('genstamp-mismatch');
  });

  it('turns DNA_FINALIZE into finalizing the block pool (BPOfferService.processCommandFromActive)', () => {
    expect(new BPServiceCore().commands([{ action: 'DNA_FINALIZE', poolId: 'BP-1' }])).toEqual([
      { kind: 'finalize-upgrade', poolId: 'BP-1' },
    ]);
  });

  it("is answered FinalizeCommand for an accepted full report (NameNodeRpcServer.blockReport), as the simulator's DataNodes are", () => {
    const sim = new ClusterSim({
      datanodes: 1,
      racks: 1,
      replication: 1,
      blockSizeBytes: 1 << 20,
      seed: '1',
    });
    const poolId = sim.core.namespaceInfo().blockPoolId;
    const reply = sim.core.call(
      'blockReport',
      {
        registration: simRegistration(sim, 'dn1'),
        poolId,
        storageId: 'DS-1',
        blocks: [],
        leaseId: 0,
        reportId: 2,
      },
      { caller: 'dn1', callerAddr: '127.0.1.1', nowMs: sim.nowMs },
    );
    expect(reply.result.commands).toEqual([{ action: 'DNA_FINALIZE', poolId }]);
  });
});
