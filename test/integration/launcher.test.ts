/**
 * Boots a real cluster through the built CLI (bin/lab.js → dist/), in its own LAB_HOME with
 * ephemeral ports so it can run beside another cluster. Skipped until the daemons are built.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT } from './requirements.js';
import { runLab as lab } from './lab-process.js';

/** Gone, or a zombie waiting for a parent that does not reap (PID 1 in some containers). */
function processGone(pid: number): boolean {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

interface StatusJson {
  processes: { id: string; pid: number | null; alive: boolean; state: string; rack: string | null }[];
}

describe.skipIf(!BUILT)('lab start / status / stop', () => {
  let home = '';
  let pids: number[] = [];

  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-launcher-it-'));
  });

  afterAll(async () => {
    await lab(home, 'stop');
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('starts every process and reports it alive and registered', async () => {
    const started = await lab(
      home,
      'start',
      '--detach',
      '--datanodes',
      '3',
      '--racks',
      '2',
      '--block-size',
      '1m',
    );
    expect(started.stderr + started.stdout).toContain('cluster up with 3 DataNode(s)');
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('lab stop');
    // The web UI's URL is printed, and it answers with the NameNode's page (dfshealth's Overview).
    const ui = /^ {2}web UI +(http:\/\/\S+\/) +\(WebHDFS: \/webhdfs\/v1\)$/m.exec(started.stdout)?.[1];
    expect(ui, started.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(ui ?? '');
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await page.text()).toContain('Overview');

    const status = await lab(home, 'status', '--json');
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as StatusJson;
    expect(parsed.processes.map((p) => p.id)).toEqual(['nn', 'snn', 'dn1', 'dn2', 'dn3']);
    for (const p of parsed.processes) expect(p.alive, `${p.id} alive`).toBe(true);
    for (const p of parsed.processes.filter((p) => p.id.startsWith('dn'))) expect(p.state).toBe('live');
    expect(parsed.processes.filter((p) => p.rack !== null).map((p) => p.rack)).toEqual([
      '/rack1',
      '/rack1',
      '/rack2',
    ]);
    pids = parsed.processes.map((p) => p.pid as number);

    const getconf = await lab(home, 'getconf', '-confKey', 'dfs.blocksize');
    expect(getconf.stdout.trim()).toBe('1m');
  });

  it('refuses a second start on the running home, naming it and the running pids', async () => {
    const second = await lab(home, 'start', '--detach');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already running in ${home}`);
    expect(second.stderr).toContain(`pid ${pids[0]}`);
    expect(second.stderr).toContain('lab stop');
  });

  it('stops every process and leaves none behind', async () => {
    const stopped = await lab(home, 'stop');
    expect(stopped.code).toBe(0);
    for (const pid of pids) expect(processGone(pid), `pid ${pid} gone`).toBe(true);
    expect(fs.readdirSync(path.join(home, 'pids'))).toEqual([]);
  });
});
