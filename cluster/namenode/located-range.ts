/**
 * Which blocks a getBlockLocations answers, as BlockManager.createLocatedBlocks and
 * FSDirStatAndListingOp.getBlockLocations decide it: the blocks of the requested byte range only
 * (a client asks for a prefetch window, dfs.client.read.prefetch.size, and more as it reads), the
 * file's length without an under-construction last block, and the last block on its own. Pure.
 */

/**
 * BlockManager.createLocatedBlockList: the indices [first, end) of the blocks answered for
 * `offset` and `length` — from the block holding `offset`, block after block while the blocks
 * so far end before `offset + length` (so at least one). None when `offset` is at or past the end
 * of the blocks; a file whose first block is still empty answers from that block.
 */
export function locatedRange(
  sizes: readonly number[],
  offset: number,
  length: number,
): { first: number; end: number } {
  if (sizes.length === 0) return { first: 0, end: 0 };
  const counted = sizes[0] === 0 ? 0 : sizes.length;
  let first = 0;
  let pos = 0;
  for (; first < counted; first++) {
    const size = sizes[first] as number;
    if (pos + size > offset) break;
    pos += size;
  }
  if (counted > 0 && first === counted) return { first: counted, end: counted };
  const endOffset = offset + length;
  let end = first;
  do {
    pos += sizes[end] as number;
    end++;
  } while (pos < endOffset && end < sizes.length);
  return { first, end };
}

/** INodeFile.computeFileSizeNotIncludingLastUcBlock: the blocks' bytes, less a last block not yet complete. */
export function lengthWithoutLastUcBlock(sizes: readonly number[], lastComplete: boolean): number {
  const total = sizes.reduce((sum, n) => sum + n, 0);
  return lastComplete ? total : total - (sizes.at(-1) ?? 0);
}

/**
 * Where the block a snapshot's lastBlock names starts (BlockManager's createLocatedBlock over the
 * blocks up to `endPos`): the first block that reaches `endPos`, else the last one.
 */
export function blockReaching(sizes: readonly number[], endPos: number): { index: number; start: number } {
  const counted = sizes[0] === 0 ? 0 : sizes.length;
  let pos = 0;
  let index = 0;
  for (; index < counted; index++) {
    const size = sizes[index] as number;
    if (pos + size >= endPos) break;
    pos += size;
  }
  return { index: Math.min(index, sizes.length - 1), start: pos };
}

/** Where each block starts in the file (the prefix sums of the sizes). */
export function blockStarts(sizes: readonly number[]): number[] {
  const starts: number[] = [];
  let pos = 0;
  for (const size of sizes) {
    starts.push(pos);
    pos += size;
  }
  return starts;
}
