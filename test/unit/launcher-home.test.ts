import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { homePaths } from '../../cluster/home/description.js';
import {
  cleanStalePids,
  ensureLayout,
  inspectHome,
  isDaemonAlive,
  readPidFiles,
  resolveHome,
  runningClusterMessage,
  writePid,
} from '../../cluster/home/home.js';

const homes: string[] = [];
function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-home-'));
  homes.push(home);
  ensureLayout(home);
  return home;
}
afterEach(() => {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
});

describe('resolveHome', () => {
  it('prefers --home, then LAB_HOME, then ~/.hdfs-lab', () => {
    expect(resolveHome({ home: '/a', env: { LAB_HOME: '/b' } })).toBe('/a');
    expect(resolveHome({ env: { LAB_HOME: '/b' } })).toBe('/b');
    expect(resolveHome({ env: {} })).toBe(path.join(os.homedir(), '.hdfs-lab'));
  });
});

describe('home detection', () => {
  it('cleans a stale pid file left by a crash, says so, and keeps the data', () => {
    const home = tempHome();
    fs.mkdirSync(homePaths(home).dataDir('dn1'), { recursive: true });
    // A pid far above any real one: nothing runs there.
    writePid(home, 'dn1', 4_000_000);
    const messages = cleanStalePids(home);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('dn1 (pid 4000000)');
    expect(messages[0]).toContain('crash');
    expect(readPidFiles(home)).toEqual([]);
    expect(fs.existsSync(homePaths(home).dataDir('dn1'))).toBe(true);
  });

  it('does not take a live process that is not a lab daemon for a running cluster (pid reuse)', () => {
    const home = tempHome();
    writePid(home, 'nn', process.pid);
    expect(isDaemonAlive(process.pid)).toBe(process.platform !== 'linux');
    if (process.platform === 'linux')
      expect(inspectHome(home).stale).toEqual([{ id: 'nn', pid: process.pid }]);
  });

  it.runIf(process.platform === 'linux')(
    'recognises a live process running cluster/runtime/main.js',
    async () => {
      const home = tempHome();
      const fixture = path.join(home, 'cluster', 'runtime', 'main.js');
      fs.mkdirSync(path.dirname(fixture), { recursive: true });
      fs.writeFileSync(fixture, 'setInterval(() => {}, 1000);\n');
      const child = spawn(process.execPath, [fixture], { stdio: 'ignore' });
      try {
        writePid(home, 'nn', child.pid as number);
        const { running } = inspectHome(home);
        expect(running).toEqual([{ id: 'nn', pid: child.pid }]);
        const message = runningClusterMessage(home, running) as string;
        expect(message).toContain(home);
        expect(message).toContain(`nn pid ${child.pid}`);
        expect(message).toContain('lab stop');
        expect(message).toContain('--home');
      } finally {
        child.kill('SIGKILL');
      }
    },
  );

  it('has nothing to say about a home with nothing running', () => {
    expect(runningClusterMessage(tempHome(), [])).toBeNull();
  });
});
