/**
 * BlockPlacementPolicyDefault's rules as tables, datadriven (test/datadriven.ts): the rack cap,
 * the pipeline order, whether a placement is satisfied, why chooseTarget turns a DataNode down,
 * and which excess replica goes. The properties that hold for every seed (the rack rule over 200
 * seeds, determinism) stay in placement.test.ts.
 */
import path from 'node:path';
import { datadriven, type Directive, type Handler } from '../datadriven.js';
import { createPrng } from '../../cluster/common/prng.js';
import {
  chooseReplicaToDelete,
  chooseTarget,
  isPlacementSatisfied,
  maxReplicasPerRack,
  pipelineOrder,
  useDelHint,
  type PlacementCandidate,
} from '../../cluster/namenode/placement.js';
import { WORKED_EXAMPLE_LEAVES } from '../../cluster/net/examples.js';
import { spreadOverRacks } from '../../cluster/net/racks.js';
import { NetworkTopology } from '../../cluster/net/topology.js';

const BLOCK_BYTES = 128 * 1024 * 1024;

interface Cluster {
  topology: NetworkTopology;
  candidates: PlacementCandidate[];
}

/** `topology datanodes=9 racks=3` (dn1.. over /rack1..), or `topology worked-example` (h1..h5). */
function topology(d: Directive): Cluster {
  const leaves = d.has('worked-example')
    ? [...WORKED_EXAMPLE_LEAVES]
    : spreadOverRacks(d.int('datanodes'), d.int('racks')).map((location, i) => ({
        name: `dn${i + 1}`,
        location,
        address: `127.0.0.1:${9866 + i}`,
      }));
  const candidates = leaves.map(({ name }) => ({
    name,
    state: 'live' as const,
    adminState: 'NORMAL' as const,
    remainingBytes: 10 * BLOCK_BYTES,
    xceiverCount: 1,
  }));
  return { topology: new NetworkTopology(leaves), candidates };
}

/** `dn1=stale`, `dn1=DECOMMISSION_INPROGRESS`, `dn1=room:<bytes>`, `dn1=xceivers:<n>`. */
function candidates(d: Directive, cluster: Cluster): PlacementCandidate[] {
  return cluster.candidates.map((c) => {
    const setting = d.args.find((a) => a.key === c.name)?.values[0];
    if (!setting) return c;
    const [what, n] = setting.split(':');
    if (what === 'room') return { ...c, remainingBytes: Number(n) };
    if (what === 'xceivers') return { ...c, xceiverCount: Number(n) };
    if (what === 'stale' || what === 'dead') return { ...c, state: what };
    return { ...c, adminState: what as PlacementCandidate['adminState'] };
  });
}

function handler(): Handler {
  let cluster: Cluster | null = null;
  const need = (d: Directive): Cluster => {
    if (!cluster) throw new Error(`${d.pos}: the first command must be \`topology …\``);
    return cluster;
  };
  return (d) => {
    switch (d.cmd) {
      case 'topology':
        cluster = topology(d);
        return cluster.candidates.map((c) => `${c.name} ${cluster?.topology.getLocation(c.name)}`);
      case 'max-replicas-per-rack':
        return [String(maxReplicasPerRack(d.int('total'), d.int('racks')))];
      case 'pipeline-order': {
        const writer = d.has('writer') ? d.get('writer') : null;
        return [pipelineOrder(writer, d.list('targets'), need(d).topology).join(' ')];
      }
      case 'placement-satisfied':
        return [String(isPlacementSatisfied(d.list('replicas'), d.int('replication'), need(d).topology))];
      case 'choose-target': {
        const c = need(d);
        const { targets, rejected } = chooseTarget(
          {
            writer: d.has('writer') ? d.get('writer') : null,
            replicas: d.int('replicas', 3),
            chosen: d.list('chosen'),
            excluded: new Set(d.list('excluded')),
            candidates: candidates(d, c),
            blockSizeBytes: BLOCK_BYTES,
            prng: createPrng(d.int('seed', 1)),
            considerLoad: d.get('considerLoad', 'true') === 'true',
            avoidStale: d.has('avoid-stale'),
          },
          c.topology,
        );
        return [`targets: ${targets.join(' ')}`, ...rejected.map((r) => `rejected: ${r.name} ${r.reason}`)];
      }
      case 'replica-to-delete': {
        // remaining=(dn1:500,dn2:400) silent=(dn1:12001): ms since the last heartbeat, 3 s apart.
        const nowMs = 1_000_000;
        const pairs = (key: string): Record<string, number> =>
          Object.fromEntries(d.list(key).map((p) => [p.split(':')[0], Number(p.split(':')[1])]));
        const silent = pairs('silent');
        const lastHeartbeatMs = Object.fromEntries(
          d.list('replicas').map((name) => [name, nowMs - (silent[name] ?? 0)]),
        );
        const stats = {
          lastHeartbeatMs,
          remainingBytes: pairs('remaining'),
          nowMs,
          heartbeatIntervalMs: 3000,
        };
        return [String(chooseReplicaToDelete(d.list('replicas'), stats, need(d).topology))];
      }
      case 'use-del-hint': {
        const hint = { hint: d.get('hint'), added: d.get('added') };
        return [String(useDelHint(d.list('replicas'), hint, need(d).topology))];
      }
      default:
        throw new Error(`${d.pos}: unknown command ${d.cmd}`);
    }
  };
}

datadriven('placement rules', path.join(import.meta.dirname, 'testdata', 'placement'), handler);
