/**
 * The DataNode core, datadriven (test/datadriven.ts): what a WRITE_BLOCK or a REPLACE_BLOCK opens
 * (the receive plan), what each packet does (the packet loop), the acks upstream, DNA_TRANSFER's
 * checks at the source, and what a READ_BLOCK or COPY_BLOCK sends (the send plan). The
 * testdata's expected values are Hadoop's rules (DataXceiver.writeBlock, replaceBlock and
 * copyBlock, BlockReceiver's constructor and receivePacket, PacketResponder, PipelineAck's
 * MIRROR_ERROR_STATUS, DataNode.transferBlock, BlockSender's constructor and sendPacket,
 * DataTransferThrottler).
 */
import path from 'node:path';
import { datadriven, type Directive, type Handler } from '../datadriven.js';
import { PacketLoop, type PacketStep } from '../../cluster/datanode/packet-loop.js';
import {
  planReplaceBlock,
  planReplaceReceive,
  planTransfer,
  planWriteBlock,
  upstreamAck,
  type DownstreamAck,
} from '../../cluster/datanode/receive-plan.js';
import {
  copyRange,
  planBlockChecksum,
  planCopyBlock,
  planReadBlock,
  planTransferBlock,
  sendPacketHeaders,
  sendWindows,
  throttleWaitMs,
  type SendableReplica,
  type SendPlan,
  type SendRange,
} from '../../cluster/datanode/send-plan.js';
import type {
  BlockConstructionStage,
  ChecksumTypeName,
  StatusName,
} from '../../cluster/protocol/data-transfer.js';
import { blockName } from '../../cluster/protocol/types.js';

const POOL = 'BP-1-127.0.0.1-1';
const BLOCK = { poolId: POOL, blockId: 1073741825, genStamp: 1001 };

/** One field a line: `key: value`, booleans as yes/no, a block by its name. */
function fields(value: object): string[] {
  return Object.entries(value).map(([key, v]: [string, unknown]) => `${key}: ${show(v)}`);
}

function show(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v === null) return '-';
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (typeof v === 'object' && 'blockId' in v) return blockName(v as { blockId: number; genStamp: number });
  if (typeof v === 'object' && 'bytesPerChecksum' in v) {
    const c = v as { type: string; bytesPerChecksum: number };
    return `${c.type}/${c.bytesPerChecksum}`;
  }
  return String(v);
}

function checksum(d: Directive): { type: ChecksumTypeName; bytesPerChecksum: number } {
  return { type: d.get('checksum', 'CRC32C') as ChecksumTypeName, bytesPerChecksum: d.int('bpc', 512) };
}

function block(d: Directive): typeof BLOCK {
  return { ...BLOCK, poolId: d.get('pool', POOL), genStamp: d.int('gs', BLOCK.genStamp) };
}

/** The replica a sender holds (`held-len`, `held-gs`, `rbw`), or none without `held-len`. */
function sendable(d: Directive): SendableReplica | null {
  if (!d.has('held-len')) return null;
  return {
    genStamp: d.int('held-gs', BLOCK.genStamp),
    numBytes: d.int('held-len'),
    beingWritten: d.has('rbw'),
  };
}

/** A plan's refusal, or its range followed by its read windows and every packet header. */
function sendLines(plan: SendPlan): string[] {
  if (plan.kind === 'refuse') return fields(plan);
  return [
    ...fields({ start: plan.start, end: plan.end, lastChunkFromData: plan.lastChunkFromData }),
    ...layout(plan),
  ];
}

function layout(range: SendRange): string[] {
  const lines: string[] = [];
  for (const w of sendWindows(range)) {
    const chunk = w.recomputedChunk;
    lines.push(
      `window block=${w.blockPosition}+${w.blockLength} meta=${w.metaPosition}+${w.metaLength} packets=${w.packets.length}` +
        (chunk ? ` recompute=${chunk.dataOffset}+${chunk.dataLen}@${chunk.checksumsOffset}` : ''),
    );
  }
  for (const h of sendPacketHeaders(range))
    lines.push(
      `packet seqno=${h.seqno} offset=${h.offsetInBlock} len=${h.dataLen}${h.lastPacketInBlock ? ' last' : ''}`,
    );
  return lines;
}

function downstream(d: Directive): DownstreamAck {
  if (d.has('mirror-error')) return { kind: 'mirror-error' };
  if (d.has('oob')) return { kind: 'oob', replies: d.list('downstream') as StatusName[] };
  if (!d.has('downstream')) return { kind: 'last-in-pipeline' };
  return { kind: 'ack', replies: d.list('downstream') as StatusName[] };
}

