/**
 * The DataNode's write path (HDFS's BlockReceiver and PacketResponder): WRITE_BLOCK as a real
 * pipeline — each DataNode connects to the next target before it answers the setup, forwards every
 * packet downstream before writing it, and acks a packet upstream only after the downstream ack for
 * that seqno (the last DataNode acks at once) — with the RBW replicas pipeline and lease recovery
 * carry on from, and REPLACE_BLOCK's receiving side.
 */
import { blockName } from '../protocol/types.js';
import fs from 'node:fs';
import { verifyChunkChecksums } from '../common/crc.js';
import { mirrorWriteBlock, type OpReplaceBlock, type OpWriteBlock } from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import {
  BYTES_PER_CHECKSUM,
  CHECKSUM_SIZE,
  OOB_SEQNO,
  oobStatusOf,
  PACKET_DATA_BYTES,
  type PipelineAck,
} from '../protocol/packet.js';
import { RECEIVED_BEFORE_LAST_ACK_WAIT_MS } from '../protocol/limits.js';
import type { BlockRef } from '../protocol/types.js';
import { META_HEADER_BYTES, parseMeta, type ChecksumSpec } from '../datanode/meta.js';
import { parseMetaFileName } from '../datanode/layout.js';
import {
  planReplaceBlock,
  planReplaceReceive,
  planWriteBlock,
  RESTART_OOB_REPLIES,
  upstreamAck,
  type DownstreamAck,
  type ReceiveReplica,
  type ReplicaEnd,
} from '../datanode/receive-plan.js';
import { PacketLoop, type PacketStep } from '../datanode/packet-loop.js';
import type { IbrOrigin } from '../datanode/bp-service-core.js';
import path from 'node:path';
import {
  findRbw,
  validRbwLength,
  type DatanodeStorage,
  type ReplicaFiles,
  type ReplicaWriter,
} from './datanode-storage.js';
import { crashIfFaulted, faultDelay, faultView, type FaultView } from '../transport/faults.js';
import {
  journalSend,
  writePacketFrame,
  readResponse,
  sendResponse,
  readAck,
  sendAck,
  readPacketJournaled,
  packetMsg,
  openLink,
  closeLink,
  sendOp,
  readableChecksum,
  ChecksumError,
} from '../transport/data-link.js';
import type { Link, XferTarget } from '../transport/data-link.js';
import type { XceiverServerOptions } from './xceiver-server.js';

/** A packet forwarded to the mirror, waiting for the downstream ack. */
interface PendingAck {
  step: PacketStep;
  /** Settles when this DataNode's own status for the packet is known (the step's ownStatusAfter). */
  local: Promise<void>;
}

/** A packet as the reader hands it over. */
type Packet = Awaited<ReturnType<typeof readPacketJournaled>>;

/** The replica being received, and the receive plan's end for it. */
interface Receiving {
  writer: ReplicaWriter;
  checksum: ChecksumSpec;
  label: string;
  /** The plan's end after the last packet: finalize and report, finalize, or keep rbw. */
  complete: () => Promise<void>;
  /** Set when the last packet is written: the replica is then the plan's end's, not the failure path's. */
  finished: boolean;
  /** The end of a mirrored last packet, which runs beside the wait for the downstream ack. */
  completing: Promise<void> | null;
}

/** WRITE_BLOCK at a DataNode (DataXceiver.writeBlock + BlockReceiver + PacketResponder). */
export async function receiveBlock(up: Link, op: OpWriteBlock, options: XceiverServerOptions): Promise<void> {
  const { storage } = options;
  const eb = op.header.block;
  const label = blockName(eb);
  // Watch faults.json from the setup on, so a fault written while the block streams is seen.
  const faults = faultView(up.journal, up.selfId);
  const plan = planWriteBlock(
    { ...op, block: eb, targets: op.targets, clientName: op.header.clientName },
    storage.poolId,
  );
  if (plan.kind === 'refuse') {
    await sendResponse(up, label, { status: plan.status, firstBadLink: '', message: plan.message });
    return;
  }
  if (plan.kind === 'recover-close') return recoverFailedClose(up, op, options);
  const { block, checksum, clientWrite, verify } = plan;
  let writer: ReplicaWriter;
  try {
    if (plan.endsOpenWrite) await cancelActiveWrite(block.blockId);
    writer = openReplica(plan, op, options);
  } catch (err) {
    await sendResponse(up, label, { status: 'ERROR', message: (err as Error).message });
    return;
  }
  const loop = new PacketLoop({
    label,
    mirrored: plan.mirror !== null,
    verify,
    bytesOnDisk: writer.bytesWritten,
  });
  const receiving: Receiving = {
    writer,
    checksum,
    label,
    complete: () => completeReplica(plan.end, writer, block, options, { opId: up.op }),
    finished: false,
    completing: null,
  };
  let mirror: Link | null = null;
  let markDone!: () => void;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  // Acks go upstream once the setup is answered (HDFS's PacketResponder starts then).
  let responding = false;
  const active: ActiveWrite = {
    block,
    done,
    cancel: () => {
      up.socket.destroy();
      if (mirror) closeLink(mirror);
    },
    sendRestartOob: () => (responding ? sendRestartOob(up, label).then(() => true) : Promise.resolve(false)),
    writer,
    loop,
  };
  if (clientWrite) activeWrites.set(block.blockId, active);
  try {
    if (plan.reportReceiving) options.onReceiving(block, up.op);
    const downstream = await connectMirror(up, op, label, options);
    mirror = downstream.mirror;
    if (!(await answerSetup(up, label, downstream.firstBadLink))) return;
    responding = true;
    const log = (text: string): void => options.log('info', `${options.selfId}: ${text}`);
    await receivePackets({ up, mirror, loop, receiving, faults, log });
  } catch (err) {
    if (err instanceof ChecksumError && plan.blameSourceOnBadChecksum && op.source)
      options.onBadSourceReplica({ ...block, numBytes: 0 }, op.source.name);
    throw err;
  } finally {
    // A client's replica stays in rbw/ when its pipeline breaks: pipeline recovery or lease
    // recovery carries on from it (HDFS keeps RBW replicas too). Copies to tmp/ are dropped.
    if (!receiving.finished) {
      if (plan.onFailure === 'keep-rbw') await keepRbw(writer);
      else writer.abort();
    }
    if (mirror) closeLink(mirror);
    // A recovery that stops this write (cancelActiveWrite) must find the replica finalized or in
    // rbw/, never half-way between.
    await receiving.completing;
    if (clientWrite && activeWrites.get(block.blockId)?.done === done) activeWrites.delete(block.blockId);
    markDone();
  }
}

