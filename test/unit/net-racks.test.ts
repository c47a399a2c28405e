import { describe, expect, it } from 'vitest';
import { spreadOverRacks } from '../../cluster/net/racks.js';

function sizes(racks: string[]): number[] {
  const counts = new Map<string, number>();
  for (const rack of racks) counts.set(rack, (counts.get(rack) ?? 0) + 1);
  return [...counts.values()];
}

describe('spreadOverRacks', () => {
  it('lays DataNodes out in contiguous, even groups', () => {
    expect(spreadOverRacks(9, 3)).toEqual([
      '/rack1',
      '/rack1',
      '/rack1',
      '/rack2',
      '/rack2',
      '/rack2',
      '/rack3',
      '/rack3',
      '/rack3',
    ]);
    expect(spreadOverRacks(4, 3)).toEqual(['/rack1', '/rack1', '/rack2', '/rack3']);
    expect(spreadOverRacks(3, 1)).toEqual(['/rack1', '/rack1', '/rack1']);
    expect(spreadOverRacks(2, 2)).toEqual(['/rack1', '/rack2']);
  });

  it('never lets two racks differ by more than one DataNode', () => {
    for (let datanodes = 1; datanodes <= 20; datanodes++) {
      for (let racks = 1; racks <= datanodes; racks++) {
        const counts = sizes(spreadOverRacks(datanodes, racks));
        expect(counts).toHaveLength(racks);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('rejects impossible layouts with clear errors', () => {
    expect(() => spreadOverRacks(2, 3)).toThrow(/3 racks for 2 DataNode/);
    expect(() => spreadOverRacks(3, 0)).toThrow(/racks must be a positive integer/);
    expect(() => spreadOverRacks(0, 1)).toThrow(/datanodes must be a positive integer/);
    expect(() => spreadOverRacks(3.5, 1)).toThrow(/datanodes/);
  });
});
