/**
 * getBlockLocations answers the blocks of the range asked for, as BlockManager.createLocatedBlockList
 * does: from the block holding the offset while the blocks so far end before offset + length (at
 * least one), none past the end; the file length leaves out a last block under construction
 * (INodeFile.computeFileSizeNotIncludingLastUcBlock). Expected values worked from Hadoop's loops.
 */
import { describe, expect, it } from 'vitest';
import {
  blockReaching,
  blockStarts,
  lengthWithoutLastUcBlock,
  locatedRange,
} from '../../cluster/namenode/located-range.js';

const MiB = 1024 * 1024;
const five = [MiB, MiB, MiB, MiB, 300];

describe('locatedRange (BlockManager.createLocatedBlockList)', () => {
  it('answers a prefetch window of two blocks from the start, then from where the reader is', () => {
    expect(locatedRange(five, 0, 2 * MiB)).toEqual({ first: 0, end: 2 });
    expect(locatedRange(five, 2 * MiB, 2 * MiB)).toEqual({ first: 2, end: 4 });
    expect(locatedRange(five, 4 * MiB, 2 * MiB)).toEqual({ first: 4, end: 5 });
  });
  it('includes the block a window ends inside, and at least one block for a zero length', () => {
    expect(locatedRange(five, 10, MiB)).toEqual({ first: 0, end: 2 });
    expect(locatedRange(five, MiB + 5, 0)).toEqual({ first: 1, end: 2 });
  });
  it('answers every block for a length past the end, and none for an offset at or past the end', () => {
    expect(locatedRange(five, 0, Number.MAX_SAFE_INTEGER)).toEqual({ first: 0, end: 5 });
    expect(locatedRange(five, 4 * MiB + 300, 1)).toEqual({ first: 5, end: 5 });
    expect(locatedRange([], 0, 10)).toEqual({ first: 0, end: 0 });
  });
  it('answers a new empty block being written, after the full ones, when the range reaches it', () => {
    expect(locatedRange([MiB, 0], 0, Number.MAX_SAFE_INTEGER)).toEqual({ first: 0, end: 2 });
    expect(locatedRange([0], 0, 10)).toEqual({ first: 0, end: 1 });
  });
});

describe("the file's length and last block", () => {
  it('leaves a last block under construction out of the length', () => {
    expect(lengthWithoutLastUcBlock(five, true)).toBe(4 * MiB + 300);
    expect(lengthWithoutLastUcBlock(five, false)).toBe(4 * MiB);
  });
  it('finds where each block starts and which block reaches a snapshot length', () => {
    expect(blockStarts(five)).toEqual([0, MiB, 2 * MiB, 3 * MiB, 4 * MiB]);
    expect(blockReaching(five, 2 * MiB)).toEqual({ index: 1, start: MiB });
    expect(blockReaching(five, 4 * MiB + 300)).toEqual({ index: 4, start: 4 * MiB });
  });
});