/**
 * BlockReceiver.receiveBlock's loop: reads packets until the last, each handled as the packet loop
 * decides; with a mirror, the responder acks them as the downstream acks arrive.
 */
async function receivePackets(args: {
  up: Link;
  mirror: Link | null;
  loop: PacketLoop;
  receiving: Receiving;
  faults: FaultView;
  /** The DataNode's log (an INFO line). */
  log: (text: string) => void;
}): Promise<void> {
  const { up, mirror, loop, receiving } = args;
  const { label } = receiving;
  const queue: PendingAck[] = [];
  let responderError: Error | null = null;
  const mirrorState = { failedBeforeAck: false };
  const responder = mirror ? respond({ up, mirror, queue, label, mirrorState, loop, log: args.log }) : null;
  // Handled here so a downstream failure never becomes an unhandled rejection; the loop checks it.
  responder?.catch((err: unknown) => (responderError = err as Error));
  while (true) {
    const pkt = await readPacketJournaled(up, label);
    const step = loop.next(pkt.header);
    if (step.kind === 'refuse') {
      pkt.release();
      throw new RemoteError('IOException', step.message);
    }
    if (responderError) {
      // Blame the DataNode that failed (downstream), not this one, as HDFS's MIRROR_ERROR ack does.
      const ack = upstreamAck('SUCCESS', { kind: 'mirror-error' });
      if (mirrorState.failedBeforeAck && ack.replies) sendAck(up, label, step.seqno, ack.replies);
      throw responderError;
    }
    if (mirror) await forwardAndWrite({ mirror, queue, receiving, step, pkt, faults: args.faults });
    else await writeAndAck({ up, loop, receiving, step, pkt, faults: args.faults });
    if (step.endOfBlock) break;
  }
  if (responder) await responder;
}

/**
 * A DataNode with a mirror: forwards the packet, then writes it here; the responder acks it once
 * the downstream ack and this DataNode's own status are both in. The packet's bytes are released
 * (its read arena may be used again) when both the socket's and the replica's writes of them are
 * done, as HDFS's BlockReceiver reuses its packet buffer once it has mirrored and written it.
 */
async function forwardAndWrite(args: {
  mirror: Link;
  queue: PendingAck[];
  receiving: Receiving;
  step: PacketStep;
  pkt: Packet;
  /** This DataNode's faults: a slow-node delay before the packet goes on. */
  faults: FaultView;
}): Promise<void> {
  const { mirror, receiving, step, pkt } = args;
  const h = pkt.header;
  const delay = faultDelay(args.faults);
  if (delay) await delay;
  journalSend(
    mirror,
    packetMsg(receiving.label, h.seqno, h.offsetInBlock, h.dataLen, h.lastPacketInBlock, h.syncBlock),
    pkt.raw,
    h.dataLen,
  );
  const written = releaseAfter(2, pkt.release);
  const wait = writePacketFrame(mirror.socket, pkt.raw, written);
  const failed = tryWritePacket(receiving, step, pkt, written);
  const local = failed ? Promise.reject(failed) : afterWrite(receiving, step);
  local.catch(() => undefined);
  // Queued before the wait for 'drain': the downstream ack may arrive during it.
  args.queue.push({ step, local });
  if (failed) throw failed;
  if (step.endOfBlock) receiving.completing = local.catch(() => undefined);
  if (wait) await wait;
}

