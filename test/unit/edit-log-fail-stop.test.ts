/**
 * Issue 15 defect 2(b): a NameNode whose edit log cannot be written stops — it reports HDFS's
 * "flush failed for required journal" once, terminates, and refuses every later call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSegment } from '../../cluster/namenode/editlog/codec.js';
import type { PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { EditLog } from '../../cluster/runtime/edit-log.js';
import type { EditLogIo } from '../../cluster/runtime/edit-log-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function nameDir(): { root: string; current: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-editlog-'));
  dirs.push(root);
  const current = path.join(root, 'current');
  fs.mkdirSync(current);
  return { root, current };
}

const mkdir = (p: string): PendingOp => ({
  op: 'OP_MKDIR',
  inodeId: 16386,
  path: p,
  timestamp: 1,
  permission: { user: 'hdfs', group: 'supergroup', mode: 0o755 },
});

/** The disk fills after `healthySyncs` syncs: fdatasync answers ENOSPC from then on. */
function diskFullAfter(healthySyncs: number): EditLogIo {
  let syncs = 0;
  return {
    write: (fd, buffer, offset, length, position) => fs.writeSync(fd, buffer, offset, length, position),
    fdatasync: (fd, callback) => {
      syncs++;
      if (syncs <= healthySyncs) return fs.fdatasync(fd, callback);
      const err: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, fdatasync');
      err.code = 'ENOSPC';
      setImmediate(() => callback(err));
    },
  };
}

describe('EditLog fail-stop', () => {
  it('terminates once with HDFS words when a sync fails, and refuses everything after', async () => {
    const { root, current } = nameDir();
    const terminations: string[] = [];
    const log = new EditLog({
      currentDir: current,
      lastTxid: 0,
      terminate: (m) => terminations.push(m),
      io: diskFullAfter(1),
    });
    await log.log([mkdir('/a')]).durable;
    const failed = log.log([mkdir('/b')]).durable;
    await expect(failed).rejects.toThrow(
      `Error: flush failed for required journal (JournalAndStream(mgr=FileJournalManager(root=${root}), ` +
        `stream=EditLogFileOutputStream(${path.join(current, 'edits_inprogress_0000000000000000001')}))): ` +
        'ENOSPC: no space left on device, fdatasync',
    );
    expect(terminations).toHaveLength(1);
    expect(() => log.checkWritable()).toThrow(/The NameNode is shutting down: Error: flush failed/);
    await expect(log.log([mkdir('/c')]).durable).rejects.toThrow(/flush failed/);
    expect(() => log.roll()).toThrow(/shutting down/);
    expect(terminations).toHaveLength(1);
    // The acknowledged /a is on disk; nothing was appended after the failure. (/b was written but
    // its sync failed: like HDFS, a restart may or may not find it, and no client was told it exists.)
    const segment = decodeSegment(
      fs.readFileSync(path.join(current, 'edits_inprogress_0000000000000000001')),
    );
    const paths = segment.ops.map((op) => ('path' in op ? op.path : op.op));
    expect(paths.slice(0, 2)).toEqual(['OP_START_LOG_SEGMENT', '/a']);
    expect(paths).not.toContain('/c');
  });

  it('terminates on an op the codec cannot write ("write op" failed) instead of wedging later appends', async () => {
    const { current } = nameDir();
    const terminations: string[] = [];
    const log = new EditLog({ currentDir: current, lastTxid: 0, terminate: (m) => terminations.push(m) });
    const bad = { op: 'OP_SET_REPLICATION', path: '/f', replication: 99999 } as PendingOp;
    await expect(log.log([bad]).durable).rejects.toThrow(/^Error: write op failed for required journal/);
    expect(terminations).toHaveLength(1);
  });

  it('keeps txids in order across a roll when healthy', async () => {
    const { current } = nameDir();
    const log = new EditLog({ currentDir: current, lastTxid: 0, terminate: () => {} });
    const first = log.log([mkdir('/a')]);
    const next = await log.roll();
    const second = log.log([mkdir('/b')]);
    await Promise.all([first.durable, second.durable]);
    expect([first.ops[0]?.txid, next, second.ops[0]?.txid]).toEqual([2, 4, 5]);
    expect(fs.readdirSync(current).sort()).toEqual([
      'edits_0000000000000000001-0000000000000000003',
      'edits_inprogress_0000000000000000004',
    ]);
    await log.close();
  });
});
