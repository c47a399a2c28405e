/**
 * Issue 15 defect 5 on a real full disk: a cluster whose home is a small tmpfs is filled by puts.
 * Puts fail with a message about space, no daemon dies, `lab status` says why, and everything
 * acknowledged still reads back byte for byte. Needs to mount a tmpfs (root / CAP_SYS_ADMIN): run
 * by `npm run disk-full-test` (LAB_DISK_FULL=1, as .ci/run does); elsewhere it is skipped with the
 * reason printed.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { isDaemonAlive, readPid } from '../../cluster/home/home.js';
import { BUILT } from './requirements.js';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/lab.js');
/** Small enough to fill in seconds, big enough for a formatted NameNode and a few blocks. */
const TMPFS_SIZE = '40m';
const FILE_BYTES = 4 * 1024 * 1024;
const PUTS_MAX = 20;

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(process.env.LAB_DISK_FULL !== '1' || !BUILT)('a full disk', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-diskfull-'));
  const mnt = path.join(scratch, 'mnt');
  const home = path.join(mnt, 'home');
  let mounted = false;

  afterAll(async () => {
    await stopNodes(home).catch(() => []);
    if (mounted) await execa('umount', [mnt], { reject: false });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses puts with a reason about space, keeps every daemon up and serves reads', async (ctx) => {
    fs.mkdirSync(mnt);
    const mount = await execa('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', mnt], {
      reject: false,
    });
    if (mount.exitCode !== 0) {
      console.log(
        `disk-full test skipped: cannot mount a tmpfs here (${mount.stderr.trim() || mount.exitCode})`,
      );
      ctx.skip();
      return;
    }
    mounted = true;
    await startCluster({
      home,
      datanodes: 1,
      seed: 'diskfull',
      ephemeralPorts: true,
      defines: ['dfs.blocksize=1m', 'dfs.replication=1', 'dfs.namenode.resource.du.reserved=8m'],
    });
    const lab = (...args: string[]) => execa('node', [bin, '--home', home, ...args], { reject: false });

    const acknowledged = new Map<string, string>();
    let refusal = '';
    for (let i = 0; i < PUTS_MAX && refusal === ''; i++) {
      const bytes = randomBytes(FILE_BYTES);
      const local = path.join(scratch, `f${i}`);
      fs.writeFileSync(local, bytes);
      const put = await lab('fs', '-put', local, `/f${i}`);
      if (put.exitCode === 0) acknowledged.set(`/f${i}`, sha(bytes));
      else refusal = put.stderr;
      fs.rmSync(local);
    }
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(refusal).toMatch(/space|Resources are low/i);
    expect(refusal).not.toMatch(/All datanodes .* are bad/);

    for (const id of ['nn', 'dn1', 'snn']) {
      const pid = readPid(home, id);
      if (pid !== undefined) expect(isDaemonAlive(pid), `${id} is alive`).toBe(true);
    }
    const status = await lab('status');
    expect(status.stdout + status.stderr).toMatch(/Resources are low|space/i);

    for (const [src, digest] of acknowledged) {
      const local = path.join(scratch, `back${src.replace('/', '-')}`);
      const got = await lab('fs', '-get', src, local);
      expect(got.exitCode, got.stderr).toBe(0);
      expect(sha(fs.readFileSync(local))).toBe(digest);
      fs.rmSync(local);
    }
  }, 240_000);
});
