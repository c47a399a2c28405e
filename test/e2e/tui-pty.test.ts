/**
 * The real `lab tui` in a pseudo-terminal against a real cluster: boots a cluster (own LAB_HOME,
 * ephemeral ports), opens the dashboard through bin/lab.js in a pty, reads the pty's output
 * through a headless terminal, and drives it with keys: put a sample file, kill a DataNode and
 * watch the NameNode declare it dead, resize, quit leaving the cluster running. Stops what it
 * started. Runs in `npm run test:long` (LAB_LONG=1, which .ci/run runs after `npm test`; the
 * dashboard's views are covered in npm test by tui.test.ts and tui-headless.test.ts); skipped until
 * the daemons are built (dist/).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../integration/wait-for.js';
import { BUILT } from '../integration/requirements.js';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'bin/lab.js');
/** The lab's default dead interval is 14 s; kill-to-dead takes up to that plus a recheck. */
const DEAD_WAIT_MS = 40_000;

describe.skipIf(!BUILT || process.env.LAB_LONG !== '1')('lab tui in a pty', () => {
  let home: string;
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    LAB_HOME: home,
    LAB_PORTS: 'ephemeral',
    TERM: 'xterm-256color',
  });

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-pty-'));
    await run(
      process.execPath,
      [
        bin,
        'start',
        '--detach',
        '--datanodes',
        '3',
        '--racks',
        '2',
        '--block-size',
        '1m',
        '--replication',
        '2',
      ],
      {
        cwd: repo,
        env: env(),
        timeout: 60_000,
      },
    );
  }, 90_000);

  afterAll(async () => {
    if (!home) return;
    await run(process.execPath, [bin, 'stop'], { cwd: repo, env: env(), timeout: 60_000 }).catch(
      () => undefined,
    );
    fs.rmSync(home, { recursive: true, force: true });
  }, 90_000);

  it('shows the cluster, puts a file, sees a killed DataNode die, resizes and quits leaving the cluster up', async () => {
    const term = new xterm.Terminal({ cols: 100, rows: 30, allowProposedApi: true });
    const child = pty.spawn(process.execPath, [bin, 'tui'], {
      name: 'xterm-256color',
      cols: 100,
      rows: 30,
      cwd: repo,
      env: env(),
    });
    child.onData((data) => term.write(data));
    let exitCode: number | null = null;
    child.onExit(({ exitCode: code }) => (exitCode = code));
    const screen = async (): Promise<string> => {
      await new Promise<void>((resolve) => term.write('', resolve));
      const lines: string[] = [];
      for (let i = 0; i < term.rows; i++)
        lines.push(term.buffer.active.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    };
    const untilScreen = (what: string, test: (s: string) => boolean, deadlineMs = 20_000): Promise<string> =>
      waitFor(
        what,
        async () => {
          const s = await screen();
          return test(s) ? s : undefined;
        },
        {
          deadlineMs,
          lastSeen: () => screen(),
          stopIf: () => (exitCode === null ? undefined : `lab tui exited with ${exitCode}`),
        },
      );
    try {
      let s = await untilScreen(
        'the panes and three live DataNodes',
        (x) => x.includes('safemode OFF') && (x.match(/dn\d +live/g) ?? []).length === 3,
      );
      expect(s).toContain('safemode OFF');
      expect(s).toContain('traffic');

      child.write('u');
      s = await untilScreen(
        'the sample file in the namespace tree',
        (x) => /│ +samples\/ /.test(x) && /│ +sample-\d+-1\.txt/.test(x),
        30_000,
      );
      child.write('f');
      child.write('create\r');
      s = await untilScreen("the put's create in the filtered traffic", (x) =>
        x.includes('client->nn create src=/samples'),
      );
      expect(s).toContain('filter: create');
      child.write('f');
      child.write('\x7f'.repeat(6) + '\r'); // clear the filter

      child.write('\x1b[B\x1b[B\x1b[B'); // ↓ ↓ ↓: nn → snn → dn1 → dn2
      child.write('k');
      await untilScreen('the kill to be done', (x) => x.includes('dn2: killed'));
      s = await untilScreen('dn2 to be declared dead', (x) => /dn2 +dead/.test(x), DEAD_WAIT_MS);
      expect(s).toMatch(/dn1 +live/);

      child.resize(120, 36);
      term.resize(120, 36);
      s = await untilScreen('the 120×36 layout', (x) => (x.split('\n')[35] ?? '').includes('dn2: killed'));
      expect(s.split('\n')[0]!.trimEnd().length).toBeGreaterThan(100);

      child.write('q');
      await untilScreen('the quit question', (x) => x.includes('l = leave it running'));
      child.write('l');
      expect(await waitFor('lab tui to exit', () => exitCode ?? undefined, 10_000)).toBe(0);
      const { stdout } = await run(process.execPath, [bin, 'status'], {
        cwd: repo,
        env: env(),
        timeout: 30_000,
      });
      expect(stdout).toMatch(/nn/);
    } finally {
      if (exitCode === null) child.kill();
    }
  }, 120_000);
});
