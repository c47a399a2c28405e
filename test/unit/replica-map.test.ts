import { describe, expect, it } from 'vitest';
import { ReplicaMap } from '../../cluster/datanode/replica-map.js';

interface R {
  blockId: number;
  genStamp: number;
}

function ids(map: ReplicaMap<R>): number[] {
  return [...map.values()].map((r) => r.blockId);
}

describe('ReplicaMap', () => {
  it('finds replicas by id and walks them in id order whatever the insertion order', () => {
    const map = new ReplicaMap<R>();
    for (const blockId of [1073741827, 1073741825, 1073741830, 1073741826])
      map.set({ blockId, genStamp: 1001 });
    expect(map.size).toBe(4);
    expect(ids(map)).toEqual([1073741825, 1073741826, 1073741827, 1073741830]);
    expect(map.get(1073741827)).toEqual({ blockId: 1073741827, genStamp: 1001 });
    expect(map.nextAfter(null)).toBe(1073741825);
    expect(map.nextAfter(1073741827)).toBe(1073741830);
    expect(map.nextAfter(1073741828)).toBe(1073741830);
    expect(map.nextAfter(1073741830)).toBeUndefined();
  });

  it('replaces a replica on a new generation stamp without duplicating its id', () => {
    const map = new ReplicaMap<R>();
    map.set({ blockId: 5, genStamp: 1001 });
    map.set({ blockId: 5, genStamp: 1002 });
    expect(map.size).toBe(1);
    expect(ids(map)).toEqual([5]);
    expect(map.get(5)?.genStamp).toBe(1002);
  });

  it('forgets deleted replicas and reloads wholesale', () => {
    const map = new ReplicaMap<R>();
    for (const blockId of [3, 1, 2]) map.set({ blockId, genStamp: 1 });
    expect(map.delete(2)).toBe(true);
    expect(map.delete(2)).toBe(false);
    expect(map.has(2)).toBe(false);
    expect(map.nextAfter(1)).toBe(3);
    map.replaceAll([
      { blockId: 9, genStamp: 1 },
      { blockId: 7, genStamp: 1 },
    ]);
    expect(ids(map)).toEqual([7, 9]);
    expect(map.has(1)).toBe(false);
  });
});