/** The handler of one file: the packet loop's state lives across its directives. */
function handler(): Handler {
  let loop: PacketLoop | null = null;
  const steps = new Map<number, PacketStep>();
  return (d) => {
    switch (d.cmd) {
      case 'write-block': {
        const plan = planWriteBlock(
          {
            stage: d.get('stage', 'PIPELINE_SETUP_CREATE') as BlockConstructionStage,
            clientName: d.get('client', 'DFSClient_NONMAPREDUCE_1'),
            block: block(d),
            latestGenerationStamp: d.int('new-gs', 1002),
            targets: d.list('targets'),
            requestedChecksum: checksum(d),
          },
          POOL,
        );
        return fields(plan);
      }
      case 'replace-block': {
        const checks = planReplaceBlock(block(d), { poolId: POOL, selfId: 'dn4', holds: d.has('holds') });
        if (checks.kind === 'refuse') return fields(checks);
        return fields(planReplaceReceive(block(d), checksum(d), POOL));
      }
      case 'upstream-ack':
        return fields(upstreamAck(d.get('mine', 'SUCCESS') as StatusName, downstream(d)));
      case 'transfer': {
        const named = { blockId: BLOCK.blockId, genStamp: BLOCK.genStamp, numBytes: d.int('len') };
        const held = d.has('held-len')
          ? {
              blockId: BLOCK.blockId,
              genStamp: d.int('held-gs', BLOCK.genStamp),
              numBytes: d.int('held-len'),
            }
          : null;
        return fields(planTransfer(POOL, named, held, d.list('targets')));
      }
      case 'read-block':
        return sendLines(
          planReadBlock({ block: block(d), offset: d.int('offset'), len: d.int('len') }, sendable(d)),
        );
      case 'copy-block':
        return sendLines(planCopyBlock({ ...block(d), numBytes: d.int('len', 0) }, sendable(d)));
      case 'copy-range':
        return layout(copyRange(d.int('len')));
      case 'block-checksum': {
        const plan = planBlockChecksum(d.int('len'), d.int('held-len'), 512);
        const chunk = plan.recomputedChunk;
        return [
          ...fields({ crcPerBlock: plan.crcPerBlock, checksumsLength: plan.checksumsLength }),
          `recompute: ${chunk ? `${chunk.blockPosition}+${chunk.length}@${chunk.checksumsOffset}` : '-'}`,
        ];
      }
      case 'transfer-block': {
        const held = {
          rbw: d.has('rbw-len')
            ? { genStamp: d.int('rbw-gs', BLOCK.genStamp), visibleBytes: d.int('rbw-len') }
            : null,
          finalized: d.has('fin-len')
            ? { genStamp: d.int('fin-gs', BLOCK.genStamp), numBytes: d.int('fin-len') }
            : null,
        };
        const plan = planTransferBlock(
          { ...block(d), numBytes: d.int('len') },
          { poolId: POOL, selfId: 'dn4' },
          held,
        );
        if (plan.kind === 'refuse') return fields(plan);
        const { range } = plan;
        return [
          ...fields({ kind: plan.kind, stage: plan.stage, genStamp: plan.genStamp }),
          `range: ${range.start}-${range.end}`,
        ];
      }
      case 'throttle':
        return [`waitMs: ${throttleWaitMs(d.int('sent'), d.int('elapsed-ms'), d.int('bytes-per-sec'))}`];
      case 'loop':
        loop = new PacketLoop({
          label: 'blk_1073741825_1001',
          mirrored: d.has('mirrored'),
          verify: d.has('verify'),
          bytesOnDisk: d.int('on-disk', 0),
        });
        steps.clear();
        return [];
      case 'packet': {
        if (!loop) throw new Error(`${d.pos}: no loop yet`);
        const step = loop.next({
          seqno: d.int('seqno'),
          offsetInBlock: d.int('offset', 0),
          dataLen: d.int('len', 0),
          lastPacketInBlock: d.has('last'),
          syncBlock: d.has('sync'),
        });
        if (step.kind !== 'refuse') steps.set(step.seqno, step);
        return fields(step);
      }
      case 'acked': {
        const step = steps.get(d.int('seqno'));
        if (!loop || !step) throw new Error(`${d.pos}: no packet ${d.get('seqno')}`);
        loop.acked(step);
        return [`bytesAcked: ${loop.bytesAcked}`];
      }
      default:
        throw new Error(`${d.pos}: unknown command ${d.cmd}`);
    }
  };
}

datadriven('the DataNode core', path.join(import.meta.dirname, 'testdata', 'datanode-core'), handler);
