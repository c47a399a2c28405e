/**
 * The writer of a WRITE_BLOCK pipeline (HDFS's DataStreamer core), used by the client and by
 * DataNode-initiated copies: sets the pipeline up, sends packets with at most
 * PACKETS_IN_FLIGHT_MAX un-acked, reads the acks, and keeps un-acked packets for pipeline recovery.
 */
import { blockName } from '../protocol/types.js';
import type { ChecksumAlgorithm } from '../common/crc.js';
import type {
  BlockConstructionStage,
  BlockOpResponse,
  DataChecksum,
  OpWriteBlock,
} from '../protocol/data-transfer.js';
import { RemoteError } from '../protocol/errors.js';
import { PACKETS_IN_FLIGHT_MAX, WRITER_FRAME_POOL_FRAMES } from '../protocol/limits.js';
import {
  BYTES_PER_CHECKSUM,
  encodePacket,
  oobStatusOf,
  PACKET_FRAME_BYTES_MAX,
  type PipelineAck,
} from '../protocol/packet.js';
import { ArenaPool } from '../protocol/byte-reader.js';
import { faultDelay, faultView, type FaultView } from '../transport/faults.js';
import {
  journalSend,
  writePacketFrame,
  readResponse,
  readAck,
  packetMsg,
  openLink,
  closeLink,
  toTransferTarget,
  sendOp,
  clientHeader,
} from '../transport/data-link.js';
import type { XferTarget, Link, InitiatorOptions } from '../transport/data-link.js';

/** Pipeline setup failed; `badTarget` is HDFS's firstBadLink (the DataNode to exclude). */
export class PipelineSetupError extends RemoteError {
  constructor(
    message: string,
    readonly badTarget: string,
  ) {
    super('IOException', message);
  }
}

/** A packet was not acked SUCCESS by every DataNode; `badTarget` is the first that failed. */
export class PipelineAckError extends RemoteError {
  constructor(
    message: string,
    readonly badTarget: string,
  ) {
    super('IOException', message);
  }
}

/**
 * A DataNode of the pipeline sent an OOB_RESTART ack: it is shutting down for a restart
 * (DataStreamer's "Datanode i is restarting"). `badTarget` names it; the writer may wait for it.
 */
export class DatanodeRestartingError extends PipelineAckError {}

export interface BlockWriterOptions extends InitiatorOptions {
  /** The pipeline, in order; the first is the one we connect to. */
  targets: readonly XferTarget[];
  poolId: string;
  block: { blockId: number; genStamp: number };
  /** '' marks a DataNode-initiated copy (receivers verify every chunk and write to tmp/). */
  clientName: string;
  stage?: BlockConstructionStage;
  /** The DataNode the bytes come from, for DataNode-initiated copies. */
  source?: XferTarget;
  /** The checksum of the packets (CRC32C unless a copy sends a replica's stored CRC32 sums). */
  checksum?: DataChecksum;
  /**
   * The new generation stamp of an append or a recovery; `block` then names the replica as it is.
   * Absent: 0, as DataStreamer sends for a new block and DataTransfer for a DataNode's copy.
   */
  latestGenerationStamp?: number;
  /**
   * ExtendedBlockProto.numBytes of the op's header: a client sends the file's block size
   * (DataStreamer's blockCopy, what the DataNode reserves for the replica), a DataNode's copy the
   * bytes it copies. The replica's own length travels in minBytesRcvd.
   */
  headerBytes: number;
}

/**
 * The initiator of a WRITE_BLOCK pipeline (DataStreamer's core): sets the pipeline up, sends
 * packets (at most PACKETS_IN_FLIGHT_MAX un-acked, honouring socket back-pressure), reads acks,
 * and at close waits for every ack, sends the empty last packet and waits for its ack.
 */
