/**
 * Issue 15 defect 8: the lab home is its owner's only whatever the umask (HDFS's storage and data
 * dir perms, 700), `lab fs -get` into a missing local directory prints Hadoop's error line and
 * exits 1, and a `lab start` that fails in a fresh home leaves nothing behind.
 */
import fs, { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { BUILT } from './requirements.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/lab.js');

function everyPath(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(e.parentPath, e.name);
    return e.isDirectory() ? [p, ...everyPath(p)] : [p];
  });
}

describe.skipIf(!BUILT)('the lab home', () => {
  let home = '';
  let scratch = '';
  let umask = 0;

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-home-it-'));
    home = path.join(scratch, 'home');
    umask = process.umask(0); // the daemons inherit it: the worst case, as in the report
    try {
      await startCluster({ home, datanodes: 1, seed: 'homesafe', ephemeralPorts: true });
    } finally {
      process.umask(umask);
    }
  }, 60_000);

  afterAll(async () => {
    await stopNodes(home).catch(() => []);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('holds nothing that group or others may read or write, even under umask 000', async () => {
    const local = path.join(scratch, 'f.txt');
    fs.writeFileSync(local, 'hello\n');
    const put = await execa('node', [bin, '--home', home, 'fs', '-put', local, '/f.txt'], { reject: false });
    expect(put.exitCode, put.stderr).toBe(0);
    const paths = [home, ...everyPath(home)];
    // The edit log, the image, VERSION files, block files and their .meta are among them.
    expect(paths.some((p) => /edits_inprogress_\d+$/.test(p))).toBe(true);
    expect(paths.some((p) => /blk_\d+$/.test(p))).toBe(true);
    const open = paths.filter((p) => (fs.statSync(p).mode & 0o077) !== 0);
    expect(open).toEqual([]);
  });

  it("answers -get into a missing local directory with Hadoop's error line and exit 1", async () => {
    fs.writeFileSync(path.join(scratch, 'g.txt'), 'g\n');
    await execa('node', [bin, '--home', home, 'fs', '-put', path.join(scratch, 'g.txt'), '/g.txt']);
    const target = path.join(scratch, 'missing-dir', 'g.txt');
    const got = await execa('node', [bin, '--home', home, 'fs', '-get', '/g.txt', target], { reject: false });
    expect(got.exitCode).toBe(1);
    expect(got.stderr.trim()).toBe(`get: \`${target}': No such file or directory`);
  });

  it('leaves no skeleton behind when a start fails in a fresh home', async () => {
    const fresh = path.join(scratch, 'never');
    await expect(
      startCluster({ home: fresh, datanodes: 1, ephemeralPorts: true, defines: ['dfs.replication=three'] }),
    ).rejects.toThrow(/dfs\.replication/);
    expect(existsSync(fresh)).toBe(false);
  });
});
