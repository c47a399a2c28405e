/**
 * `lab traffic [-X] [--follow] [--node N] [--op OP] [--kind rpc|data|heartbeat] [--path P]
 * [--block B] [--since SECONDS] [--heartbeats | --no-heartbeats] [--json]` — every frame the
 * cluster sent, one tcpdump-shaped line each, read from the journal.
 */
import fs from 'node:fs';
import { homePaths } from '../../cluster/launcher/description.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { parseJournal, readJournal } from '../../cluster/runtime/journal.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { out } from '../cli/output.js';
import {
  hexDump,
  matches,
  selectFrames,
  trafficLine,
  type TrafficFilter,
  type TrafficKind,
} from '../traffic/lines.js';

/** How often `--follow` looks for new journal lines. */
const FOLLOW_POLL_MS = 100;

interface TrafficOptions {
  hex?: boolean;
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
    .option('-X, --hex', 'show the first bytes of each frame as hex and ASCII')
    .option('-f, --follow', 'keep printing new frames')
    .option('--node <id>', 'only frames from or to this process (nn, dn1, client)')
    .option('--op <name>', 'only this RPC or data op (create, addBlock, writeBlock, packet …)')
    .option('--kind <kind>', 'rpc, data or heartbeat')
    .option('--path <path>', 'only frames naming this HDFS path')
    .option('--block <id>', 'only frames naming this block (blk_… or its id)')
    .option('--since <seconds>', 'only frames of the last SECONDS seconds')
    .option('--heartbeats', 'include heartbeats and status polls (default unless --follow)')
    .option('--no-heartbeats', 'leave out heartbeats and status polls')
    .option('--json', 'one JSON journal record per line')
    .action(async (opts: TrafficOptions, command: Command) => {
      if (opts.kind && !['rpc', 'data', 'heartbeat'].includes(opts.kind)) {
        throw new UsageError(`traffic: --kind must be rpc, data or heartbeat, not ${opts.kind}`);
      }
      const filter: TrafficFilter = {
        heartbeats: opts.heartbeats ?? !opts.follow,
        ...(opts.node ? { node: opts.node } : {}),
        ...(opts.op ? { op: opts.op } : {}),
        ...(opts.kind ? { kind: opts.kind as TrafficKind } : {}),
        ...(opts.path ? { path: opts.path } : {}),
        ...(opts.block ? { block: opts.block } : {}),
      };
      if (opts.since !== undefined) {
        const seconds = Number(opts.since);
        if (!Number.isFinite(seconds) || seconds < 0)
          throw new UsageError(`traffic: --since takes seconds, not ${opts.since}`);
        filter.sinceMs = Date.now() - seconds * 1000;
      }
      if (filter.kind === 'heartbeat') filter.heartbeats = true;
      const file = homePaths(homeOf(command)).journal;
      const print = (frame: JournalFrame): void => {
        if (opts.json) out(JSON.stringify(frame));
        else {
          out(trafficLine(frame));
          if (opts.hex && frame.hex) out(hexDump(frame.hex));
        }
      };
      for (const frame of selectFrames(readJournal(file), filter)) print(frame);
      if (!opts.follow) return;
      await follow(file, (frame) => {
        if (frame.dir === 'send' && matches(frame, filter)) print(frame);
      });
    });
}

async function follow(file: string, onFrame: (frame: JournalFrame) => void): Promise<void> {
  let offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
  let carry = '';
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (!fs.existsSync(file)) return;
      const size = fs.statSync(file).size;
      if (size < offset) offset = 0; // rolled over
      if (size === offset) return;
      const fd = fs.openSync(file, 'r');
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      fs.closeSync(fd);
      offset = size;
      const text = carry + buf.toString('utf8');
      const cut = text.lastIndexOf('\n');
      carry = text.slice(cut + 1);
      for (const r of parseJournal(text.slice(0, cut + 1))) if (r.k === 'frame') onFrame(r);
    }, FOLLOW_POLL_MS);
    process.once('SIGINT', () => {
      clearInterval(timer);
      resolve();
    });
  });
}