/** The last DataNode of a pipeline: writes the packet and acks it with its own status. */
async function writeAndAck(args: {
  up: Link;
  loop: PacketLoop;
  receiving: Receiving;
  step: PacketStep;
  pkt: Packet;
  faults: FaultView;
}): Promise<void> {
  const { up, receiving, step } = args;
  const failed = tryWritePacket(receiving, step, args.pkt, args.pkt.release);
  if (failed) {
    if (failed instanceof ChecksumError)
      sendAck(up, receiving.label, step.seqno, upstreamAck('ERROR_CHECKSUM', LAST).replies ?? []);
    throw failed;
  }
  await afterWrite(receiving, step);
  if (step.endOfBlock) crashIfFaulted(args.faults);
  sendAck(up, receiving.label, step.seqno, LAST_IN_PIPELINE_SUCCESS);
  args.loop.acked(step);
}

/**
 * Writes a packet's bytes as the step says; the error (a checksum's, a disk's) instead of throwing
 * it. `written` is called once the replica's files no longer need the packet's bytes (at once when
 * none were handed to them; never after an error, which only keeps the bytes from reuse).
 */
function tryWritePacket(
  receiving: Receiving,
  step: PacketStep,
  pkt: Packet,
  written: () => void,
): Error | null {
  try {
    if (pkt.header.dataLen === 0 || !storeOne(receiving, step, pkt, written)) written();
    return null;
  } catch (err) {
    return err as Error;
  }
}

/** A callback that calls `release` when it has been called `holders` times (each holder once). */
function releaseAfter(holders: number, release: () => void): () => void {
  let left = holders;
  return () => {
    if (--left === 0) release();
  };
}

/** What follows the write before this DataNode's status is known: the plan's end, or an fsync. */
function afterWrite(receiving: Receiving, step: PacketStep): Promise<void> {
  if (step.endOfBlock) {
    receiving.finished = true;
    return receiving.complete();
  }
  return step.sync ? receiving.writer.sync() : Promise.resolve();
}

/** The last DataNode of a pipeline: its ack carries its own status only. */
const LAST: DownstreamAck = { kind: 'last-in-pipeline' };
const LAST_IN_PIPELINE_SUCCESS = upstreamAck('SUCCESS', LAST).replies ?? [];

/** Opens the replica the plan names (FsDatasetImpl's createRbw, append, recoverRbw, createTemporary). */
function openReplica(
  plan: ReceiveReplica<XferTarget>,
  op: OpWriteBlock,
  options: XceiverServerOptions,
): ReplicaWriter {
  const { storage } = options;
  const { block, checksum } = plan;
  const eb = op.header.block;
  switch (plan.opening) {
    case 'recover-rbw': {
      refuseWaitingReplica(storage, eb);
      const writer = reopenRbw(storage, block, op.minBytesRcvd);
      options.log(
        'info',
        `${options.selfId}: recovering RBW replica blk_${block.blockId} at ${op.minBytesRcvd} bytes with new generation stamp ${block.genStamp}`,
      );
      return writer;
    }
    case 'recover-append': {
      const writer = recoverAppend(storage, eb, block.genStamp, op.minBytesRcvd);
      options.log(
        'info',
        `${options.selfId}: recovering append of blk_${block.blockId} at ${op.minBytesRcvd} bytes with new generation stamp ${block.genStamp}`,
      );
      return writer;
    }
    case 'append': {
      const writer = storage.appendReplica(
        { ...eb, numBytes: op.minBytesRcvd },
        block.genStamp,
        op.minBytesRcvd,
      );
      options.log(
        'info',
        `${options.selfId}: appending to replica blk_${block.blockId}_${eb.genStamp} at ${op.minBytesRcvd} bytes with generation stamp ${block.genStamp}`,
      );
      return writer;
    }
    case 'create-rbw':
      return storage.createRbw(block, checksum);
    case 'create-temporary':
      return storage.createTemporary(block, checksum);
  }
}

/** A client write in progress on this DataNode (the lab's ReplicaBeingWritten). */
interface ActiveWrite {
  block: BlockRef;
  done: Promise<void>;
  cancel(): void;
  /**
   * BlockReceiver.sendOOB: the restart's out-of-band ack upstream, once it has left this process;
   * false when there was no one to send it to yet (the setup not answered).
   */
  sendRestartOob(): Promise<boolean>;
  writer: ReplicaWriter;
  /** The write's packet loop: its bytesAcked is the replica's visible length (getBytesAcked). */
  loop: PacketLoop;
}

/** Client writes in progress on this DataNode, by block id, so a recovery can end the old one first. */
const activeWrites = new Map<number, ActiveWrite>();

/**
 * A replica being written, as a reader may see it (FsDatasetImpl.getReplicaVisibleLength and
 * BlockSender on an RBW replica): its files, its stamp and the bytes acked so far, everything up
 * to them on disk. A replica in rbw/ that no write holds any more (its writer went away) shows the
 * bytes its .meta covers. Null when this DataNode has no rbw replica of the block.
 */
