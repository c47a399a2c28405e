/**
 * The journal's records in an order that respects cause and effect. Every process stamps its
 * records with its own clock (journal.ts nowPrecise), and two processes' clocks can disagree by
 * more than the time from a frame's send to its effect (a reply, a forwarded frame): merged by
 * stamp alone, a reply can come before its call and a DataNode's forwarded WRITE_BLOCK before the
 * client's. This order keeps
 *
 * - each process's records in the order it wrote them (its clock is monotonic);
 * - a frame's receive record after its send record (the same frame at both ends: one connection,
 *   one direction, the same message, first sent first received, as TCP delivers them);
 * - a response after its request on one connection: an RPC reply after the call with its callId,
 *   a pipeline ack after the packet with its seqno (this holds also where neither side kept a
 *   journal of what it received);
 *
 * and otherwise follows the stamps: of the records whose causes are already placed, the earliest
 * stamped comes next. Stamps are not changed, so a line's time may be a little earlier than the
 * line before it. A cause stamped more than JOURNAL_CLOCK_SKEW_MAX_MS after its effect is taken for
 * a wrong pairing (a connection's address pair used again, a killed process's last records lost)
 * and ignored, so no record moves further than that from stamp order; records whose causes cannot
 * all be placed first fall back to stamp order. Pure.
 */
import { MinHeap } from '../common/min-heap.js';
import type { FrameMessage, JournalRecord } from '../protocol/journal-types.js';
import { JOURNAL_CLOCK_SKEW_MAX_MS } from '../protocol/limits.js';

/**
 * What identifies one frame among its connection's frames in one direction. A DataTransfer
 * connection carries one block, so a packet's or an ack's seqno names it; an RPC connection's
 * calls and replies are named by their callId.
 */
function frameIdentity(msg: FrameMessage): string {
  switch (msg.type) {
    case 'rpc-call':
      return `c${msg.callId}`;
    case 'rpc-reply':
      return `r${msg.callId}`;
    case 'packet':
      return `p${msg.seqno}`;
    case 'ack':
      return `a${msg.seqno}`;
    case 'dt-op':
      return `o${msg.op}`;
    default:
      return msg.type;
  }
}

/** The request a response answers, as the identity of a frame in the other direction. */
function requestIdentity(msg: FrameMessage): string | undefined {
  switch (msg.type) {
    case 'rpc-reply':
      return `c${msg.callId}`;
    case 'ack':
      return `p${msg.seqno}`;
    default:
      return undefined;
  }
}

/** One frame among all: its connection, its sender (so its direction) and its identity. */
function frameKey(conn: string, src: string, identity: string): string {
  return `${conn} ${src} ${identity}`;
}

/** Record indices by (stamp, index): the order stamps alone would give, ties by position. */
function indexHeap(t: Float64Array): MinHeap<number> {
  return new MinHeap<number>((a, b) => t[a]! < t[b]! || (t[a] === t[b] && a < b));
}

/**
 * For each record, the indices of the records that must come before it besides its process's
 * earlier ones: a receive's send, a response's request.
 */
