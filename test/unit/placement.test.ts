/**
 * Placement's properties over many seeds (the rack rule, exclusions, determinism, re-replication)
 * and the read order of located replicas. The rules as tables (the rack cap, the pipeline order,
 * a satisfied placement, rejections, the excess replica to delete) are datadriven:
 * testdata/placement/rules.txt.
 */
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../cluster/common/prng.js';
import {
  chooseTarget,
  sortLocatedReplicas,
  type ChooseTargetRequest,
  type PlacementCandidate,
} from '../../cluster/namenode/placement.js';
import { WORKED_EXAMPLE_LEAVES } from '../../cluster/net/examples.js';
import { spreadOverRacks } from '../../cluster/net/racks.js';
import { NetworkTopology } from '../../cluster/net/topology.js';

const MiB = 1024 * 1024;
const BLOCK_BYTES = 128 * MiB;
const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);

/** dn1..dnN laid out over /rack1../rackR, all live, in service, roomy and idle. */
function cluster(
  datanodes: number,
  racks: number,
): { topology: NetworkTopology; candidates: PlacementCandidate[] } {
  const locations = spreadOverRacks(datanodes, racks);
  const topology = new NetworkTopology(
    locations.map((location, i) => ({ name: `dn${i + 1}`, location, address: `127.0.0.1:${9866 + i}` })),
  );
  const candidates = locations.map((_, i) => candidate(`dn${i + 1}`));
  return { topology, candidates };
}

function candidate(name: string, overrides: Partial<PlacementCandidate> = {}): PlacementCandidate {
  return {
    name,
    state: 'live',
    adminState: 'NORMAL',
    remainingBytes: 10 * BLOCK_BYTES,
    xceiverCount: 1,
    ...overrides,
  };
}

function request(
  overrides: Partial<ChooseTargetRequest> & Pick<ChooseTargetRequest, 'candidates'>,
): ChooseTargetRequest {
  return {
    writer: null,
    replicas: 3,
    chosen: [],
    excluded: new Set(),
    blockSizeBytes: BLOCK_BYTES,
    prng: createPrng(1),
    ...overrides,
  };
}

function withOverride(
  candidates: PlacementCandidate[],
  name: string,
  overrides: Partial<PlacementCandidate>,
) {
  return candidates.map((c) => (c.name === name ? { ...c, ...overrides } : c));
}

function rackCounts(names: string[], topology: NetworkTopology): number[] {
  const counts = new Map<string, number>();
  for (const name of names) {
    const rack = topology.getLocation(name) ?? '?';
    counts.set(rack, (counts.get(rack) ?? 0) + 1);
  }
  return [...counts.values()].sort((a, b) => b - a);
}

