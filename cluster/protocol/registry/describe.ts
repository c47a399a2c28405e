/**
 * The one describer: a deterministic one-line text for every frame and state event
 * (`client->nn create src=/a.txt._COPYING_ replication=3`). `lab traffic`, `lab trace`, the
 * dashboard and the golden scenario tests all print messages through these functions.
 */
import type { FrameMessage, JournalEvent, JournalFrame } from '../journal-types.js';
import type { StateEvent } from '../messages.js';
import './all.js'; // every protocol's journal fields: the describer reads any process's frames
import { journalFieldsOf } from './index.js';
import { ADMIN_STATE_NAMES, blockName } from '../types.js';

function kv(obj: Record<string, unknown>, keys: string[]): string {
  const parts: string[] = [];
  for (const key of keys) {
    const value = obj[key];
    if (value === undefined || value === null) continue;
    parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(' ');
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.blockId === 'number' && typeof v.genStamp === 'number') {
      return blockName({ blockId: v.blockId, genStamp: v.genStamp });
    }
    if (typeof v.count === 'number') return `(${v.count} entries)`;
    return JSON.stringify(value);
  }
  return String(value);
}

function describeRpcCall(method: string, params: unknown): string {
  const p = (params ?? {}) as Record<string, unknown>;
  if (method === 'registerDatanode') {
    const dn = (p.registration as { datanode?: { ipAddr?: string; xferPort?: number } } | undefined)
      ?.datanode;
    return `registerDatanode ${dn?.ipAddr ?? '?'}:${dn?.xferPort ?? '?'}`;
  }
  if (method === 'sendHeartbeat') {
    const report = (p.report ?? {}) as Record<string, unknown>;
    const lease = p.requestFullBlockReportLease === true ? ' requestFullBlockReportLease' : '';
    return `sendHeartbeat ${kv({ xceiverCount: p.xceiverCount, dfsUsed: report.dfsUsed }, ['xceiverCount', 'dfsUsed'])}${lease}`;
  }
  if (method === 'reportBadBlocks' && Array.isArray(p.blocks)) {
    const bad = p.blocks as { block: { blockId: number; genStamp: number }; datanode: string }[];
    return `reportBadBlocks ${bad.map((b) => `${blockName(b.block)} on ${b.datanode}`).join(', ')}`;
  }
  if (method === 'blockReceivedAndDeleted' && Array.isArray(p.entries)) {
    const entries = p.entries as { block: { blockId: number; genStamp: number }; status: string }[];
    return `blockReceivedAndDeleted ${entries.map((e) => `${e.status} ${blockName(e.block)}`).join(', ')}`;
  }
  const fields = journalFieldsOf(method);
  const rest = kv(p, [...fields]);
  return rest ? `${method} ${rest}` : method;
}

function describeRpcReply(method: string, ok: boolean, result: unknown, error?: string): string {
  if (!ok) return `${method}Response ERROR ${error ?? ''}`.trimEnd();
  if (method === 'addBlock' && result && typeof result === 'object') {
    const lb = result as { block?: { blockId: number; genStamp: number }; locations?: { name: string }[] };
    const targets = (lb.locations ?? []).map((l) => l.name);
    return `addBlockResponse ${lb.block ? blockName(lb.block) : '?'} targets=[${targets.join(',')}]`;
  }
  if (method === 'getBlockLocations' && result && typeof result === 'object') {
    const lbs = result as {
      blocks?: { block: { blockId: number; genStamp: number }; locations: { name: string }[] }[];
    };
    // The journal keeps long lists as `{ count }` (compactForJournal): a 150-block file's answer.
    if (!Array.isArray(lbs.blocks)) return `getBlockLocationsResponse ${countOf(lbs.blocks)} blocks`;
    const text = lbs.blocks.map((b) => `${blockName(b.block)}@[${b.locations.map((l) => l.name).join(',')}]`);
    return `getBlockLocationsResponse ${text.join(' ')}`.trimEnd();
  }
  if (method === 'sendHeartbeat' && result && typeof result === 'object') {
    const r = result as { commands?: unknown[] };
    if (r.commands !== undefined && !Array.isArray(r.commands))
      return `heartbeatResponse commands=${countOf(r.commands)}`;
    const commands = (r.commands ?? []) as Record<string, unknown>[];
    const leaseId = (result as { fullBlockReportLeaseId?: unknown }).fullBlockReportLeaseId;
    const lease = typeof leaseId === 'number' && leaseId !== 0 ? ` fullBlockReportLeaseId=${leaseId}` : '';
    if (commands.length === 0) return `heartbeatResponse${lease}`;
    return `heartbeatResponse commands=[${commands.map(describeCommand).join(', ')}]${lease}`;
  }
  if (method === 'blockReport' && result && typeof result === 'object') {
    const commands = (result as { commands?: unknown }).commands;
    if (!Array.isArray(commands) || commands.length === 0) return 'blockReportResponse';
    return `blockReportResponse commands=[${(commands as Record<string, unknown>[]).map(describeCommand).join(', ')}]`;
  }
  if (typeof result === 'boolean') return `${method}Response ${result}`;
  return `${method}Response`;
}