export async function replicaBeingWritten(
  storage: DatanodeStorage,
  blockId: number,
): Promise<ReplicaFiles | null> {
  const active = activeWrites.get(blockId);
  if (active) await active.writer.settled();
  const files = findRbw(storage, blockId);
  const meta = files && parseMetaFileName(path.basename(files.metaPath));
  if (!files || !meta) return null;
  const numBytes = activeWrites.get(blockId)?.loop.bytesAcked ?? validRbwLength(files);
  return { blockId, genStamp: meta.genStamp, numBytes, ...files };
}

/**
 * The blocks clients are writing to this DataNode now (BlockReceiver's isClient && !isTransfer),
 * once the bytes and checksums each has received are on disk.
 */
export async function settledClientWrites(): Promise<BlockRef[]> {
  const writes = [...activeWrites.values()];
  await Promise.all(writes.map((w) => w.writer.settled().catch(() => undefined)));
  return writes.map((w) => w.block);
}

/**
 * DataXceiverServer.sendOOBToPeers, at a shutdown for a restart: every client write in progress
 * gets an OOB_RESTART ack upstream, so its writer waits for this DataNode to come back instead of
 * dropping it from the pipeline (DataStreamer's restartingNodeIndex).
 */
export async function sendRestartOobToWriters(): Promise<number> {
  const told = await Promise.all([...activeWrites.values()].map((w) => w.sendRestartOob()));
  return told.filter(Boolean).length;
}

/** The restart's out-of-band ack (seqno OOB_SEQNO, one reply: OOB_RESTART), resolved once written out. */
function sendRestartOob(up: Link, label: string): Promise<void> {
  sendAck(up, label, OOB_SEQNO, [...RESTART_OOB_REPLIES]);
  // The write's callback runs once the ack (queued before it) has been handed to the kernel, so
  // a DataNode that exits next still delivers it; on a closed connection it runs with an error.
  return new Promise((resolve) => up.socket.write(Buffer.alloc(0), () => resolve()));
}

export async function cancelActiveWrite(blockId: number): Promise<void> {
  const active = activeWrites.get(blockId);
  if (!active) return;
  active.cancel();
  await active.done;
}

/**
 * Connects to the next DataNode of the pipeline and forwards the op to it with the rest of the
 * targets; `firstBadLink` names the DataNode to blame when that fails ('' when it worked). The
 * mirror, when opened, is the caller's to close.
 */
async function connectMirror(
  up: Link,
  op: OpWriteBlock,
  label: string,
  options: XceiverServerOptions,
): Promise<{ mirror: Link | null; firstBadLink: string }> {
  const next = op.targets[0];
  if (!next) return { mirror: null, firstBadLink: '' };
  let mirror: Link | null = null;
  try {
    mirror = await openLinkOnward(up, next, options);
    sendOp(mirror, 'WRITE_BLOCK', mirrorWriteBlock(op), label);
    const resp = await readResponse(mirror, label);
    return { mirror, firstBadLink: resp.status === 'SUCCESS' ? '' : resp.firstBadLink || next.name };
  } catch (err) {
    options.log(
      'warn',
      `Datanode ${options.selfId} got a failure connecting to downstream ${next.name}: ${(err as Error).message}`,
    );
    return { mirror, firstBadLink: next.name };
  }
}

/** A DataNode's connection to another DataNode on behalf of `from`'s op (same operation id, same local address). */
function openLinkOnward(from: Link, target: XferTarget, options: XceiverServerOptions): Promise<Link> {
  return openLink({
    selfId: options.selfId,
    journal: options.journal,
    localAddress: from.socket.localAddress,
    op: from.op,
    target,
  });
}

/** The connect-ack upstream: SUCCESS, or ERROR naming the first bad DataNode. True on SUCCESS. */
async function answerSetup(up: Link, label: string, firstBadLink: string): Promise<boolean> {
  if (firstBadLink) {
    await sendResponse(up, label, {
      status: 'ERROR',
      firstBadLink,
      message: `pipeline setup failed at ${firstBadLink}`,
    });
    return false;
  }
  await sendResponse(up, label, { status: 'SUCCESS', firstBadLink: '' });
  return true;
}

/**
 * WRITE_BLOCK with PIPELINE_CLOSE_RECOVERY (DataXceiver.writeBlock's fast path): the pipeline
 * failed after every data packet was acked, before the end of the block was. No packet follows:
 * this DataNode finalizes its replica under the new generation stamp (recoverClose), forwards the
 * op downstream, reports the replica RECEIVED and answers the setup.
 */