export class BlockWriter {
  private seqno = 0;
  private offset = 0;
  private readonly ackQueue: number[] = [];
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private lastSeqno: number | null = null;
  private readonly ackLoop: Promise<void>;
  /**
   * Data packets sent and not yet acked, kept for pipeline recovery (DataStreamer's ackQueue);
   * `pooled` is the recycled buffer the frame was written into, given back when it is acked.
   */
  private readonly unacked = new Map<
    number,
    { offset: number; len: number; frame: Buffer; pooled?: Buffer }
  >();
  private ackedBytesValue = 0;
  /**
   * PIPELINE_CLOSE_RECOVERY: the DataNodes finalized the block while they set the pipeline up,
   * so no packet follows and close() has nothing to send (DataStreamer pulls the end-of-block packet).
   */
  private finalizedAtSetup = false;
  /** This process's faults (a slow-node delay before each packet), watched for the writer's life. */
  private readonly faults: FaultView;

  private constructor(
    private readonly link: Link,
    private readonly targets: readonly XferTarget[],
    private readonly label: string,
    /** The checksum the packets carry (computed here unless given, as a DataNode's copy does). */
    private readonly checksumType: ChecksumAlgorithm,
  ) {
    this.faults = faultView(link.journal, link.selfId);
    this.ackLoop = this.readAcks();
  }

  /**
   * Connects to targets[0], sends WRITE_BLOCK with the rest as downstream, reads the setup response.
   * With `resume` (pipeline recovery, stage PIPELINE_SETUP_STREAMING_RECOVERY) the DataNodes carry
   * on from `resume.ackedBytes` and the un-acked packets are sent again, with their old seqnos;
   * with PIPELINE_CLOSE_RECOVERY they finalize the block during the setup and nothing is sent.
   */
  static async open(options: BlockWriterOptions & { resume?: WriterResume }): Promise<BlockWriter> {
    const first = options.targets[0];
    if (!first) throw new RemoteError('IOException', 'BlockWriter.open: empty pipeline');
    const label = blockName(options.block);
    let link: Link;
    try {
      link = await openLink({ ...options, target: first });
    } catch (err) {
      throw new PipelineSetupError(
        `Bad connect ack with firstBadLink as ${first.name}: ${(err as Error).message}`,
        first.name,
      );
    }
    const body = writeBlockOp(options);
    let resp: BlockOpResponse;
    try {
      sendOp(link, 'WRITE_BLOCK', body, label);
      resp = await readResponse(link, label);
    } catch (err) {
      closeLink(link);
      throw new PipelineSetupError(
        `Bad connect ack with firstBadLink as ${first.name}: ${(err as Error).message}`,
        first.name,
      );
    }
    if (resp.status !== 'SUCCESS') {
      closeLink(link);
      const bad = resp.firstBadLink || first.name;
      throw new PipelineSetupError(
        `Bad connect ack with firstBadLink as ${bad}${resp.message ? ` (${resp.message})` : ''}`,
        bad,
      );
    }
    const type = body.requestedChecksum.type === 'CRC32' ? 'CRC32' : 'CRC32C';
    const writer = new BlockWriter(link, options.targets, label, type);
    writer.finalizedAtSetup = body.stage === 'PIPELINE_CLOSE_RECOVERY';
    if (options.resume) await writer.resend(options.resume);
    return writer;
  }

  get bytesSent(): number {
    return this.offset;
  }

  /** Bytes every DataNode of the pipeline has acknowledged. */
  get ackedBytes(): number {
    return this.ackedBytesValue;
  }

  /** What a recovered pipeline needs to carry on where this one failed (after abort()). */
  resumeState(): WriterResume {
    const frames = [...this.unacked.entries()]
      .sort(([a], [b]) => a - b)
      .map(([seqno, p]) => ({ seqno, ...p }));
    return { ackedBytes: this.ackedBytesValue, offset: this.offset, nextSeqno: this.seqno, frames };
  }

  private async resend(resume: WriterResume): Promise<void> {
    this.seqno = resume.nextSeqno;
    this.offset = resume.ackedBytes;
    this.ackedBytesValue = resume.ackedBytes;
    for (const f of resume.frames) {
      this.ackQueue.push(f.seqno);
      this.unacked.set(f.seqno, { offset: f.offset, len: f.len, frame: f.frame });
      journalSend(this.link, packetMsg(this.label, f.seqno, f.offset, f.len, false), f.frame, f.len);
      this.offset = f.offset + f.len;
      const wait = writePacketFrame(this.link.socket, f.frame);
      if (wait) await wait;
    }
    this.offset = resume.offset;
  }

