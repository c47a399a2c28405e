/**
 * A real HDFS client against the lab: the Debian `hdfs` command (colinmarc/hdfs, Go) talks to a
 * lab NameNode and DataNode with only HADOOP_NAMENODE set, and prints what it prints against HDFS.
 * Real processes, ephemeral ports, their own run directory. Skipped (with the reason printed) when
 * `hdfs` is not installed or the daemons are not built; CI installs hdfs-cli.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestCluster, startTestCluster, LAB_BIN, type LabOutcome } from './lab-process.js';
import { requireDescription } from '../../cluster/home/home.js';
import { homePaths } from '../../cluster/home/description.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { withNamenode } from '../../cluster/client/namenode-client.js';
import { isOpenForWrite } from '../../cluster/client/open-file.js';
import { waitFor } from './wait-for.js';
import { BUILT, commandOnPath } from './requirements.js';

const hdfsBinary = commandOnPath('hdfs', 'the Debian package hdfs-cli') ?? '';
const USER = 'alice';

describe.skipIf(!BUILT || !hdfsBinary)('the Debian hdfs client against the lab', () => {
  let home = '';
  let work = '';
  let env: NodeJS.ProcessEnv = {};
  const hdfs = (...args: string[]): LabOutcome => hdfsAs(USER, ...args);
  const hdfsAs = (user: string, ...args: string[]): LabOutcome => {
    const r = spawnSync(hdfsBinary, args, {
      env: { ...env, HADOOP_USER_NAME: user },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const lab = (...args: string[]): LabOutcome => {
    const r = spawnSync(process.execPath, [LAB_BIN, ...args], {
      env: { ...process.env, LAB_HOME: home, HADOOP_USER_NAME: USER },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const bytesOf = (...args: string[]): Buffer => {
    const r = spawnSync(hdfsBinary, args, { env, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    expect(r.status, `hdfs ${args.join(' ')}: ${String(r.stderr)}`).toBe(0);
    return r.stdout;
  };
  /** Block recovery of a truncate ends when the NameNode closes the file again. */
  const closed = (src: string): Promise<true> =>
    waitFor(`${src} closed after its block recovery`, () =>
      withNamenode(requireDescription(home), async (nn) =>
        (await isOpenForWrite(nn, src)) ? undefined : true,
      ),
    );
  const ok = (...args: string[]): string => {
    const r = hdfs(...args);
    expect(r.code, `hdfs ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-hdfs-cli-work-'));
    home = await startTestCluster('lab-hdfs-cli-', {
      datanodes: 1,
      racks: 1,
      blockSize: '1m',
      replication: 1,
      seed: 'hdfs-cli',
    });
    const nn = requireDescription(home).namenode;
    env = {
      PATH: process.env.PATH,
      HOME: work,
      HADOOP_NAMENODE: `${nn.host}:${nn.port}`,
      HADOOP_USER_NAME: USER,
    };
    // The NameNode's superuser (who started it) gives alice a home to work in, as an admin would.
    await withNamenode(requireDescription(home), async (nn) => {
      await nn.call('mkdirs', { src: '/user/alice', permission: 0o755, createParent: true });
      await nn.call('setOwner', { src: '/user/alice', username: USER, groupname: null });
    });
  }, 120_000);

  afterAll(async () => {
    await removeTestCluster(home);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('makes directories with mkdir -p and lists them with ls -l as alice', () => {
    ok('mkdir', '-p', '/user/alice/a/b/c');
    const listing = ok('ls', '-l', '/user/alice/a');
    expect(listing).toMatch(/^drwxr-xr-x alice +supergroup +0 \w{3} +\d+ \d\d:\d\d b\n$/);
    expect(ok('ls', '/user/alice/a/b')).toBe('c\n');
    const again = hdfs('mkdir', '/user/alice/a');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/file already exists/);
  });

  it('creates an empty file with touch, renames it with mv, and changes its mode and owner', () => {
    ok('touch', '/user/alice/a/f.txt');
    ok('mv', '/user/alice/a/f.txt', '/user/alice/a/g.txt');
    ok('chmod', '600', '/user/alice/a/g.txt');
    // Only the superuser (who started the NameNode) gives a file to a group alice is not in.
    const denied = hdfs('chown', `${USER}:staff`, '/user/alice/a/g.txt');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/chown \/user\/alice\/a\/g\.txt: permission denied/);
    const byAdmin = hdfsAs(os.userInfo().username, 'chown', `${USER}:staff`, '/user/alice/a/g.txt');
    expect(byAdmin.code, byAdmin.stderr).toBe(0);
    const listing = ok('ls', '-l', '/user/alice/a');
    expect(listing).toMatch(
      /^drwxr-xr-x +alice +supergroup +0 .* b\n-rw------- +alice +staff +0 .* g\.txt\n$/,
    );
    const missing = hdfs('ls', '/user/alice/a/f.txt');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/f\.txt: file does not exist/);
  });

  it('puts a multi-block file, reads it back byte for byte, and sizes it with du -s -h', () => {
    const content = crypto.randomBytes(2 * 1024 * 1024 + 300_000);
    const local = path.join(work, 'in.bin');
    fs.writeFileSync(local, content);
    ok('put', local, '/user/alice/a/in.bin');
    const cat = spawnSync(hdfsBinary, ['cat', '/user/alice/a/in.bin'], {
      env,
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(cat.status).toBe(0);
    expect(Buffer.compare(cat.stdout, content)).toBe(0);
    expect(ok('du', '-s', '-h', '/user/alice/a')).toMatch(/^2\.3M +\/user\/alice\/a\n$/);
  });

  it('reads a file of more blocks than the prefetch window: lab fs -cat asks window by window, both clients read it whole', async () => {
    const src = '/user/alice/window.bin';
    const content = crypto.randomBytes(5 * 1024 * 1024 + 4242);
    fs.writeFileSync(path.join(work, 'window.bin'), content);
    ok('put', path.join(work, 'window.bin'), src);
    const window = 2 * 1024 * 1024;
    const since = Date.now();
    const cat = spawnSync(
      process.execPath,
      [LAB_BIN, 'fs', '-D', `dfs.client.read.prefetch.size=${window}`, '-cat', src],
      {
        env: { ...process.env, LAB_HOME: home, HADOOP_USER_NAME: USER },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const until = Date.now();
    expect(cat.status, String(cat.stderr)).toBe(0);
    expect(Buffer.compare(cat.stdout, content)).toBe(0);
    expect(Buffer.compare(bytesOf('cat', src), content)).toBe(0);
    // DFSInputStream: a window at open, then one from each position the read passes the blocks in
    // hand (six blocks of 1 MB, two per 2 MB window).
    const askedBetween = (): { offset: number; length: number }[] =>
      readJournal(homePaths(home).journal)
        .filter(
          (r): r is JournalFrame =>
            r.k === 'frame' &&
            r.proc === 'nn' &&
            r.dir === 'recv' &&
            r.t >= since &&
            r.t <= until &&
            r.msg.type === 'rpc-call' &&
            r.msg.method === 'getBlockLocations',
        )
        .map(
          (r) =>
            r.msg.type === 'rpc-call' && (r.msg.params as { src: string; offset: number; length: number }),
        )
        .filter((p) => p && p.src === src)
        .flatMap((p) => (p ? [{ offset: p.offset, length: p.length }] : []));
    // The NameNode writes its journal lines on a timer: wait for the three calls to land.
    const asked = await waitFor('three getBlockLocations calls in the journal', () => {
      const seen = askedBetween();
      return seen.length >= 3 ? seen : undefined;
    }).catch(() => askedBetween());
    expect(asked).toEqual([0, 2, 4].map((mb) => ({ offset: mb * 1024 * 1024, length: window })));
  });

  it('round-trips bytes both ways with lab fs, and agrees with lab fs -checksum', () => {
    // Written by the Go client (CRC32 checksums), read by the lab's client.
    const fromGo = crypto.randomBytes(1024 * 1024 + 4321);
    fs.writeFileSync(path.join(work, 'go.bin'), fromGo);
    ok('put', path.join(work, 'go.bin'), '/user/alice/go.bin');
    const got = lab('fs', '-get', '/user/alice/go.bin', path.join(work, 'go.back'));
    expect(got.code, got.stderr).toBe(0);
    expect(fs.readFileSync(path.join(work, 'go.back')).equals(fromGo)).toBe(true);
    // Written by the lab's client (CRC32C), read by the Go client: get, head and tail.
    const fromLab = crypto.randomBytes(1024 * 1024 + 777);
    fs.writeFileSync(path.join(work, 'lab.bin'), fromLab);
    const put = lab('fs', '-put', path.join(work, 'lab.bin'), '/user/alice/lab.bin');
    expect(put.code, put.stderr).toBe(0);
    ok('get', '/user/alice/lab.bin', path.join(work, 'lab.back'));
    expect(fs.readFileSync(path.join(work, 'lab.back')).equals(fromLab)).toBe(true);
    const head = spawnSync(hdfsBinary, ['head', '-c', '100', '/user/alice/lab.bin'], {
      env,
      timeout: 30_000,
    });
    expect(head.stdout.equals(fromLab.subarray(0, 100))).toBe(true);
    const tail = spawnSync(hdfsBinary, ['tail', '-c', '100', '/user/alice/lab.bin'], {
      env,
      timeout: 30_000,
    });
    expect(tail.stdout.equals(fromLab.subarray(fromLab.length - 100))).toBe(true);
    // Both clients compute HDFS's MD5-of-MD5-of-CRC from the DataNodes' BLOCK_CHECKSUM answers:
    // the Go client prints the MD5; FileChecksum's bytes end with it.
    for (const file of ['/user/alice/go.bin', '/user/alice/lab.bin']) {
      const md5 = ok('checksum', file).split(' ')[0] as string;
      expect(md5).toMatch(/^[0-9a-f]{32}$/);
      const ours = lab('fs', '-checksum', file);
      expect(ours.code, ours.stderr).toBe(0);
      expect(ours.stdout.trim().endsWith(md5)).toBe(true);
    }
  });

  it('truncates with hdfs truncate on a block boundary and inside a block; reads give the first bytes', async () => {
    const content = crypto.randomBytes(2 * 1024 * 1024 + 300_000);
    fs.writeFileSync(path.join(work, 't.bin'), content);
    ok('put', path.join(work, 't.bin'), '/user/alice/t.bin');
    // On a block boundary the NameNode cuts at once (the last block goes, no recovery).
    ok('truncate', String(1024 * 1024), '/user/alice/t.bin');
    expect(bytesOf('cat', '/user/alice/t.bin').equals(content.subarray(0, 1024 * 1024))).toBe(true);
    // Inside a block: block recovery cuts the replica; the file reads back as its first 1000 bytes
    // and its checksum is that of a file written with those bytes only (the .meta was cut too).
    ok('truncate', '1000', '/user/alice/t.bin');
    await closed('/user/alice/t.bin');
    expect(bytesOf('cat', '/user/alice/t.bin').equals(content.subarray(0, 1000))).toBe(true);
    fs.writeFileSync(path.join(work, 'first1000.bin'), content.subarray(0, 1000));
    ok('put', path.join(work, 'first1000.bin'), '/user/alice/first1000.bin');
    expect(ok('checksum', '/user/alice/t.bin').split(' ')[0]).toBe(
      ok('checksum', '/user/alice/first1000.bin').split(' ')[0],
    );
    const larger = hdfs('truncate', '5000', '/user/alice/t.bin');
    expect(larger.code).not.toBe(0);
    // HadoopIllegalArgumentException, which the Go client reads as os.ErrInvalid.
    expect(larger.stderr).toBe('truncate /user/alice/t.bin: invalid argument\n');
    // lab fs -truncate prints FsShell's Truncate lines; with -w it waits for the new length
    // (Truncate.waitForRecovery) before saying it is done.
    const cut = lab('fs', '-truncate', '600', '/user/alice/t.bin');
    expect([cut.code, cut.stdout]).toEqual([
      0,
      'Truncating /user/alice/t.bin to length: 600. Wait for block recovery to complete before further updating this file.\n',
    ]);
    await closed('/user/alice/t.bin');
    const waited = lab('fs', '-truncate', '-w', '100', '/user/alice/t.bin');
    expect([waited.code, waited.stdout]).toEqual([
      0,
      'Waiting for /user/alice/t.bin ...\nTruncated /user/alice/t.bin to length: 100\n',
    ]);
    await closed('/user/alice/t.bin');
    ok('truncate', '0', '/user/alice/t.bin');
    expect(ok('ls', '-l', '/user/alice/t.bin')).toMatch(/^-rw-r--r-- +alice +supergroup +0 /);
  });

  it('merges the files of a directory into one local file with getmerge', () => {
    ok('mkdir', '/user/alice/parts');
    fs.writeFileSync(path.join(work, 'p1.txt'), 'one\n');
    fs.writeFileSync(path.join(work, 'p2.txt'), 'two\n');
    ok('put', path.join(work, 'p1.txt'), '/user/alice/parts/p1.txt');
    ok('put', path.join(work, 'p2.txt'), '/user/alice/parts/p2.txt');
    ok('getmerge', '/user/alice/parts', path.join(work, 'merged.txt'));
    expect(fs.readFileSync(path.join(work, 'merged.txt'), 'utf8')).toBe('one\ntwo\n');
  });

  it('reads a deleted file through .snapshot/NAME, is refused a change there, and meets a name quota as against HDFS', async () => {
    // The superuser allows the snapshot and sets the quota, as an admin would (dfsadmin).
    ok('mkdir', '-p', '/user/alice/snap', '/user/alice/q');
    fs.writeFileSync(path.join(work, 'kept.txt'), 'kept by s1\n');
    ok('put', path.join(work, 'kept.txt'), '/user/alice/snap/kept.txt');
    await withNamenode(requireDescription(home), async (nn) => {
      await nn.call('allowSnapshot', { snapshotRoot: '/user/alice/snap' });
      await nn.call('createSnapshot', { snapshotRoot: '/user/alice/snap', snapshotName: 's1' });
      // Long.MAX leaves the space quota as it is (ClientProtocol.setQuota); /user/alice/q counts itself.
      await nn.call('setQuota', { src: '/user/alice/q', nsQuota: '1', ssQuota: '9223372036854775807' });
    });
    ok('rm', '/user/alice/snap/kept.txt');
    expect(ok('ls', '/user/alice/snap/.snapshot')).toBe('s1\n');
    expect(ok('cat', '/user/alice/snap/.snapshot/s1/kept.txt')).toBe('kept by s1\n');
    // colinmarc/hdfs's NamenodeError.Error: "<method> call failed with <code> (<exception>)".
    const readOnly = hdfs('rm', '/user/alice/snap/.snapshot/s1/kept.txt');
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toBe(
      'remove /user/alice/snap/.snapshot/s1/kept.txt: delete call failed with ERROR_APPLICATION ' +
        '(org.apache.hadoop.hdfs.protocol.SnapshotAccessControlException)\n',
    );
    const overQuota = hdfs('touch', '/user/alice/q/one');
    expect(overQuota.code).toBe(1);
    expect(overQuota.stderr).toBe(
      'create /user/alice/q/one: create call failed with ERROR_APPLICATION ' +
        '(org.apache.hadoop.hdfs.protocol.NSQuotaExceededException)\n',
    );
  });

  it('reports the file system with df -h and removes a tree with rm -r', () => {
    const df = ok('df', '-h').split('\n');
    expect(df[0]).toMatch(/^ *Filesystem +Size +Used +Available +Use%$/);
    expect(df[1]).toMatch(/^127\.0\.0\.1:\d+ +\d+(\.\d)?[KMGT] +\d+(\.\d)?[BKMGT]? +\d+(\.\d)?[KMGT] +\d+%$/);
    ok('rm', '-r', '/user/alice/a/b');
    expect(ok('ls', '/user/alice/a')).toBe('g.txt\nin.bin\n');
    const refused = hdfs('rm', '/user/alice/a/nope');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/nope: file does not exist/);
  });
});