async function recoverFailedClose(up: Link, op: OpWriteBlock, options: XceiverServerOptions): Promise<void> {
  const eb = op.header.block;
  const label = blockName(eb);
  let replica: ReplicaFiles;
  try {
    replica = await recoverClose({
      storage: options.storage,
      block: { blockId: eb.blockId, genStamp: eb.genStamp, numBytes: op.minBytesRcvd },
      newGenStamp: op.latestGenerationStamp,
    });
  } catch (err) {
    const why = err instanceof RemoteError ? `${err.errorClass}: ${err.message}` : (err as Error).message;
    await sendResponse(up, label, { status: 'ERROR', message: why });
    return;
  }
  options.log(
    'info',
    `${options.selfId}: Recover failed close ${eb.poolId}:${label}: finalized blk_${replica.blockId}_${replica.genStamp} (${replica.numBytes} bytes)`,
  );
  const { mirror, firstBadLink } = await connectMirror(up, op, label, options);
  try {
    // HDFS reports after the connect-ack (DataNode.closeBlock); the lab reports first, a bounded
    // wait, for the reason RECEIVED_BEFORE_LAST_ACK_WAIT_MS gives: the client's complete follows.
    await reportReceived(refOfReplica(replica), replica, options, { opId: up.op });
    await answerSetup(up, label, firstBadLink);
  } finally {
    if (mirror) closeLink(mirror);
  }
}

/**
 * Closes a failed write's files but leaves them in rbw/, with every appended byte written, before
 * the write counts as ended: a recovery that waits for it (cancelActiveWrite) then finds the
 * replica complete on disk.
 */
async function keepRbw(writer: ReplicaWriter): Promise<void> {
  try {
    await writer.keep();
  } catch {
    // What reached the disk stays; recovery uses the bytes the .meta covers.
  }
}

/**
 * FsDatasetImpl.recoverRbw, lab style: the RBW replica is cut back to `lengthBytes` and continues
 * under the new generation stamp — its .meta is renamed `blk_<id>_<newGS>.meta` — in a writer that
 * appends after it. The bytes are copied through a fresh ReplicaWriter (the storage's only writer),
 * a piece at a time.
 */
/**
 * FsDatasetImpl.recoverAppend (PIPELINE_SETUP_APPEND_RECOVERY): an append whose first setup failed
 * is set up again. A DataNode upstream of the failure already moved its replica to rbw/ under the
 * first attempt's stamp, and one added by TRANSFER_BLOCK holds a copy: those carry on from rbw/; one
 * the failed setup never reached still has its finalized replica, under the header's stamp or a
 * newer one, and is appended to as PIPELINE_SETUP_APPEND would.
 */
function recoverAppend(
  storage: DatanodeStorage,
  header: BlockRef,
  newGenStamp: number,
  lengthBytes: number,
): ReplicaWriter {
  const block = { blockId: header.blockId, genStamp: newGenStamp, numBytes: 0 };
  if (findRbw(storage, header.blockId)) return reopenRbw(storage, block, lengthBytes);
  const finalized = storage.readReplica(header.blockId);
  if (finalized && finalized.genStamp >= header.genStamp) {
    return storage.appendReplica(
      { ...header, genStamp: finalized.genStamp, numBytes: lengthBytes },
      newGenStamp,
      lengthBytes,
    );
  }
  throw new RemoteError(
    'ReplicaNotFoundException',
    `Cannot append to a non-existent replica ${storage.poolId}:blk_${header.blockId}_${header.genStamp}`,
  );
}

/**
 * FsDatasetImpl.recoverRbw takes RBW replicas only: one a restart left waiting to be recovered
 * (RWR) is for block recovery, not for a writer's pipeline.
 */
function refuseWaitingReplica(storage: DatanodeStorage, block: BlockRef): void {
  const rwr = storage.waitingToBeRecovered(block.blockId);
  if (!rwr) return;
  throw new RemoteError(
    'ReplicaNotFoundException',
    `Cannot recover a non-RBW replica ReplicaWaitingToBeRecovered, blk_${rwr.blockId}_${rwr.genStamp}, RWR`,
  );
}