  /**
   * Sends one packet of `data` (≤ PACKET_DATA_BYTES, a whole number of chunks unless it is the
   * block's last data or a flush's). `checksums` are the stored CRCs to send as they are (DataNode
   * copies); absent, they are computed. `syncBlock` asks every DataNode to fsync the replica before
   * it acks the packet (hsync; the packet may then be empty).
   */
  async writePacket(data: Buffer, checksums?: Buffer, syncBlock = false): Promise<void> {
    while (this.ackQueue.length >= PACKETS_IN_FLIGHT_MAX && !this.failure) await this.nextAck();
    if (this.failure) throw this.failure;
    const pooled = FRAME_POOL.take();
    const frame = encodePacket(
      {
        offsetInBlock: this.offset,
        seqno: this.seqno,
        lastPacketInBlock: false,
        syncBlock,
        data,
        checksumType: this.checksumType,
        ...(checksums ? { checksums } : {}),
      },
      pooled,
    );
    const delay = faultDelay(this.faults);
    if (delay) await delay;
    this.ackQueue.push(this.seqno);
    this.unacked.set(this.seqno, { offset: this.offset, len: data.length, frame, pooled });
    journalSend(
      this.link,
      packetMsg(this.label, this.seqno, this.offset, data.length, false, syncBlock),
      frame,
      data.length,
    );
    this.seqno++;
    this.offset += data.length;
    const wait = writePacketFrame(this.link.socket, frame);
    // A DataNode that closed the connection may have said why first (an OOB_RESTART ack, read before
    // the close): that is the failure to act on, as DataStreamer's isNodeMarked keeps it.
    if (wait) await wait.catch((err: unknown) => Promise.reject(this.failure ?? err));
  }

  /** Waits until every packet sent so far is acked by the whole pipeline (waitForAckedSeqno). */
  async waitForAcks(): Promise<void> {
    while (this.ackQueue.length > 0 && !this.failure) await this.nextAck();
    if (this.failure) throw this.failure;
  }

  /** Waits for every ack, sends the empty last packet, waits for its ack; returns the block length. */
  async close(): Promise<number> {
    try {
      if (this.finalizedAtSetup) return this.offset;
      await this.waitForAcks();
      const frame = encodePacket({
        offsetInBlock: this.offset,
        seqno: this.seqno,
        lastPacketInBlock: true,
        data: Buffer.alloc(0),
      });
      this.lastSeqno = this.seqno;
      this.ackQueue.push(this.seqno);
      journalSend(this.link, packetMsg(this.label, this.seqno, this.offset, 0, true), frame);
      await writePacketFrame(this.link.socket, frame);
      await this.ackLoop;
      if (this.failure) throw this.failure;
      return this.offset;
    } finally {
      closeLink(this.link);
    }
  }

  abort(): void {
    this.failure ??= new RemoteError('IOException', 'pipeline aborted');
    closeLink(this.link);
    this.notify();
  }