/** The length of a list the journal compacted to `{ count }`. */
function countOf(value: unknown): string {
  const count = (value as { count?: unknown } | null | undefined)?.count;
  return typeof count === 'number' ? String(count) : '?';
}

function describeCommand(cmd: Record<string, unknown>): string {
  switch (cmd.action) {
    case 'DNA_TRANSFER': {
      const targets = (cmd.targets as { name: string }[]).map((t) => t.name);
      return `DNA_TRANSFER ${formatValue(cmd.block)} -> ${targets.join(',')}`;
    }
    case 'DNA_INVALIDATE':
      return `DNA_INVALIDATE ${formatValue(cmd.blocks)}`;
    case 'DNA_RECOVERBLOCK': {
      const holders = ((cmd.replicas as { name?: string }[] | undefined) ?? []).map((r) => r.name ?? '?');
      const cut = cmd.truncateBlock ? ` truncateBlock=${formatValue(cmd.truncateBlock)}` : '';
      return `DNA_RECOVERBLOCK ${formatValue(cmd.block)} newGenStamp=${String(cmd.newGenStamp)}${cut} replicas=${holders.join(',')}`;
    }
    case 'DNA_FINALIZE':
      return `DNA_FINALIZE ${String(cmd.poolId)}`;
    case 'DNA_BALANCERBANDWIDTHUPDATE':
      return `DNA_BALANCERBANDWIDTHUPDATE bandwidth=${String(cmd.bandwidth)}`;
    default:
      return String(cmd.action);
  }
}

/** The preamble's auth protocol byte by name (Hadoop's AuthProtocol: NONE 0x00, SASL 0xDF = -33). */
const AUTH_PROTOCOLS: Record<number, string> = { 0: 'NONE', 0xdf: 'SASL', [-33]: 'SASL' };

export function describeMessage(msg: FrameMessage): string {
  switch (msg.type) {
    case 'rpc-preamble':
      return `hrpc preamble version=${msg.version} serviceClass=${msg.serviceClass} auth=${AUTH_PROTOCOLS[msg.authProtocol] ?? msg.authProtocol}`;
    case 'rpc-context':
      return `connectionContext protocol=${msg.protocol}${msg.user !== undefined ? ` user=${msg.user}` : ''}`;
    case 'rpc-call':
      return describeRpcCall(msg.method, msg.params);
    case 'rpc-reply':
      return describeRpcReply(msg.method, msg.ok, msg.result, msg.error);
    case 'dt-op': {
      const names: Record<string, string> = {
        WRITE_BLOCK: 'writeBlock',
        READ_BLOCK: 'readBlock',
        TRANSFER_BLOCK: 'transferBlock',
      };
      const name = names[msg.op] ?? msg.op;
      const extra: string[] = [];
      if (msg.targets) extra.push(`targets=[${msg.targets.join(',')}]`);
      if (msg.stage) extra.push(`stage=${msg.stage}`);
      if (msg.offset !== undefined) extra.push(`offset=${msg.offset}`);
      if (msg.len !== undefined) extra.push(`len=${msg.len}`);
      return [name, msg.block, ...extra].join(' ');
    }
    case 'dt-response':
      return `blockOpResponse ${msg.block} ${msg.status}${msg.firstBadLink ? ` firstBadLink=${msg.firstBadLink}` : ''}${msg.message ? ` ${msg.message}` : ''}`;
    case 'packet':
      return `packet ${msg.block} seqno=${msg.seqno} offset=${msg.offset} len=${msg.len}${msg.last ? ' last' : ''}${msg.sync ? ' sync' : ''}`;
    case 'ack':
      return `ack ${msg.block} seqno=${msg.seqno} [${msg.replies.join(',')}]`;
    case 'read-status':
      return `clientReadStatus ${msg.block} ${msg.status}`;
    case 'http-request':
      return `${msg.method} ${msg.path}${msg.query ? `?${msg.query}` : ''}`;
    case 'http-response':
      return `HTTP ${msg.status} (${msg.contentBytes} bytes)`;
  }
}

