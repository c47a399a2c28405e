/**
 * The `lab` command as a user runs it, against a real cluster in its own LAB_HOME with ephemeral
 * ports: Hadoop-shaped output, clear errors with non-zero exit codes for bad input, and a stop
 * that leaves no process behind.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_BIN, type LabOutcome } from '../integration/lab-process.js';
import { BUILT } from '../integration/requirements.js';

describe.skipIf(!BUILT)('lab CLI on a real cluster', () => {
  let home: string;
  let work: string;
  const lab = (...args: string[]): LabOutcome => {
    const r = spawnSync(process.execPath, [LAB_BIN, ...args], {
      env: { ...process.env, LAB_HOME: home, LAB_PORTS: 'ephemeral', CI: 'true' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const pids = (): number[] =>
    fs.existsSync(path.join(home, 'pids'))
      ? fs
          .readdirSync(path.join(home, 'pids'))
          .map((f) => Number(fs.readFileSync(path.join(home, 'pids', f), 'utf8')))
      : [];

  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-cli-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-cli-work-'));
    const started = lab(
      'start',
      '--detach',
      '--datanodes',
      '4',
      '--racks',
      '2',
      '--block-size',
      '1m',
      '--seed',
      'cli',
    );
    expect(started.code, started.stderr).toBe(0);
  });

  afterAll(() => {
    lab('stop');
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('puts and gets a multi-block file byte for byte, and lists it like hdfs dfs -ls', () => {
    const local = path.join(work, 'a.bin');
    fs.writeFileSync(local, crypto.randomBytes(2_500_000));
    expect(lab('fs', '-mkdir', '-p', '/data').code).toBe(0);
    const put = lab('fs', '-put', local, '/data/a.bin');
    expect(put.code, put.stderr).toBe(0);
    const ls = lab('fs', '-ls', '/data');
    expect(ls.stdout).toMatch(
      /^Found 1 items\n-rw-r--r-- {3}3 \S+ supergroup {4}2500000 \d{4}-\d\d-\d\d \d\d:\d\d \/data\/a\.bin\n$/,
    );
    const back = path.join(work, 'b.bin');
    expect(lab('fs', '-get', '/data/a.bin', back).code).toBe(0);
    expect(fs.readFileSync(back).equals(fs.readFileSync(local))).toBe(true);
    const stat = lab('fs', '-stat', '%b %o %r %n', '/data/a.bin');
    expect(stat.stdout).toBe('2500000 1048576 3 a.bin\n');
  });

  it('puts the first replica on the client DataNode when the client runs on one (--on)', () => {
    const local = path.join(work, 'local.bin');
    fs.writeFileSync(local, crypto.randomBytes(3_100_000));
    expect(lab('--on', 'dn3', 'fs', '-put', local, '/local.bin').code).toBe(0);
    // Every block's pipeline starts at the writer's own DataNode.
    const writes = lab('traffic', '--json', '--node', 'client', '--op', 'writeBlock')
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { src: string; dst: string; srcAddr: string })
      .filter((f) => f.src === 'client');
    const fromDn3Host = writes.filter((f) => f.srcAddr.startsWith('127.0.2.3:'));
    expect(fromDn3Host.length).toBe(3); // 3.1 MB in 1 MiB blocks: 3 blocks
    expect(fromDn3Host.every((f) => f.dst === 'dn3')).toBe(true);
  });

  it('answers bad input with a clear error and a non-zero exit code', () => {
    const missingLocal = lab('fs', '-put', path.join(work, 'nope.txt'), '/x');
    expect(missingLocal.code).not.toBe(0);
    expect(missingLocal.stderr).toMatch(/put: `.*nope\.txt': No such file or directory/);

    const exists = lab('fs', '-put', path.join(work, 'a.bin'), '/data/a.bin');
    expect(exists.code).not.toBe(0);
    expect(exists.stderr).toMatch(/File exists/);

    const dotdot = lab('fs', '-mkdir', '/data/../etc');
    expect(dotdot.code).not.toBe(0);
    expect(dotdot.stderr).toMatch(/Invalid path name/);

    const missing = lab('fs', '-ls', '/nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("ls: `/nope': No such file or directory\n");

    const badFlag = lab('fs', '-ls', '-Z', '/');
    expect(badFlag.code).not.toBe(0);
    expect(badFlag.stderr).toMatch(/Illegal option -Z/);

    const unknownKey = lab('getconf', '-confKey', 'no.such.key');
    expect(unknownKey.code).toBe(255);
    expect(unknownKey.stderr).toBe('Configuration no.such.key is missing.\n');

    const badStart = lab('start', '--datanodes', 'many');
    expect(badStart.code).not.toBe(0);
    expect(badStart.stderr).not.toMatch(/bug in hdfs-lab/);
  });

  it('reports fs.defaultFS as the NameNode address it bound', () => {
    const status = JSON.parse(lab('status', '--json').stdout) as {
      processes?: { id: string; address?: string }[];
    };
    const fsDefault = lab('getconf', '-confKey', 'fs.defaultFS').stdout.trim();
    expect(fsDefault).toMatch(/^hdfs:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.stringify(status)).toContain(fsDefault.replace('hdfs://', ''));
  });

  it('stops every process and leaves none behind', () => {
    const before = pids();
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(lab('stop').code).toBe(0);
    for (const pid of before) {
      let alive: boolean;
      try {
        process.kill(pid, 0);
        alive = !fs.readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ');
      } catch {
        alive = false;
      }
      expect(alive, `pid ${pid} still running`).toBe(false);
    }
  });
});