function reopenRbw(storage: DatanodeStorage, block: BlockRef, lengthBytes: number): ReplicaWriter {
  const files = findRbw(storage, block.blockId);
  if (!files) {
    throw new RemoteError(
      'ReplicaNotFoundException',
      `Cannot recover a non-existent replica blk_${block.blockId} in rbw/ of ${storage.dataDir}`,
    );
  }
  const valid = validRbwLength(files);
  if (valid < lengthBytes) {
    throw new RemoteError(
      'IOException',
      `Replica blk_${block.blockId} has ${valid} bytes, less than the ${lengthBytes} acknowledged`,
    );
  }
  const meta = fs.readFileSync(files.metaPath);
  const aside = `${files.blockPath}.recovering`;
  fs.renameSync(files.blockPath, aside);
  fs.rmSync(files.metaPath, { force: true });
  // The replica keeps the checksum it was written with, whatever the recovering writer asks for.
  const stored = parseMeta(meta.subarray(0, META_HEADER_BYTES));
  const writer = storage.createRbw(
    { ...block, numBytes: 0 },
    { type: stored.checksumType, bytesPerChecksum: stored.bytesPerChecksum },
  );
  const fd = fs.openSync(aside, 'r');
  try {
    const piece = Buffer.allocUnsafe(PACKET_DATA_BYTES);
    for (let off = 0; off < lengthBytes;) {
      const n = fs.readSync(fd, piece, 0, Math.min(piece.length, lengthBytes - off), off);
      if (n === 0) break;
      const first = META_HEADER_BYTES + (off / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE;
      const sums = meta.subarray(first, first + Math.ceil(n / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE);
      writer.append(Buffer.from(piece.subarray(0, n)), Buffer.from(sums));
      off += n;
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(aside, { force: true });
  }
  return writer;
}

/**
 * Block recovery on one DataNode (DNA_RECOVERBLOCK, simplified: see docs/failures.md). Ends any
 * write still open on the block, then finalizes this DataNode's replica under `newGenStamp`: an RBW
 * replica at the length its checksums cover, a finalized one by renaming its .meta. A truncate's
 * recovery (`truncateTo`) then cuts the replica to that length (updateReplicaUnderRecovery). Null
 * when this DataNode has no replica of the block.
 */
export async function recoverReplica(args: {
  storage: DatanodeStorage;
  block: BlockRef;
  newGenStamp: number;
  truncateTo?: number;
}): Promise<{ block: BlockRef; replica: ReplicaFiles } | null> {
  const { storage, block, newGenStamp } = args;
  await cancelActiveWrite(block.blockId);
  const recovered = await finalizeUnderRecovery(storage, block, newGenStamp);
  if (!recovered || args.truncateTo === undefined || recovered.numBytes === args.truncateTo) {
    return recovered && { block: refOfReplica(recovered), replica: recovered };
  }
  const cut = storage.truncateReplica(block.blockId, args.truncateTo);
  return { block: refOfReplica(cut), replica: cut };
}

/**
 * FsDatasetImpl.recoverClose: the replica of a block whose pipeline failed at close, finalized
 * under `newGenStamp` (the write still open on it stopped first). recoverCheck's conditions: the
 * replica exists (finalized or RBW), its stamp is between the client's (`block.genStamp`) and the
 * new one, and it holds exactly the acknowledged bytes (`block.numBytes`).
 */
export async function recoverClose(args: {
  storage: DatanodeStorage;
  block: BlockRef;
  newGenStamp: number;
}): Promise<ReplicaFiles> {
  const { storage, block, newGenStamp } = args;
  await cancelActiveWrite(block.blockId);
  const state = replicaState(storage, block.blockId);
  if (!state) {
    throw new RemoteError(
      'ReplicaNotFoundException',
      `Replica does not exist ${storage.poolId}:${block.blockId}`,
    );
  }
  if (state.genStamp < block.genStamp || state.genStamp > newGenStamp) {
    throw new RemoteError(
      'ReplicaNotFoundException',
      `Cannot append to a replica with unexpected generation stamp ${state.genStamp}. Expected GS range is [${block.genStamp}, ${newGenStamp}].`,
    );
  }
  if (state.numBytes !== block.numBytes) {
    throw new RemoteError(
      'IOException',
      `Corrupted replica blk_${block.blockId}_${state.genStamp} (${state.kind}) with a length of ${state.numBytes} expected length is ${block.numBytes}`,
    );
  }
  const recovered = await finalizeUnderRecovery(storage, block, newGenStamp);
  if (!recovered)
    throw new RemoteError(
      'ReplicaNotFoundException',
      `Replica does not exist ${storage.poolId}:${block.blockId}`,
    );
  return recovered;
}

/** A replica's stamp and length as this DataNode holds it (finalized, else in rbw/), or null. */
export function replicaState(
  storage: DatanodeStorage,
  blockId: number,
): { kind: 'FINALIZED' | 'RBW'; genStamp: number; numBytes: number } | null {
  const finalized = storage.readReplica(blockId);
  if (finalized) return { kind: 'FINALIZED', genStamp: finalized.genStamp, numBytes: finalized.numBytes };
  const rbw = findRbw(storage, blockId);
  const meta = rbw && parseMetaFileName(path.basename(rbw.metaPath));
  return rbw && meta ? { kind: 'RBW', genStamp: meta.genStamp, numBytes: validRbwLength(rbw) } : null;
}

function refOfReplica(r: ReplicaFiles): BlockRef {
  return { blockId: r.blockId, genStamp: r.genStamp, numBytes: r.numBytes };
}

/** The replica of `block` finalized under `newGenStamp` (at least), or null when there is none. */
async function finalizeUnderRecovery(
  storage: DatanodeStorage,
  block: BlockRef,
  newGenStamp: number,
): Promise<ReplicaFiles | null> {
  if (storage.readReplica(block.blockId)) {
    storage.bumpGenStamp(block, newGenStamp); // renames the .meta when the stamp is older
    return storage.readReplica(block.blockId);
  }
  const files = findRbw(storage, block.blockId);
  if (!files) return null;
  const writer = reopenRbw(storage, { ...block, genStamp: newGenStamp }, validRbwLength(files));
  return writer.finalize();
}

/**
 * Verifies (when the step says) a packet's chunks against the checksum it was sent with and hands
 * the bytes the replica does not hold yet to its writer. A replica that keeps another checksum
 * type than the packet's (an append with CRC32C to a CRC32 replica), or a packet whose first bytes
 * were skipped, has its CRCs computed by the writer. True when the writer took the bytes (it calls
 * `written` once done with them).
 */
function storeOne(receiving: Receiving, step: PacketStep, pkt: Packet, written: () => void): boolean {
  const { writer, checksum, label } = receiving;
  const { data, checksums: sums } = pkt;
  const offset = pkt.header.offsetInBlock;
  if (sums.length !== Math.ceil(data.length / BYTES_PER_CHECKSUM) * CHECKSUM_SIZE) {
    throw new RemoteError(
      'IOException',
      `packet of ${label} at ${offset}: ${sums.length} checksum bytes for ${data.length} data bytes`,
    );
  }
  if (step.verify && checksum.type !== 'NULL') {
    const bad = verifyChunkChecksums(data, sums, checksum.bytesPerChecksum, checksum.type);
    if (bad >= 0) throw new ChecksumError(label, 'upstream', offset + bad * BYTES_PER_CHECKSUM);
  }
  if (step.writeBytes === 0) return false;
  if (step.skipBytes > 0) writer.append(data.subarray(step.skipBytes), null, written);
  else writer.append(data, checksum.type === writer.checksum.type ? sums : null, written);
  return true;
}

/** The end of a TRANSFER_RBW copy: close the tmp/ files and make them the block's rbw replica. */
async function keepTransferredRbw(
  writer: ReplicaWriter,
  block: BlockRef,
  options: XceiverServerOptions,
): Promise<void> {
  await writer.keep();
  options.storage.convertTemporaryToRbw(block);
  options.log(
    'info',
    `${options.selfId}: received RBW replica blk_${block.blockId}_${block.genStamp} (${writer.bytesWritten} bytes) for pipeline recovery`,
  );
}

/** What the plan says to do with a replica after its last packet. */
function completeReplica(
  end: ReplicaEnd,
  writer: ReplicaWriter,
  block: BlockRef,
  options: XceiverServerOptions,
  origin: IbrOrigin,
): Promise<void> {
  if (end === 'keep-rbw') return keepTransferredRbw(writer, block, options);
  if (end === 'finalize') return writer.finalize().then(() => undefined);
  return finalizeAndReport(writer, block, options, origin);
}

async function finalizeAndReport(
  writer: ReplicaWriter,
  block: BlockRef,
  options: XceiverServerOptions,
  origin: IbrOrigin,
): Promise<void> {
  const replica = await writer.finalize();
  await reportReceived({ ...block, numBytes: replica.numBytes }, replica, options, origin);
}

/** Reports a finalized replica RECEIVED and waits (at most RECEIVED_BEFORE_LAST_ACK_WAIT_MS) for the NameNode to take it. */
async function reportReceived(
  block: BlockRef,
  replica: ReplicaFiles,
  options: XceiverServerOptions,
  origin: IbrOrigin,
): Promise<void> {
  const reported = options.onReceived(block, replica, origin);
  if (!reported) return;
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, RECEIVED_BEFORE_LAST_ACK_WAIT_MS)));
  await Promise.race([reported, cap]).finally(() => clearTimeout(timer));
}

