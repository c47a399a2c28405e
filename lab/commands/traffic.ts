/**
 * `lab traffic [-X] [-s SNAPLEN] [--follow] [--node N] [--op OP] [--kind rpc|data|heartbeat|http] [--path P]
 * [--block B] [--since DURATION] [--heartbeats | --no-heartbeats] [--json]` — every frame the
 * cluster sent, one tcpdump-shaped line each, read from the journal.
 */
import { homePaths } from '../../cluster/home/description.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';
import {
  TRAFFIC_KINDS,
  frameDump,
  isTrafficKind,
  isShown,
  journaledSenders,
  matches,
  sinceInstantMs,
  trafficLine,
  type TrafficFilter,
} from '../traffic/lines.js';
import { journalRecords } from '../../cluster/transport/journal-reader.js';
import { causalOrder } from '../../cluster/transport/journal-order.js';
import { JournalTail } from '../traffic/tail.js';

/** How often `--follow` looks for new journal lines: well under the journal's own flush interval times two. */
const FOLLOW_POLL_MS = 100;

interface TrafficOptions {
  hex?: boolean;
  snaplen?: string;
  follow?: boolean;
  node?: string;
  op?: string;
  kind?: string;
  path?: string;
  block?: string;
  since?: string;
  heartbeats?: boolean;
  json?: boolean;
}

export function registerTraffic(program: Command): void {
  program
    .command('traffic')
    .description('print every frame between client, NameNode and DataNodes, like tcpdump')
    .option('-X, --hex', "show each frame's bytes as hex and ASCII, like tcpdump -X")
    .option('-s, --snaplen <bytes>', 'with -X, show at most this many bytes of each frame (0: all)')
    .option('-f, --follow', 'keep printing new frames (heartbeats hidden unless --heartbeats)')
    .option('--node <id>', 'only frames from or to this process (nn, snn, dn1, client)')
    .option('--op <name>', 'only this RPC or data op (create, addBlock, writeBlock, packet …)')
    .option('--kind <kind>', TRAFFIC_KINDS.join(', '))
    .option('--path <path>', 'only frames naming this HDFS path')
    .option('--block <id>', 'only frames naming this block (blk_… or its id)')
    .option('--since <duration>', 'only frames of the last DURATION (30 = seconds, 90s, 5m)')
    .option('--heartbeats', 'include heartbeats and status polls (default unless --follow)')
    .option('--no-heartbeats', 'leave out heartbeats and status polls')
    .option('--json', 'one JSON journal record per line')
    .action(async (opts: TrafficOptions, command: Command) => {
      const filter = trafficFilter(opts, Date.now());
      const snapLengthBytes = snapLength(opts.snaplen);
      const dir = homePaths(homeOf(command)).journal;
      const print = (frame: JournalFrame): void => {
        if (opts.json) out(JSON.stringify(frame));
        else {
          out(trafficLine(frame));
          const dump = opts.hex ? frameDump(frame, snapLengthBytes) : null;
          if (dump) out(dump);
        }
      };
      // Where following starts is fixed first; the history is read up to there, so nothing is
      // missed or printed twice.
      const tail = opts.follow ? new JournalTail(dir) : null;
      const history = journalRecords(dir, {
        ...(filter.sinceMs !== undefined ? { sinceMs: filter.sinceMs } : {}),
        ...(tail ? { endBytes: tail.startOffsets() } : {}),
      });
      // Receive-side records count too: they are the only record of a real HDFS client's frames,
      // and they say what each process had received before it sent (the causal order).
      const records = causalOrder([...history]);
      const journaled = journaledSenders(records);
      for (const record of records) {
        if (record.k === 'frame' && isShown(record, journaled) && matches(record, filter)) print(record);
      }
      if (!tail) return;
      await follow(tail, (frame) => {
        journaledSenders([frame], journaled);
        if (isShown(frame, journaled) && matches(frame, filter)) print(frame);
      });
    });
}

/** The command's flags as a filter; a bad flag is a usage error naming what was expected. */
export function trafficFilter(opts: TrafficOptions, nowMs: number): TrafficFilter {
  if (opts.kind && !isTrafficKind(opts.kind)) {
    const kinds = `${TRAFFIC_KINDS.slice(0, -1).join(', ')} or ${TRAFFIC_KINDS.at(-1)}`;
    throw new UsageError(`traffic: --kind must be ${kinds}, not ${opts.kind}`);
  }
  const filter: TrafficFilter = {
    heartbeats: opts.heartbeats ?? !opts.follow,
    ...(opts.node ? { node: opts.node } : {}),
    ...(opts.op ? { op: opts.op } : {}),
    ...(opts.kind && isTrafficKind(opts.kind) ? { kind: opts.kind } : {}),
    ...(opts.path ? { path: opts.path } : {}),
    ...(opts.block ? { block: opts.block } : {}),
  };
  if (opts.since !== undefined) {
    try {
      filter.sinceMs = sinceInstantMs(opts.since, nowMs);
    } catch (error) {
      throw new UsageError(`traffic: ${(error as Error).message}`);
    }
  }
  if (filter.kind === 'heartbeat') filter.heartbeats = true;
  return filter;
}

/** `-s SNAPLEN`: a whole number of bytes, 0 for whole frames (tcpdump's meaning). */
export function snapLength(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text))
    throw new UsageError(`traffic: -s takes a number of bytes (0: whole frames), not ${text}`);
  return Number(text);
}

async function follow(tail: JournalTail, onFrame: (frame: JournalFrame) => void): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const r of tail.read()) if (r.k === 'frame') onFrame(r);
    }, FOLLOW_POLL_MS);
    const stop = (): void => {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
