/**
 * READ_BLOCK from one DataNode (HDFS's BlockReaderRemote): the block's bytes, every chunk verified
 * against the checksum type the DataNode announces (CRC32 or CRC32C).
 */
import { blockName } from '../protocol/types.js';
import { verifyChunkChecksums } from '../common/crc.js';
import { encodeClientReadStatus, type OpReadBlock } from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import {
  journalSend,
  writeFrame,
  readResponse,
  readPacketJournaled,
  openLink,
  closeLink,
  sendOp,
  clientHeader,
  readableChecksum,
  ChecksumError,
} from '../transport/data-link.js';
import type { XferTarget, InitiatorOptions } from '../transport/data-link.js';

export interface ReadBlockOptions extends InitiatorOptions {
  target: XferTarget;
  poolId: string;
  block: { blockId: number; genStamp: number; numBytes: number };
  clientName: string;
  /** Byte offset in the block to start at (need not be chunk-aligned). */
  offset: number;
  len: number;
}

/**
 * READ_BLOCK from one DataNode: yields the block's bytes from `offset` (views into received
 * frames), verifying every chunk's CRC32C first; sends CHECKSUM_OK after a clean read.
 * Throws ChecksumError on a bad chunk and RemoteError on a refused op or a broken connection.
 */
export async function* readBlock(options: ReadBlockOptions): AsyncGenerator<Buffer> {
  const label = blockName(options.block);
  const link = await openLink(options);
  try {
    const body: OpReadBlock = {
      header: clientHeader(options),
      offset: options.offset,
      len: options.len,
      sendChecksums: true,
    };
    sendOp(link, 'READ_BLOCK', body, label);
    const resp = await readResponse(link, label);
    if (resp.status !== 'SUCCESS') {
      throw new RemoteError(
        'IOException',
        `Got error, status=${resp.status}, for OP_READ_BLOCK, ${options.poolId}:${label} from ${options.target.name}${resp.message ? `: ${resp.message}` : ''}`,
      );
    }
    const checksum = readableChecksum(resp, `${options.poolId}:${label}`, options.target.name);
    const end = options.offset + options.len;
    while (true) {
      const pkt = await readPacketJournaled(link, label);
      const h = pkt.header;
      if (h.lastPacketInBlock) break;
      const bad = verifyChunkChecksums(pkt.data, pkt.checksums, checksum.bytesPerChecksum, checksum.type);
      if (bad >= 0)
        throw new ChecksumError(
          `${options.poolId}:${label}`,
          options.target.name,
          h.offsetInBlock + bad * checksum.bytesPerChecksum,
        );
      const from = Math.max(options.offset - h.offsetInBlock, 0);
      const to = Math.min(end - h.offsetInBlock, pkt.data.length);
      if (to > from) yield pkt.data.subarray(from, to);
    }
    const raw = encodeClientReadStatus({ status: 'CHECKSUM_OK' });
    journalSend(link, { type: 'read-status', block: label, status: 'CHECKSUM_OK' }, raw);
    await writeFrame(link.socket, raw);
    link.socket.end();
  } finally {
    closeLink(link);
  }
}
