/**
 * The one-answer DataTransfer ops a client or the balancer sends a DataNode: BLOCK_CHECKSUM
 * (file checksums), TRANSFER_BLOCK (pipeline recovery adding a DataNode) and REPLACE_BLOCK (a
 * balancer move).
 */
import { blockName } from '../protocol/types.js';
import type { BlockChecksumResponse, OpTransferBlock } from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import type { BlockRef } from '../protocol/types.js';
import {
  readResponse,
  openLink,
  closeLink,
  toTransferTarget,
  sendOp,
  clientHeader,
  baseHeader,
} from '../transport/data-link.js';
import type { XferTarget, InitiatorOptions } from '../transport/data-link.js';

/**
 * The balancer's side of REPLACE_BLOCK (Dispatcher.PendingMove): asks `target` to copy the replica
 * from `proxy`; the answer comes when the copy is done (IN_PROGRESS answers before it are skipped).
 */
export async function replaceBlock(
  options: InitiatorOptions & {
    target: XferTarget;
    proxy: XferTarget;
    delHint: string;
    poolId: string;
    block: BlockRef;
  },
): Promise<void> {
  const label = blockName(options.block);
  const link = await openLink(options);
  try {
    const header = baseHeader(options);
    sendOp(
      link,
      'REPLACE_BLOCK',
      { header, delHint: options.delHint, source: toTransferTarget(options.proxy) },
      label,
    );
    let resp = await readResponse(link, label);
    while (resp.status === 'IN_PROGRESS') resp = await readResponse(link, label);
    if (resp.status !== 'SUCCESS') {
      throw new RemoteError(
        'IOException',
        `Got error, status=${resp.status}, block move of ${options.poolId}:${label} to ${options.target.name}${resp.message ? `: ${resp.message}` : ''}`,
      );
    }
  } finally {
    closeLink(link);
  }
}

/**
 * The client's side of BLOCK_CHECKSUM: one DataNode's MD5-of-CRCs of a block (DFSClient's
 * FileChecksumHelper asks the replicas in turn until one answers).
 */
export async function blockChecksum(
  options: InitiatorOptions & { target: XferTarget; poolId: string; block: BlockRef },
): Promise<BlockChecksumResponse> {
  const label = blockName(options.block);
  const link = await openLink(options);
  try {
    const header = baseHeader(options);
    sendOp(link, 'BLOCK_CHECKSUM', { header }, label);
    const resp = await readResponse(link, label);
    if (resp.status !== 'SUCCESS' || !resp.checksumResponse) {
      throw new RemoteError(
        'IOException',
        `Bad response ${resp.status} for OP_BLOCK_CHECKSUM of ${options.poolId}:${label} from ${options.target.name}${resp.message ? `: ${resp.message}` : ''}`,
      );
    }
    return resp.checksumResponse;
  } finally {
    closeLink(link);
  }
}

/**
 * The client's side of TRANSFER_BLOCK (DataStreamer.transfer): asks `source`, a DataNode of the
 * pipeline, to copy its RBW replica's first `block.numBytes` bytes (the acknowledged ones) to
 * `targets`, and waits for its answer, which comes after the copy.
 */
export async function transferBlock(
  options: InitiatorOptions & {
    source: XferTarget;
    targets: readonly XferTarget[];
    poolId: string;
    block: BlockRef;
    clientName: string;
  },
): Promise<void> {
  const label = blockName(options.block);
  const link = await openLink({ ...options, target: options.source });
  try {
    const body: OpTransferBlock = {
      header: clientHeader(options),
      targets: options.targets.map(toTransferTarget),
    };
    sendOp(link, 'TRANSFER_BLOCK', body, label);
    const resp = await readResponse(link, label);
    if (resp.status !== 'SUCCESS') {
      throw new RemoteError(
        'IOException',
        `Failed to add a datanode. Response status: ${resp.status}${resp.message ? ` (${resp.message})` : ''}`,
      );
    }
  } finally {
    closeLink(link);
  }
}