  private nextAck(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /**
   * ResponseProcessor on an out-of-band ack: a DataNode restarting (its reply OOB_RESTART, looked
   * for from the pipeline's end as DataStreamer does) fails this writer with DatanodeRestartingError.
   */
  private checkRestart(ack: PipelineAck): void {
    if (oobStatusOf(ack) !== 'OOB_RESTART') return;
    const index = ack.replies.lastIndexOf('OOB_RESTART');
    const target = this.targets[index]?.name ?? '?';
    throw new DatanodeRestartingError(`Datanode ${index} is restarting: ${target}`, target);
  }

  private async readAcks(): Promise<void> {
    try {
      while (true) {
        const ack = await readAck(this.link, this.label);
        this.checkRestart(ack);
        const expected = this.ackQueue[0];
        if (expected === undefined || ack.seqno !== expected) {
          throw new PipelineAckError(
            `Pipeline ack for ${this.label}: seqno ${ack.seqno} arrived, expected ${expected ?? 'none'}`,
            this.targets[0]?.name ?? '?',
          );
        }
        const badIndex = ack.replies.findIndex((r) => r !== 'SUCCESS');
        if (badIndex >= 0 || ack.replies.length < this.targets.length) {
          const index = badIndex >= 0 ? badIndex : ack.replies.length;
          const bad = this.targets[index]?.name ?? '?';
          throw new PipelineAckError(
            `Bad response ${ack.replies[index] ?? 'missing'} for ${this.label} from datanode ${bad} (ack seqno ${ack.seqno}, replies [${ack.replies.join(',')}])`,
            bad,
          );
        }
        this.ackQueue.shift();
        const sent = this.unacked.get(ack.seqno);
        if (sent) {
          this.ackedBytesValue = sent.offset + sent.len;
          this.unacked.delete(ack.seqno);
          // Every DataNode has the frame's bytes: nothing reads it any more.
          if (sent.pooled && !this.failure) FRAME_POOL.give(sent.pooled);
        }
        this.notify();
        if (ack.seqno === this.lastSeqno) return;
      }
    } catch (err) {
      this.failure ??=
        err instanceof RemoteError
          ? err
          : new PipelineAckError(
              `Pipeline to ${this.targets[0]?.name} failed: ${(err as Error).message}`,
              this.targets[0]?.name ?? '?',
            );
      this.notify();
    }
  }
}

/**
 * Frame buffers of acked packets, shared by this process's writers: a put streams every byte
 * through one frame per 64 KiB packet, and a fresh Buffer for each, which V8 counts against its
 * heap until a scavenge frees it, made the client run a full mark-compact every few MB. The pool
 * holds a whole window of frames (WRITER_FRAME_POOL_FRAMES), so a put allocates its frames once;
 * frames nobody took for READ_ARENA_POOL_IDLE_MS are dropped, as the read arenas are.
 */
const FRAME_POOL = new ArenaPool(PACKET_FRAME_BYTES_MAX, WRITER_FRAME_POOL_FRAMES);

/**
 * OP_WRITE_BLOCK as Sender.writeBlock fills it: from a client as DataStreamer.createBlockOutputStream
 * sends it (pipelineSize the pipeline's length, minBytesRcvd the bytes acked, maxBytesRcvd the
 * bytes sent), from a DataNode's copy (`source` set) as DataNode.DataTransfer does (pipelineSize,
 * minBytesRcvd, maxBytesRcvd and latestGenerationStamp 0). Pinning as without favored nodes.
 */
export function writeBlockOp(options: BlockWriterOptions & { resume?: WriterResume }): OpWriteBlock {
  const copy = options.source !== undefined;
  const [first, ...downstream] = options.targets;
  return {
    header: clientHeader({ ...options, block: { ...options.block, numBytes: options.headerBytes } }),
    targets: downstream.map(toTransferTarget),
    ...(options.source ? { source: toTransferTarget(options.source) } : {}),
    stage: options.stage ?? 'PIPELINE_SETUP_CREATE',
    pipelineSize: copy ? 0 : options.targets.length,
    minBytesRcvd: copy ? 0 : (options.resume?.ackedBytes ?? 0),
    maxBytesRcvd: copy ? 0 : (options.resume?.offset ?? 0),
    latestGenerationStamp: options.latestGenerationStamp ?? 0,
    requestedChecksum: options.checksum ?? { type: 'CRC32C', bytesPerChecksum: BYTES_PER_CHECKSUM },
    storageId: first?.storageId ?? '',
    targetStorageIds: downstream.flatMap((t) => (t.storageId ? [t.storageId] : [])),
    pinning: false,
    targetPinnings: [false],
  };
}

/** A failed pipeline's position, handed to the recovered one (BlockWriter.open's `resume`). */
export interface WriterResume {
  /** Bytes acked by every DataNode: the recovered replicas are cut back to this (minBytesRcvd). */
  ackedBytes: number;
  /** Bytes sent so far (maxBytesRcvd). */
  offset: number;
  nextSeqno: number;
  /** Packets sent but not acked, in seqno order, as encoded frames (packets carry no genstamp). */
  frames: { seqno: number; offset: number; len: number; frame: Buffer }[];
}

/** Sends a whole block from an async source of packet-sized pieces; returns the block length. */
export async function writeBlockPipeline(
  options: BlockWriterOptions & { packets: AsyncIterable<{ data: Buffer; checksums?: Buffer }> },
): Promise<number> {
  const writer = await BlockWriter.open(options);
  try {
    for await (const p of options.packets) await writer.writePacket(p.data, p.checksums);
    return await writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
}
