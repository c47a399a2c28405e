import { describe, expect, it } from 'vitest';
import type { ClusterDescription } from '../../cluster/home/description.js';
import {
  FaultTargetError,
  parseFaults,
  partitionBetween,
  resolvePartitionTarget,
  slowDelayMs,
  type FaultState,
} from '../../cluster/transport/faults.js';

const description = {
  secondary: { id: 'snn', host: '127.0.0.2', port: 9868 },
  datanodes: [
    { id: 'dn1', host: '127.0.1.1', port: 9866, rack: '/dc1/rack1' },
    { id: 'dn2', host: '127.0.2.2', port: 9866, rack: '/dc1/rack2' },
    { id: 'dn3', host: '127.0.2.3', port: 9866, rack: '/dc1/rack2' },
    { id: 'dn4', host: '127.0.3.4', port: 9866, rack: '/dc2/rack1' },
  ],
} as unknown as ClusterDescription;

describe('partition targets', () => {
  it('names a process, a rack, or every rack under a path', () => {
    expect(resolvePartitionTarget(description, 'dn3').members).toEqual(['dn3']);
    expect(resolvePartitionTarget(description, '/dc1/rack2').members).toEqual(['dn2', 'dn3']);
    expect(resolvePartitionTarget(description, '/dc1').members).toEqual(['dn1', 'dn2', 'dn3']);
  });

  it('refuses what the cluster does not have, listing what it has', () => {
    expect(() => resolvePartitionTarget(description, 'dn9')).toThrow(FaultTargetError);
    expect(() => resolvePartitionTarget(description, '/rack7')).toThrow(
      /racks are \/dc1\/rack1, \/dc1\/rack2, \/dc2\/rack1/,
    );
  });
});

describe('which links a partition cuts', () => {
  const state: FaultState = {
    version: 1,
    partitions: [{ target: '/dc1/rack2', members: ['dn2', 'dn3'] }],
    slow: { dn1: 50 },
  };

  it('cuts members from everyone outside, not from each other', () => {
    expect(partitionBetween(state, 'dn2', 'nn')?.target).toBe('/dc1/rack2');
    expect(partitionBetween(state, 'client', 'dn3')?.target).toBe('/dc1/rack2');
    expect(partitionBetween(state, 'dn2', 'dn3')).toBeUndefined();
    expect(partitionBetween(state, 'dn1', 'nn')).toBeUndefined();
  });

  it('reads slow delays, capped, and ignores junk in the file', () => {
    expect(slowDelayMs(state, 'dn1')).toBe(50);
    expect(slowDelayMs(state, 'dn2')).toBe(0);
    const parsed = parseFaults(
      JSON.stringify({
        partitions: [{ target: 'x' }, { target: 'dn1', members: ['dn1'] }],
        slow: { dn2: 1e9, dn3: -1 },
      }),
    );
    expect(parsed.partitions).toEqual([{ target: 'dn1', members: ['dn1'] }]);
    expect(parsed.slow).toEqual({ dn2: 10_000 });
  });
});
