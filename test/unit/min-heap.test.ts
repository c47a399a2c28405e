import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../cluster/common/min-heap.js';
import { createPrng } from '../../cluster/common/prng.js';

describe('MinHeap', () => {
  it('pops in the order a stable sort gives, with pushes between pops', () => {
    const prng = createPrng('min-heap');
    const items = Array.from({ length: 500 }, (_, i) => ({ t: prng.int(50), i }));
    const heap = new MinHeap<{ t: number; i: number }>((a, b) => a.t < b.t || (a.t === b.t && a.i < b.i));
    const popped: { t: number; i: number }[] = [];
    for (const [n, item] of items.entries()) {
      heap.push(item);
      if (n % 3 === 2) popped.push(heap.pop()!);
    }
    const afterLastPush = popped.length;
    while (heap.size > 0) popped.push(heap.pop()!);
    expect(heap.pop()).toBeUndefined();
    expect(popped).toHaveLength(items.length);
    // Each pop is the least of what was in the heap then, so the tail after the last push is sorted
    // and the whole is a permutation of the input.
    expect([...popped].sort((a, b) => a.i - b.i)).toEqual(items);
    const tail = popped.slice(afterLastPush);
    expect(tail).toEqual([...tail].sort((a, b) => a.t - b.t || a.i - b.i));
  });
});
