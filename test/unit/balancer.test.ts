import { describe, expect, it } from 'vitest';
import { classify, isBalanced, planMoves, type StorageReport } from '../../cluster/balancer/plan.js';
import { progressLine, runBalancer, type BalancerIo } from '../../cluster/balancer/balancer.js';
import type { DatanodeInfo } from '../../cluster/protocol/types.js';
import { parseThreshold } from '../../lab/commands/balancer.js';
import { compareNames } from '../../cluster/net/topology.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { simRegistration } from './sim-registration.js';

const MiB = 1024 * 1024;
const report = (name: string, usedMiB: number, rack = '/default-rack'): StorageReport => ({
  name,
  rack,
  capacity: 8 * MiB,
  dfsUsed: usedMiB * MiB,
  remaining: (8 - usedMiB) * MiB,
  lastUpdateMs: 1_000,
});

describe('balancer classes', () => {
  it('classifies by utilisation against the average ± threshold', () => {
    const c = classify([report('dn1', 6), report('dn2', 6), report('dn3', 6), report('dn4', 0)], 10);
    expect(c.averageUtilization).toBeCloseTo(56.25);
    expect(c.datanodes.map((d) => d.class)).toEqual([
      'over-utilized',
      'over-utilized',
      'over-utilized',
      'under-utilized',
    ]);
    expect(isBalanced(c)).toBe(false);
    expect(isBalanced(classify([report('dn1', 4), report('dn2', 5)], 20))).toBe(true);
  });
});

describe('balancer moves', () => {
  it('moves blocks to the empty DataNode, each once, from over-used sources, without overshooting', () => {
    const c = classify([report('dn1', 6), report('dn2', 6), report('dn3', 6), report('dn4', 0)], 10);
    const blocks = Array.from({ length: 6 }, (_, i) => ({
      blockId: 1073741825 + i,
      genStamp: 1001 + i,
      numBytes: MiB,
      expected: 3,
      replicas: ['dn1', 'dn2', 'dn3'],
    }));
    const moves = planMoves({ classification: c, blocks, nowMs: 1_000, heartbeatIntervalMs: 1_000 });
    // One rack: every source's replica shares it, so the NameNode takes the delete hint whichever
    // source gives. The average is 4.5 MiB: dn1 and dn2 give two blocks each (down to 4 MiB), dn3
    // one — a second would leave dn4 further above the average than it leaves dn3 below.
    expect(moves.map((m) => `${m.source}->${m.target}`)).toEqual([
      'dn1->dn4',
      'dn1->dn4',
      'dn2->dn4',
      'dn2->dn4',
      'dn3->dn4',
    ]);
    expect(new Set(moves.map((m) => m.blockId)).size).toBe(moves.length);
  });

  it('never lowers the number of racks a block spans', () => {
    const reports = [report('dn1', 6, '/rack1'), report('dn2', 1, '/rack2'), report('dn3', 0, '/rack1')];
    const c = classify(reports, 10);
    const moves = planMoves({
      classification: c,
      blocks: [{ blockId: 1, genStamp: 1, numBytes: MiB, expected: 2, replicas: ['dn1', 'dn2'] }],
      nowMs: 1_000,
      heartbeatIntervalMs: 1_000,
    });
    // dn1 → dn3 keeps racks {rack1, rack2}; nothing may leave /rack2's only replica.
    expect(moves.every((m) => m.source !== 'dn2')).toBe(true);
  });
});

describe('balancer output and arguments', () => {
  it('prints Hadoop-shaped progress lines', () => {
    expect(
      progressLine({
        nowMs: Date.UTC(2026, 10, 21, 17, 5, 9),
        iteration: 2,
        bytesMoved: 2 * MiB,
        bytesLeftToMove: 1536 * 1024,
        bytesBeingMoved: MiB,
        namenodeUri: 'hdfs://127.0.0.1:8020',
      }),
    ).toBe(
      'Nov 21, 2026, 5:05:09 PM          2                 2 MB             1.50 MB               1 MB  hdfs://127.0.0.1:8020',
    );
  });

  it('reads -threshold as Hadoop does', () => {
    expect(parseThreshold([])).toBe(10);
    expect(parseThreshold(['-threshold', '5'])).toBe(5);
    expect(() => parseThreshold(['-threshold', '0.5'])).toThrow(/Number out of range: threshold = 0.5/);
  });
});