/** PacketResponder: for each downstream ack, wait for our own status, then ack upstream with it first. */
async function respond(args: {
  up: Link;
  mirror: Link;
  queue: PendingAck[];
  label: string;
  mirrorState: { failedBeforeAck: boolean };
  loop: PacketLoop;
  log: (text: string) => void;
}): Promise<void> {
  const { up, mirror, queue, label } = args;
  while (true) {
    let ack: PipelineAck;
    try {
      ack = await readAck(mirror, label);
    } catch (err) {
      // The mirror died: tell upstream we are fine and the next DataNode is not (HDFS's MIRROR_ERROR).
      // With no packet waiting, the ack goes out with the next packet that arrives (see the receive loop).
      const head = queue[0];
      const replies = upstreamAck('SUCCESS', { kind: 'mirror-error' }).replies;
      if (head && replies) sendAck(up, label, head.step.seqno, replies);
      else args.mirrorState.failedBeforeAck = true;
      throw err;
    }
    if (oobStatusOf(ack)) {
      args.log(`Relaying an out of band ack of type ${oobStatusOf(ack)}`);
      const relayed = upstreamAck('SUCCESS', { kind: 'oob', replies: ack.replies });
      if (relayed.replies) sendAck(up, label, OOB_SEQNO, relayed.replies);
      continue;
    }
    const head = queue.shift();
    if (!head || head.step.seqno !== ack.seqno) {
      throw new RemoteError(
        'IOException',
        `downstream ack seqno ${ack.seqno} for ${label}, expected ${head?.step.seqno ?? 'none'}`,
      );
    }
    const localError = await head.local.then(
      () => null,
      (err: unknown) => err as Error,
    );
    const mine =
      localError === null ? 'SUCCESS' : localError instanceof ChecksumError ? 'ERROR_CHECKSUM' : 'ERROR';
    if (head.step.endOfBlock && !localError) crashIfFaulted(faultView(up.journal, up.selfId));
    const answer = upstreamAck(mine, { kind: 'ack', replies: ack.replies });
    if (answer.replies) sendAck(up, label, ack.seqno, answer.replies);
    if (localError) throw localError;
    if (answer.stop) throw new RemoteError('IOException', `${answer.stop} (${label})`);
    args.loop.acked(head.step);
    if (head.step.endOfBlock) return;
  }
}