describe('chooseTarget rack rules', () => {
  it('puts replica 1 on the writer, 2 off its rack, 3 beside 2, for every seed', () => {
    const { topology, candidates } = cluster(9, 3);
    for (const seed of SEEDS) {
      const writer = `dn${(seed % 9) + 1}`;
      const { targets } = chooseTarget(request({ writer, candidates, prng: createPrng(seed) }), topology);
      expect(targets).toHaveLength(3);
      const [first, second, third] = targets as [string, string, string];
      expect(first).toBe(writer);
      expect(topology.getLocation(second)).not.toBe(topology.getLocation(first));
      expect(topology.getLocation(third)).toBe(topology.getLocation(second));
      expect(new Set(targets).size).toBe(3);
    }
  });

  it('spans exactly two racks for an off-cluster writer', () => {
    const { topology, candidates } = cluster(6, 2);
    for (const seed of SEEDS) {
      const { targets } = chooseTarget(request({ candidates, prng: createPrng(seed) }), topology);
      expect(rackCounts(targets, topology)).toEqual([2, 1]);
    }
  });

  it('spreads over distinct DataNodes on a single-rack cluster and never exceeds the cluster', () => {
    const topology = new NetworkTopology(
      ['dn1', 'dn2', 'dn3'].map((name, i) => ({
        name,
        location: '/default-rack',
        address: `127.0.0.1:${i}`,
      })),
    );
    const candidates = ['dn1', 'dn2', 'dn3'].map((name) => candidate(name));
    for (const seed of SEEDS.slice(0, 30)) {
      const { targets } = chooseTarget(
        request({ writer: 'dn2', replicas: 5, candidates, prng: createPrng(seed) }),
        topology,
      );
      expect([...targets].sort()).toEqual(['dn1', 'dn2', 'dn3']);
      expect(targets[0]).toBe('dn2');
    }
  });

  it('keeps every rack within the cap for many replicas', () => {
    const { topology, candidates } = cluster(12, 2);
    for (const seed of SEEDS.slice(0, 50)) {
      const { targets } = chooseTarget(
        request({ replicas: 10, candidates, prng: createPrng(seed) }),
        topology,
      );
      expect(targets).toHaveLength(10);
      expect(Math.max(...rackCounts(targets, topology))).toBeLessThanOrEqual(6);
    }
  });

  it('stops short rather than overload a rack, saying why', () => {
    // rack1: dn1..dn6, rack2: dn7. Six replicas on two racks: cap 4, so at most 4 + 1 fit.
    const topology = new NetworkTopology([
      ...Array.from({ length: 6 }, (_, i) => ({ name: `dn${i + 1}`, location: '/rack1', address: `a:${i}` })),
      { name: 'dn7', location: '/rack2', address: 'a:7' },
    ]);
    const candidates = Array.from({ length: 7 }, (_, i) => candidate(`dn${i + 1}`));
    const { targets, rejected } = chooseTarget(request({ writer: 'dn1', replicas: 6, candidates }), topology);
    expect(targets).toHaveLength(5);
    expect(rackCounts(targets, topology)).toEqual([4, 1]);
    // The two rack1 DataNodes left out are the ones the cap turned down.
    const leftOut = ['dn1', 'dn2', 'dn3', 'dn4', 'dn5', 'dn6'].filter((name) => !targets.includes(name));
    expect(rejected.map((r) => r.name).sort()).toEqual(leftOut);
    expect(new Set(rejected.map((r) => r.reason))).toEqual(new Set(['TOO_MANY_NODES_ON_RACK']));
  });

  it('follows the worked example: h4 brings h5, h3 falls back to h2', () => {
    const topology = new NetworkTopology(WORKED_EXAMPLE_LEAVES);
    const candidates = ['h1', 'h2', 'h3', 'h4', 'h5'].map((name) => candidate(name));
    const seen = new Set<string>();
    for (const seed of SEEDS) {
      const { targets } = chooseTarget(
        request({ writer: 'h1', candidates, prng: createPrng(seed) }),
        topology,
      );
      const chosen = [...targets].sort().join(',');
      seen.add(chosen);
      // rackB holds only h3, so after h3 the third replica falls back to the writer's rack.
      expect(['h1,h4,h5', 'h1,h2,h3']).toContain(chosen);
      if (chosen === 'h1,h4,h5') expect(targets).toEqual(['h1', 'h4', 'h5']);
    }
    expect(seen.has('h1,h4,h5')).toBe(true);
    expect(seen.has('h1,h2,h3')).toBe(true);
  });

  it('returns nothing when nothing is wanted', () => {
    const { topology, candidates } = cluster(3, 1);
    expect(chooseTarget(request({ replicas: 0, candidates }), topology)).toEqual({
      targets: [],
      rejected: [],
    });
  });
});

describe('chooseTarget exclusions and rejections', () => {
  it('never chooses excluded or dead DataNodes', () => {
    const { topology, candidates } = cluster(9, 3);
    const live = withOverride(candidates, 'dn5', { state: 'dead' });
    for (const seed of SEEDS) {
      const { targets, rejected } = chooseTarget(
        request({
          writer: 'dn1',
          candidates: live,
          excluded: new Set(['dn2', 'dn7']),
          prng: createPrng(seed),
        }),
        topology,
      );
      expect(targets).toHaveLength(3);
      expect(targets).not.toContain('dn2');
      expect(targets).not.toContain('dn7');
      expect(targets).not.toContain('dn5');
      expect(rejected).toEqual([]);
    }
  });

  it('skips a decommissioning writer as NOT_IN_SERVICE and stays on its rack', () => {
    const { topology, candidates } = cluster(9, 3);
    const list = withOverride(candidates, 'dn1', { adminState: 'DECOMMISSION_INPROGRESS' });
    for (const seed of SEEDS.slice(0, 50)) {
      const { targets, rejected } = chooseTarget(
        request({ writer: 'dn1', candidates: list, prng: createPrng(seed) }),
        topology,
      );
      expect(targets).not.toContain('dn1');
      expect(rejected).toContainEqual({ name: 'dn1', reason: 'NOT_IN_SERVICE' });
      // The pipeline starts nearest the writer: its rack-mate.
      expect(topology.getLocation(targets[0] as string)).toBe('/rack1');
    }
  });
});