/**
 * A run of packets or acks of one block over one hop, as one line (`lab trace` aggregates them so
 * a many-megabyte put stays readable): `packets blk_1073741825_1001 ×16, 1048576 bytes` where the
 * bytes are the block payload the packets carried; `acks blk_1073741825_1001 ×16`.
 */
export function describeFrameRun(run: {
  type: 'packet' | 'ack';
  block: string;
  count: number;
  dataBytes: number;
}): string {
  if (run.type === 'ack') return `acks ${run.block} \u00d7${run.count}`;
  return `packets ${run.block} \u00d7${run.count}, ${run.dataBytes} bytes`;
}

/** `src->dst message` — the raft-style line used by scenario tests and the dashboard. */
export function describeFrame(frame: JournalFrame): string {
  return `${frame.src}->${frame.dst} ${describeMessage(frame.msg)}`;
}

export function describeStateEvent(proc: string, event: StateEvent): string {
  switch (event.type) {
    case 'process-started':
      return `${proc}: started pid ${event.pid} on ${event.addresses.join(', ')}`;
    case 'process-stopping':
      return `${proc}: stopping (${event.reason})`;
    case 'datanode-registered':
      return `${proc}: ${event.datanode} registered at ${event.location}`;
    case 'datanode-stale':
      return `${proc}: ${event.datanode} stale (last heartbeat ${(event.lastHeartbeatAgoMs / 1000).toFixed(1)} s ago)`;
    case 'datanode-dead':
      return `${proc}: ${event.datanode} dead (last heartbeat ${(event.lastHeartbeatAgoMs / 1000).toFixed(1)} s ago)`;
    case 'datanode-live':
      return `${proc}: ${event.datanode} live`;
    case 'datanode-admin-state':
      return `${proc}: ${event.datanode} ${ADMIN_STATE_NAMES[event.adminState]}`;
    case 'safemode':
      return `${proc}: safemode ${event.on ? 'ON' : 'OFF'}`;
    case 'block-allocated':
      return `${proc}: allocated ${blockName(event.block)} for ${event.path} targets=[${event.targets.join(',')}]`;
    case 'block-complete':
      return `${proc}: ${blockName(event.block)} complete replicas=[${event.replicas.join(',')}]`;
    case 'block-low-redundancy':
      return `${proc}: blk_${event.block.blockId} low redundancy (live ${event.live}, want ${event.expected})`;
    case 'block-missing':
      return `${proc}: blk_${event.block.blockId} missing`;
    case 'replica-corrupt':
      return `${proc}: replica of ${blockName(event.block)} on ${event.datanode} corrupt (${event.reason})`;
    case 'replica-finalized':
      return `${proc}: finalized ${blockName(event.block)} at ${event.path}`;
    case 'replica-deleted':
      return `${proc}: deleted replica ${blockName(event.block)} on ${event.datanode}`;
    case 'replication-scheduled':
      return `${proc}: replicate ${blockName(event.block)} ${event.source} -> ${event.targets.join(',')}`;
    case 'invalidate-scheduled':
      return `${proc}: invalidate ${event.blocks.map(blockName).join(',')} on ${event.datanode}`;
    case 'edit-logged':
      return `${proc}: txid ${event.txid} ${event.op}${event.path ? ` ${event.path}` : ''}`;
    case 'edits-rolled':
      return `${proc}: rolled edits to ${event.segment}, next txid ${event.nextTxid}`;
    case 'checkpoint-done':
      return `${proc}: checkpoint done at txid ${event.txid} (image ${event.imageBytes} bytes)`;
    case 'checksum-error':
      return `${proc}: checksum error in ${blockName(event.block)} from ${event.datanode} at ${event.offset}`;
    case 'pipeline-recovery': {
      const without = event.bad ? ` without ${event.bad}` : '';
      const waiting = event.restarting ? ` waiting for ${event.restarting} to restart` : '';
      return `${proc}: pipeline recovery of ${blockName(event.block)}${without}${waiting}, new genstamp ${event.newGenStamp}`;
    }
    case 'lease-recovered':
      return `${proc}: lease of ${event.holder} on ${event.path} recovered`;
    case 'log':
      return `${proc}: ${event.text}`;
  }
}

export function describeRecord(record: JournalFrame | JournalEvent): string {
  return record.k === 'frame' ? describeFrame(record) : describeStateEvent(record.proc, record.event);
}