function causes(records: readonly JournalRecord[]): (number[] | undefined)[] {
  // Sends by connection, direction and identity, in the order their sender wrote them: one index,
  // or a queue where the same frame went more than once (a resent packet).
  const sends = new Map<string, number | number[]>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.k !== 'frame') continue;
    if (r.dir !== 'send') continue;
    const key = frameKey(r.conn, r.src, frameIdentity(r.msg));
    const known = sends.get(key);
    if (known === undefined) sends.set(key, i);
    else if (typeof known === 'number') sends.set(key, [known, i]);
    else known.push(i);
  }
  const out: (number[] | undefined)[] = new Array(records.length);
  const add = (effect: number, cause: number | undefined): void => {
    // A cause stamped much later than its effect is a wrong pairing (see JOURNAL_CLOCK_SKEW_MAX_MS).
    if (cause === undefined || cause === effect) return;
    if (records[cause]!.t - records[effect]!.t > JOURNAL_CLOCK_SKEW_MAX_MS) return;
    const list = out[effect];
    if (list) list.push(cause);
    else out[effect] = [cause];
  };
  // A response after its request, which went the other way on the same connection (where the
  // requester kept no journal, the receiver's own order already has it).
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.k !== 'frame' || r.dir !== 'send') continue;
    const request = requestIdentity(r.msg);
    if (request === undefined) continue;
    const known = sends.get(frameKey(r.conn, r.dst, request));
    add(i, typeof known === 'number' ? known : known?.[0]);
  }
  // The n-th receive of a frame on one connection and direction is its n-th send (TCP's order).
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.k !== 'frame' || r.dir !== 'recv') continue;
    const key = frameKey(r.conn, r.src, frameIdentity(r.msg));
    const known = sends.get(key);
    if (known === undefined) continue;
    if (typeof known === 'number') {
      sends.delete(key);
      add(i, known);
    } else {
      add(i, known.shift());
      if (known.length === 0) sends.delete(key);
    }
  }
  return out;
}

/**
 * The records (in the order the journal reader gives: each process's in the order it wrote them)
 * in an order that keeps every cause before its effects, as close to stamp order as that allows.
 */
export function causalOrder<R extends JournalRecord>(records: readonly R[]): R[] {
  const n = records.length;
  if (n < 2) return [...records];
  const before = causes(records);
  // Each process's records form a queue; only its head may come next.
  const queues = new Map<string, number[]>();
  records.forEach((r, i) => {
    const q = queues.get(r.proc);
    if (q) q.push(i);
    else queues.set(r.proc, [i]);
  });
  const procOf: string[] = records.map((r) => r.proc);
  const headAt = new Map<string, number>();
  const t = new Float64Array(n);
  records.forEach((r, i) => (t[i] = r.t));
  const placed = new Uint8Array(n);
  const waiting = new Map<number, number[]>(); // a cause not yet placed -> heads waiting on it
  const ready = indexHeap(t);
  const blocked = indexHeap(t); // heads whose causes are not all placed (for the fallback)
  const isBlocked = new Uint8Array(n);

  const offerHead = (proc: string): void => {
    const q = queues.get(proc)!;
    const at = headAt.get(proc) ?? 0;
    if (at >= q.length) return;
    const i = q[at]!;
    const missing = (before[i] ?? []).find((c) => placed[c] === 0);
    if (missing === undefined) {
      ready.push(i);
      return;
    }
    isBlocked[i] = 1;
    blocked.push(i);
    const list = waiting.get(missing);
    if (list) list.push(i);
    else waiting.set(missing, [i]);
  };

  for (const proc of queues.keys()) offerHead(proc);
  const out: R[] = [];
  while (out.length < n) {
    let i = ready.pop();
    if (i === undefined) {
      // Nothing is free of unplaced causes: a pairing was wrong. Take the earliest blocked head.
      do i = blocked.pop();
      while (i !== undefined && (placed[i] === 1 || isBlocked[i] === 0));
      if (i === undefined) break;
    }
    if (placed[i] === 1) continue;
    placed[i] = 1;
    isBlocked[i] = 0;
    out.push(records[i]!);
    const proc = procOf[i]!;
    headAt.set(proc, (headAt.get(proc) ?? 0) + 1);
    offerHead(proc);
    const woken = waiting.get(i);
    if (woken) {
      waiting.delete(i);
      for (const w of woken) {
        if (placed[w] === 1 || isBlocked[w] === 0) continue;
        isBlocked[w] = 0;
        // Re-offer: it may wait on another cause still.
        const missing = (before[w] ?? []).find((c) => placed[c] === 0);
        if (missing === undefined) ready.push(w);
        else {
          isBlocked[w] = 1;
          const list = waiting.get(missing);
          if (list) list.push(w);
          else waiting.set(missing, [w]);
        }
      }
    }
  }
  return out;
}