describe('balancer run (Balancer.run over a fake cluster)', () => {
  const info = (name: string, usedMiB: number): DatanodeInfo =>
    ({
      name,
      networkLocation: '/default-rack',
      capacity: 8 * MiB,
      dfsUsed: usedMiB * MiB,
      remaining: (8 - usedMiB) * MiB,
      lastUpdate: 1_000,
    }) as DatanodeInfo;
  const io = (used: number[], dispatch: BalancerIo['dispatch']): BalancerIo => ({
    namenodeUri: 'hdfs://127.0.0.1:8020',
    heartbeatIntervalMs: 1_000,
    nowMs: () => Date.UTC(2026, 10, 21, 17, 5, 9),
    liveDatanodes: () => Promise.resolve(used.map((u, i) => info(`dn${i + 1}`, u))),
    blockMap: () =>
      Promise.resolve([{ blockId: 1, genStamp: 1001, numBytes: MiB, expected: 1, replicas: ['dn1'] }]),
    dispatch,
    settle: () => Promise.resolve(),
  });

  it("stops at once on a balanced cluster with Balancer's line and exit SUCCESS", async () => {
    const lines: string[] = [];
    const result = await runBalancer(
      io([4, 4], () => Promise.resolve(true)),
      {
        thresholdPct: 10,
        print: (l) => lines.push(l),
      },
    );
    expect(result.exit).toBe('SUCCESS');
    // Balancer.runOneIteration: System.out.println("The cluster is balanced. Exiting...").
    expect(lines.slice(-2)).toEqual([
      'The cluster is balanced. Exiting...',
      'Nov 21, 2026, 5:05:09 PM  Balancing took 0.000 seconds',
    ]);
  });

  it('gives up after 5 iterations that moved nothing (NameNodeConnector.shouldContinue)', async () => {
    const lines: string[] = [];
    const result = await runBalancer(
      io([8, 0], () => Promise.resolve(false)),
      {
        thresholdPct: 10,
        print: (l) => lines.push(l),
      },
    );
    expect(result).toMatchObject({ exit: 'NO_MOVE_PROGRESS', iterations: 5, bytesMoved: 0 });
    expect(lines).toContain('No block has been moved for 5 iterations. Exiting...');
  });
});

describe("a balancer's move at the NameNode (REPLACE_BLOCK's delete hint)", () => {
  /** Six DataNodes on three racks (dn1, dn2 /rack1; dn3, dn4 /rack2; dn5, dn6 /rack3), replication 2. */
  function movedReplica(target: (holders: string[]) => string) {
    const sim = new ClusterSim({ datanodes: 6, racks: 3, replication: 2, blockSizeBytes: MiB, seed: 'hint' });
    sim.put('/a.txt', MiB);
    const block = sim.core.namespace.getBlocks('/a.txt')![0]!;
    const holders = () => [...sim.core.blocks.get(block.blockId)!.replicas.keys()].sort(compareNames);
    const before = holders();
    const [kept, source] = before as [string, string];
    const added = target(before);
    sim.core.call(
      'blockReceivedAndDeleted',
      {
        registration: simRegistration(sim, added),
        poolId: '',
        storageId: 's',
        entries: [
          {
            block,
            status: 'RECEIVED',
            deleteHint: sim.core.datanodes.get(source)!.id.datanodeUuid,
          },
        ],
      },
      { caller: added, callerAddr: '127.0.0.1', nowMs: sim.nowMs },
    );
    return { kept, source, added, after: holders(), invalidated: sim.core.blocks.hasInvalidates(source) };
  }
  const rackOf = (name: string): number => Math.ceil(Number(name.slice(2)) / 2);
  const sameRack = (a: string) => (b: string) => b !== a && rackOf(b) === rackOf(a);

  it('deletes the source at once when the copy went to a rack the block was not on (the source alone on its rack)', () => {
    const move = movedReplica((holders) => {
      const free = [1, 2, 3].find((r) => !holders.some((h) => rackOf(h) === r))!;
      return `dn${2 * free - 1}`;
    });
    expect(move.after).toEqual([move.kept, move.added].sort(compareNames));
    expect(move.invalidated).toBe(true);
  });

  it("keeps the source when deleting it would take the block off a rack: the excess is the NameNode's choice", () => {
    const all = ['dn1', 'dn2', 'dn3', 'dn4', 'dn5', 'dn6'];
    const move = movedReplica(([kept]) => all.find(sameRack(kept!))!);
    expect(move.after).toContain(move.source);
    expect(move.after).toHaveLength(3);
    expect(move.invalidated).toBe(false);
  });
});