describe('chooseTarget determinism', () => {
  it('makes the same choice for the same seed and different ones across seeds', () => {
    const { topology, candidates } = cluster(9, 3);
    const choose = (seed: number) =>
      chooseTarget(request({ candidates, prng: createPrng(seed) }), topology).targets;
    expect(choose(42)).toEqual(choose(42));
    const distinct = new Set(SEEDS.slice(0, 50).map((seed) => choose(seed).join(',')));
    expect(distinct.size).toBeGreaterThan(5);
  });

  it('does not depend on the order of the candidate list', () => {
    const { topology, candidates } = cluster(9, 3);
    for (const seed of SEEDS.slice(0, 20)) {
      const forward = chooseTarget(request({ candidates, prng: createPrng(seed) }), topology);
      const backward = chooseTarget(
        request({ candidates: [...candidates].reverse(), prng: createPrng(seed) }),
        topology,
      );
      expect(backward).toEqual(forward);
    }
  });
});

describe('chooseTarget re-replication', () => {
  it('puts the next replica off the rack of a single existing one', () => {
    const { topology, candidates } = cluster(9, 3);
    for (const seed of SEEDS.slice(0, 50)) {
      const { targets } = chooseTarget(
        request({ writer: 'dn1', chosen: ['dn1'], replicas: 1, candidates, prng: createPrng(seed) }),
        topology,
      );
      expect(targets).toHaveLength(1);
      expect(topology.getLocation(targets[0] as string)).not.toBe('/rack1');
    }
  });

  it('joins the second replica on its rack when two exist on different racks', () => {
    const { topology, candidates } = cluster(9, 3);
    for (const seed of SEEDS.slice(0, 50)) {
      const { targets } = chooseTarget(
        request({ writer: 'dn1', chosen: ['dn1', 'dn4'], replicas: 1, candidates, prng: createPrng(seed) }),
        topology,
      );
      expect(targets).toHaveLength(1);
      expect(['dn5', 'dn6']).toContain(targets[0]);
    }
  });

  it('goes to another rack when both existing replicas share one', () => {
    const { topology, candidates } = cluster(9, 3);
    for (const seed of SEEDS.slice(0, 50)) {
      const { targets } = chooseTarget(
        request({ writer: 'dn1', chosen: ['dn1', 'dn2'], replicas: 1, candidates, prng: createPrng(seed) }),
        topology,
      );
      expect(topology.getLocation(targets[0] as string)).not.toBe('/rack1');
    }
  });
});

describe('sortLocatedReplicas', () => {
  const { topology } = cluster(9, 3);

  it('orders by distance: local, same rack, then other racks', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const sorted = sortLocatedReplicas('dn1', ['dn7', 'dn2', 'dn4', 'dn1'], topology, createPrng(seed));
      expect(sorted.slice(0, 2)).toEqual(['dn1', 'dn2']);
      expect([...sorted.slice(2)].sort()).toEqual(['dn4', 'dn7']);
    }
  });

  it('shuffles equal distances with the seed', () => {
    const order = (seed: number) =>
      sortLocatedReplicas('dn1', ['dn4', 'dn7'], topology, createPrng(seed)).join(',');
    expect(order(9)).toBe(order(9));
    expect(new Set(SEEDS.slice(0, 30).map(order))).toEqual(new Set(['dn4,dn7', 'dn7,dn4']));
  });

  it('weighs an off-cluster reader by its location', () => {
    const sorted = sortLocatedReplicas(
      { location: '/rack2', host: 'client' },
      ['dn1', 'dn5'],
      topology,
      createPrng(1),
    );
    expect(sorted).toEqual(['dn5', 'dn1']);
  });

  it('moves decommissioned, decommissioning and (when avoided) stale replicas to the end', () => {
    const holders = {
      dn1: { state: 'live', adminState: 'DECOMMISSIONED' },
      dn2: { state: 'stale', adminState: 'NORMAL' },
      dn3: { state: 'live', adminState: 'DECOMMISSION_INPROGRESS' },
      dn7: { state: 'live', adminState: 'NORMAL' },
    } as const;
    const replicas = ['dn1', 'dn2', 'dn3', 'dn7'];
    expect(
      sortLocatedReplicas('dn1', replicas, topology, createPrng(1), { holders, avoidStale: true }),
    ).toEqual(['dn7', 'dn2', 'dn3', 'dn1']);
    expect(sortLocatedReplicas('dn1', replicas, topology, createPrng(1), { holders })).toEqual([
      'dn2',
      'dn7',
      'dn3',
      'dn1',
    ]);
  });
});
