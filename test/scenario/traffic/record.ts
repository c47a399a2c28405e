/**
 * Records the journal the `lab traffic` and `lab trace` goldens read (recorded.journal.jsonl beside
 * this file) from a real seeded run: a 3-DataNode cluster on two racks (block size 1 MB,
 * replication 2), `lab fs -put` of a 1.5 MB /a.txt, `lab fs -get` of it, a DataNode holding its
 * first block killed and that block re-replicated, and `lab checkpoint`. Every process's journal
 * lines are kept as they were written, in time order.
 *
 *   npm run record-traffic                                  # records the fixture again
 *   UPDATE_GOLDEN=1 npx vitest run test/scenario/traffic    # rewrites the goldens from it
 *
 * then review both diffs: a new recording has new ports, times and op ids, which the viewers' unit
 * tests that name them (trace, traffic, http-frames, tui, tui-headless) say again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { homePaths } from '../../../cluster/home/description.js';
import { killNode, stopNodes } from '../../../cluster/launcher/launcher.js';
import { readJournal } from '../../../cluster/transport/journal-reader.js';
import { findOperation } from '../../../lab/trace/operations.js';
import { RECORDED_JOURNAL_FILE } from './recorded.js';
import { REPO, runLab, startTestCluster, type LabOutcome } from '../../integration/lab-process.js';
import { waitFor } from '../../integration/wait-for.js';

/** The file put and read: a block and a half. */
const FILE_BYTES = 1536 * 1024;
const HDFS_PATH = '/a.txt';

function must(what: string, outcome: LabOutcome): void {
  if (outcome.code !== 0) throw new Error(`${what} failed (exit ${outcome.code}): ${outcome.stderr}`);
}

/** The first block the put allocated and its pipeline, from the NameNode's journaled event (no extra call to journal). */
function firstBlockTargets(journal: string): { blockId: number; targets: string[] } {
  for (const r of readJournal(journal)) {
    if (r.k === 'event' && r.event.type === 'block-allocated')
      return { blockId: r.event.block.blockId, targets: r.event.targets };
  }
  throw new Error('the put allocated no block');
}

/** The operations the goldens draw, each once the journal shows it whole. */
async function record(home: string, work: string): Promise<void> {
  const local = path.join(work, 'a.txt');
  fs.writeFileSync(local, Buffer.from(Array.from({ length: FILE_BYTES }, (_, i) => (i * 31) & 0xff)));
  must('lab fs -put', await runLab(home, 'fs', '-put', local, HDFS_PATH));
  must('lab fs -get', await runLab(home, 'fs', '-get', HDFS_PATH, path.join(work, 'a.copy')));
  const journal = homePaths(home).journal;
  const { blockId, targets } = firstBlockTargets(journal);
  const victim = targets[0] as string;
  await killNode(home, victim);
  await waitFor(
    `blk_${blockId} re-replicated after ${victim} died`,
    () => {
      const op = findOperation(readJournal(journal), { last: 'rereplication' });
      const received = op?.records.some(
        (r) => r.k === 'frame' && r.msg.type === 'rpc-call' && r.msg.method === 'blockReceivedAndDeleted',
      );
      return received ? op : undefined;
    },
    60_000,
  );
  must('lab checkpoint', await runLab(home, 'checkpoint'));
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-traffic-work-'));
  const home = await startTestCluster('lab-traffic-', {
    datanodes: 3,
    racks: 2,
    blockSize: '1m',
    replication: 2,
    seed: 'traffic',
    defines: [
      'dfs.heartbeat.interval=1',
      'dfs.namenode.heartbeat.recheck-interval=500',
      'dfs.namenode.redundancy.interval.seconds=1',
    ],
  });
  try {
    await record(home, work);
  } catch (err) {
    await stopNodes(home);
    fs.rmSync(work, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}; the run is left in ${home}`, { cause: err });
  }
  // Stopped first, so every process has written its last journal lines.
  await stopNodes(home);
  const records = readJournal(homePaths(home).journal);
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
  fs.writeFileSync(RECORDED_JOURNAL_FILE, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const kib = Math.round(fs.statSync(RECORDED_JOURNAL_FILE).size / 1024);
  console.log(
    `${records.length} journal records (${kib} KiB) in ${path.relative(REPO, RECORDED_JOURNAL_FILE)}`,
  );
}

await main();
