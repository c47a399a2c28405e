/**
 * The journal soak: a real cluster in its own home with ephemeral ports and small
 * journal limits, put and read back in rounds until `totalBytes` went through it. After every round:
 * every byte read back equals what was put; `lab traffic` shows the newest round's frames from the
 * client, the NameNode and the DataNodes; the journal directory stays under its bound; and no
 * process holds a journal file that was deleted. At the end, every DataNode rolled its segments
 * several times and the oldest were deleted. `npm run soak` runs the long form (several GiB);
 * test/integration/journal-soak.test.ts a short one with tiny segments.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { homePaths } from '../../cluster/home/description.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { listSegments } from '../../cluster/transport/journal-segments.js';

const run = promisify(execFile);
/** The repository: the nearest directory above this file with a package.json (from test/ or dist/test/). */
function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
const repo = repoRoot();
/** The built CLI: the soak runs `lab traffic` as a user would. */
const LAB_BIN = path.join(repo, 'bin', 'lab.js');

export interface SoakOptions {
  /** Bytes put (and read back) in all. */
  totalBytes: number;
  /** Bytes of each file put. */
  fileBytes: number;
  segmentBytes: number;
  journalBytes: number;
  datanodes?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  rounds: number;
  bytesChecked: number;
  /** Most segments one DataNode started (1 + its roll-overs). */
  rollsMax: number;
  segmentsDeleted: number;
  journalBytesMax: number;
  journalBytesBound: number;
  problems: string[];
}

export async function runJournalSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-soak-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-soak-files-'));
  const datanodes = options.datanodes ?? 3;
  // Every process of the cluster inherits these (runtime/journal.ts journalLimitsFromEnv).
  const savedEnv = { ...process.env };
  process.env.LAB_JOURNAL_SEGMENT_BYTES = String(options.segmentBytes);
  process.env.LAB_JOURNAL_TOTAL_BYTES = String(options.journalBytes);
  process.env.LAB_PORTS = 'ephemeral';
  const problems: string[] = [];
  const result: SoakResult = {
    rounds: 0,
    bytesChecked: 0,
    rollsMax: 0,
    segmentsDeleted: 0,
    journalBytesMax: 0,
    // Live writers (NameNode, Secondary, DataNodes, this client) may each have one segment open,
    // which a flush may carry up to twice the roll size; everything else is under the limit.
    journalBytesBound: options.journalBytes + (datanodes + 3) * 2 * options.segmentBytes,
    problems,
  };
  let client: DFSClient | null = null;
  try {
    await startCluster({
      home,
      datanodes,
      racks: 2,
      blockSize: '4m',
      replication: Math.min(3, datanodes),
      seed: 'soak',
      ephemeralPorts: true,
    });
    client = await DFSClient.connect({ home, warn: () => undefined });
    const journal = homePaths(home).journal;
    const rounds = Math.max(1, Math.ceil(options.totalBytes / options.fileBytes));
    for (let round = 1; round <= rounds; round++) {
      const src = `/soak/r${round}.bin`;
      const local = path.join(work, 'in.bin');
      const back = path.join(work, 'out.bin');
      const data = crypto.randomBytes(options.fileBytes);
      fs.writeFileSync(local, data);
      const roundStartMs = Date.now();
      await client.putFile(local, src);
      fs.rmSync(back, { force: true });
      await client.getFile(src, back);
      const readBack = fs.readFileSync(back);
      if (!readBack.equals(data)) problems.push(`round ${round}: ${src} read back differs from what was put`);
      result.bytesChecked += readBack.length;
      await client.call('delete', { src, recursive: false });
      client.journal.flush();

      problems.push(...(await newestFramesProblems(home, src, roundStartMs, round)));
      const bytes = listSegments(journal).reduce((sum, s) => sum + s.bytes, 0);
      result.journalBytesMax = Math.max(result.journalBytesMax, bytes);
      if (bytes > result.journalBytesBound)
        problems.push(
          `round ${round}: journal holds ${bytes} bytes, over its bound ${result.journalBytesBound}`,
        );
      problems.push(...deletedJournalFilesHeld(home).map((p) => `round ${round}: ${p}`));
      result.rounds = round;
      log(
        `round ${round}/${rounds}: ${fmtMiB(result.bytesChecked)} put and checked, journal ${fmtMiB(bytes)} in ${listSegments(journal).length} segments`,
      );
      if (problems.length > 0) break;
    }
    const segments = listSegments(journal);
    for (let i = 1; i <= datanodes; i++) {
      const seqs = segments.filter((s) => s.proc === `dn${i}`).map((s) => s.seq);
      result.rollsMax = Math.max(result.rollsMax, ...seqs);
      // Segments 1 … min-1 of this DataNode were deleted.
      if (seqs.length > 0) result.segmentsDeleted += Math.min(...seqs) - 1;
    }
  } finally {
    await client?.close();
    await stopNodes(home).catch(() => undefined);
    process.env = savedEnv;
    if (problems.length === 0) fs.rmSync(home, { recursive: true, force: true });
    else log(`home kept for inspection: ${home}`);
    fs.rmSync(work, { recursive: true, force: true });
  }
  return result;
}

/**
 * `lab traffic --since` must show the round just done: the client's create, complete and rename of
 * `src`, and frames every DataNode sent about the file's last block. (The window is generous: a
 * `lab` process on a loaded machine may start seconds after it is launched, and --since counts
 * from its own start.)
 */
async function newestFramesProblems(
  home: string,
  src: string,
  sinceMs: number,
  round: number,
): Promise<string[]> {
  const seconds = Math.ceil((Date.now() - sinceMs) / 1000) + 120;
  const traffic = async (...args: string[]): Promise<string[]> => {
    const { stdout } = await run(
      process.execPath,
      [LAB_BIN, 'traffic', '--home', home, '--since', `${seconds}s`, ...args],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    return stdout.split('\n').filter(Boolean);
  };
  const problems: string[] = [];
  const named = await traffic('--path', src);
  for (const want of ['client ', `create src=${src}._COPYING_`, `rename src=${src}._COPYING_ dst=${src}`]) {
    if (!named.some((line) => line.includes(want)))
      problems.push(`round ${round}: lab traffic --path ${src} shows no line with "${want}"`);
  }
  const last = named.map((line) => /complete src=\S+ last=(blk_\d+)/.exec(line)?.[1]).find(Boolean);
  if (!last)
    return [...problems, `round ${round}: lab traffic --path ${src} shows no complete naming its last block`];
  const data = await traffic('--kind', 'data', '--block', last);
  const senders = new Set(data.map((line) => line.split(' ')[1]));
  for (const dn of ['dn1', 'dn2', 'dn3']) {
    if (!senders.has(dn))
      problems.push(`round ${round}: lab traffic --block ${last} shows no frame sent by ${dn}`);
  }
  return problems;
}

/** Journal files deleted while a cluster process still holds them open (Linux /proc; none elsewhere). */
function deletedJournalFilesHeld(home: string): string[] {
  const out: string[] = [];
  const pids = homePaths(home).pids;
  let names: string[];
  try {
    names = fs.readdirSync(pids);
  } catch {
    return out;
  }
  for (const name of names) {
    const pid = fs.readFileSync(path.join(pids, name), 'utf8').trim();
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target.includes(`${path.sep}journal${path.sep}`) && target.endsWith('(deleted)'))
        out.push(`${name.replace(/\.pid$/, '')} (pid ${pid}) still writes the deleted ${target}`);
    }
  }
  return out;
}

function fmtMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
