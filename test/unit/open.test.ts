/**
 * `lab open`: which URL each daemon's page has (the NameNode's published HTTP address, a
 * DataNode's and the Secondary's HTTP ports from cluster.json), how $BROWSER is read (xdg-open's
 * and Python webbrowser's convention: `:`-separated entries, `%s` for the URL), and that a browser
 * is started when one is configured and never makes the command fail when it cannot start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { writeDescription } from '../../cluster/home/home.js';
import { namenodeHttpAddressFile } from '../../cluster/home/http-address.js';
import { browserCommand, pageUrl } from '../../lab/commands/open.js';
import { waitFor } from '../integration/wait-for.js';
import { captureOutput, labInProcess, type CapturedOutput } from './lab-in-process.js';
import { describedCluster } from './cluster-description.js';

const description: ClusterDescription = describedCluster(
  [
    { id: 'dn1', host: '127.0.1.1', port: 9866, httpPort: 9864, rack: '/rack1' },
    { id: 'dn2', host: '127.0.1.2', port: 9866, httpPort: 9864, rack: '/rack1' },
  ],
  { seed: '7' },
);

describe('lab open: the page of each daemon', () => {
  it('names the NameNode by default, a DataNode as `dn 2` or `dn2`, the Secondary as snn', () => {
    const url = (...words: string[]) => pageUrl(description, '127.0.0.1:9870', words).url;
    expect(url()).toBe('http://127.0.0.1:9870/');
    expect(url('nn')).toBe('http://127.0.0.1:9870/');
    expect(url('dn', '2')).toBe('http://127.0.1.2:9864/');
    expect(url('dn1')).toBe('http://127.0.1.1:9864/');
    expect(url('snn')).toBe('http://127.0.0.2:9868/');
    // The learning pages, while `lab web` serves them (lab-web.address names a live pid).
    expect(pageUrl(description, '127.0.0.1:9870', ['web'], '127.0.0.1:40121').url).toBe(
      'http://127.0.0.1:40121/lab/',
    );
    expect(() => pageUrl(description, '127.0.0.1:9870', ['web'])).toThrow(/run `lab web`/);
  });

  it('says what it knows when the page does not exist or the NameNode has not started', () => {
    expect(() => pageUrl(description, '127.0.0.1:9870', ['dn', '7'])).toThrow(
      'lab open: no such page: dn 7 (nn, snn, web, or a DataNode: dn1, dn2)',
    );
    expect(() => pageUrl(description, '127.0.0.1:9870', ['nn', 'x', 'y'])).toThrow(/too many arguments/);
    expect(() => pageUrl(description, undefined, [])).toThrow(/is the cluster running\?/);
    expect(() => pageUrl({ ...description, secondary: null }, undefined, ['snn'])).toThrow(
      'lab open snn: this cluster has no Secondary NameNode.',
    );
  });

  it('reads $BROWSER as xdg-open does: the first entry, %s or the URL appended', () => {
    const url = 'http://127.0.0.1:9870/';
    expect(browserCommand(undefined, url)).toBeUndefined();
    expect(browserCommand('', url)).toBeUndefined();
    expect(browserCommand('firefox', url)).toEqual(['firefox', url]);
    expect(browserCommand('chromium --new-window:firefox', url)).toEqual(['chromium', '--new-window', url]);
    expect(browserCommand('open -a Safari %s', url)).toEqual(['open', '-a', 'Safari', url]);
  });
});

describe('lab open on a lab home', () => {
  let home = '';
  const saved = process.env.BROWSER;
  let output: CapturedOutput = { stdout: [], stderr: [] };

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-open-'));
    writeDescription(home, description);
    fs.writeFileSync(namenodeHttpAddressFile(home), '127.0.0.1:9870\n');
    output = captureOutput();
  });

  afterEach(() => {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env.BROWSER;
    else process.env.BROWSER = saved;
    fs.rmSync(home, { recursive: true, force: true });
  });

  const run = (...args: string[]): Promise<number> => labInProcess(home, 'open', ...args);

  it('prints only the URL when no browser is configured', async () => {
    delete process.env.BROWSER;
    expect(await run('dn', '1')).toBe(0);
    expect(output.stdout.join('')).toBe('http://127.0.1.1:9864/\n');
  });

  it('starts $BROWSER with the URL', async () => {
    const seen = path.join(home, 'seen.txt');
    const script = path.join(home, 'browser.sh');
    // Written aside and renamed, so the test never reads a half-written file.
    fs.writeFileSync(script, `#!/bin/sh\necho "$@" > ${seen}.tmp && mv ${seen}.tmp ${seen}\n`, {
      mode: 0o755,
    });
    process.env.BROWSER = `${script} --flag %s`;
    expect(await run()).toBe(0);
    expect(output.stdout.join('')).toBe('http://127.0.0.1:9870/\n');
    expect(
      await waitFor('the browser to run', () =>
        fs.existsSync(seen) ? fs.readFileSync(seen, 'utf8') : undefined,
      ),
    ).toBe('--flag http://127.0.0.1:9870/\n');
  });

  it('still succeeds when $BROWSER cannot start (a headless machine)', async () => {
    process.env.BROWSER = path.join(home, 'no-such-browser');
    expect(await run('snn')).toBe(0);
    expect(output.stdout.join('')).toBe('http://127.0.0.2:9868/\n');
    await waitFor('the note on stderr', () =>
      output.stderr.join('').includes('could not start $BROWSER') ? true : undefined,
    );
  });
});
