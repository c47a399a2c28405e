/**
 * A queue of received chunks, as both stream decoders keep one (the IPC frame decoder and the
 * DataTransfer byte reader): bytes are taken off the front without re-joining what stays behind.
 */

/**
 * Removes the first `n` bytes of `chunks` (n ≤ their total) and returns them: a view when the
 * first chunk holds them, else one copy of exactly `n` bytes.
 */
export function takeBytes(chunks: Buffer[], n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  const first = chunks[0] as Buffer;
  if (first.length >= n) {
    if (first.length === n) chunks.shift();
    else chunks[0] = first.subarray(n);
    return first.subarray(0, n);
  }
  const out = Buffer.allocUnsafe(n);
  let filled = 0;
  while (filled < n) {
    const chunk = chunks[0] as Buffer;
    const used = Math.min(chunk.length, n - filled);
    chunk.copy(out, filled, 0, used);
    filled += used;
    if (used === chunk.length) chunks.shift();
    else chunks[0] = chunk.subarray(used);
  }
  return out;
}