/**
 * REPLACE_BLOCK at the balancer's target DataNode (DataXceiver.replaceBlock): copies the replica
 * from the proxy (op.source) with COPY_BLOCK into tmp/, finalizes it, reports it RECEIVED (the
 * NameNode then has one replica too many and removes one, the delete hint's by HDFS's rule), and
 * answers the balancer when the copy is done. The checks and the copy's plan are the receive
 * plan's (planReplaceBlock, planReplaceReceive), each packet the packet loop's.
 */
export async function serveReplaceBlock(
  link: Link,
  op: OpReplaceBlock,
  options: XceiverServerOptions,
): Promise<void> {
  const eb = op.header.block;
  const label = blockName(eb);
  const { storage } = options;
  const refuse = (message: string): Promise<void> | undefined =>
    sendResponse(link, label, { status: 'ERROR', message });
  const checks = planReplaceBlock(eb, {
    poolId: storage.poolId,
    selfId: options.selfId,
    holds: storage.readReplica(eb.blockId) !== null,
  });
  if (checks.kind === 'refuse') {
    await refuse(checks.message);
    return;
  }
  let proxy: Link;
  try {
    proxy = await openLinkOnward(link, op.source, options);
  } catch (err) {
    await refuse(`cannot reach proxy ${op.source.name}: ${(err as Error).message}`);
    return;
  }
  const block: BlockRef = { blockId: eb.blockId, genStamp: eb.genStamp, numBytes: 0 };
  try {
    const refused = await copyFromProxy({ link, proxy, op, block, options });
    if (refused !== null) {
      await refuse(refused);
      return;
    }
  } catch (err) {
    if (err instanceof ChecksumError) options.onBadSourceReplica(block, op.source.name);
    await refuse(`copy of ${label} from ${op.source.name} failed: ${(err as Error).message}`);
    return;
  } finally {
    closeLink(proxy);
  }
  options.log(
    'info',
    `${options.selfId}: Moved ${eb.poolId}:${label} from ${op.source.name}, delHint=${op.delHint}`,
  );
  await sendResponse(link, label, { status: 'SUCCESS' });
}

/**
 * REPLACE_BLOCK's copy: COPY_BLOCK to the proxy, then its packets into tmp/ as the plan and the
 * packet loop say. The refusal's text when the proxy or the plan refuses, null once copied.
 */
async function copyFromProxy(args: {
  link: Link;
  proxy: Link;
  op: OpReplaceBlock;
  block: BlockRef;
  options: XceiverServerOptions;
}): Promise<string | null> {
  const { proxy, op, block, options } = args;
  const eb = op.header.block;
  const label = blockName(eb);
  sendOp(proxy, 'COPY_BLOCK', { header: op.header }, label);
  const resp = await readResponse(proxy, label);
  if (resp.status !== 'SUCCESS')
    return `copy from ${op.source.name} failed: ${resp.status}${resp.message ? ` (${resp.message})` : ''}`;
  const proxyChecksum = readableChecksum(resp, `${eb.poolId}:${label}`, op.source.name);
  const plan = planReplaceReceive(eb, proxyChecksum, options.storage.poolId);
  if (plan.kind === 'refuse') return plan.message;
  const writer = options.storage.createTemporary(block, plan.checksum);
  const receiving: Receiving = {
    writer,
    checksum: plan.checksum,
    label,
    // DataXceiver.replaceBlock: the RECEIVED report carries the delete hint to the NameNode.
    complete: () =>
      completeReplica(plan.end, writer, block, options, {
        opId: args.link.op,
        ...(op.delHint === '' ? {} : { deleteHint: op.delHint }),
      }),
    finished: false,
    completing: null,
  };
  const loop = new PacketLoop({ label, mirrored: false, verify: plan.verify, bytesOnDisk: 0 });
  try {
    while (true) {
      const pkt = await readPacketJournaled(proxy, label);
      const step = loop.next(pkt.header);
      if (step.kind === 'refuse') {
        pkt.release();
        throw new RemoteError('IOException', step.message);
      }
      const failed = tryWritePacket(receiving, step, pkt, pkt.release);
      if (failed) throw failed;
      await afterWrite(receiving, step);
      if (step.endOfBlock) return null;
    }
  } finally {
    if (!receiving.finished) writer.abort();
  }
}
