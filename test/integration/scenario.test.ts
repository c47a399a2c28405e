/**
 * `lab run` end to end: test/fixtures/scenarios/all-steps.yaml uses every step on a real cluster
 * (its own LAB_HOME, ephemeral ports) and must pass; then a failing expectation must fail the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT } from './requirements.js';
import { stopNodes } from '../../cluster/launcher/launcher.js';
import { isDaemonAlive } from '../../cluster/home/home.js';
import { runScenario } from '../../lab/scenario/runner.js';
import { loadScenario, parseScenario } from '../../lab/scenario/scenario-file.js';
import { STEP_NAMES } from '../../lab/scenario/steps.js';

const repo = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(repo, 'test/fixtures/scenarios');

describe.skipIf(!BUILT)('lab run on a real cluster', () => {
  const homes: string[] = [];
  const tempHome = (): string => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-scenario-'));
    homes.push(home);
    return home;
  };

  afterAll(async () => {
    for (const home of homes) {
      await stopNodes(home).catch(() => []);
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('runs a scenario that uses every step', { timeout: 120_000 }, async () => {
    const scenario = loadScenario(path.join(fixtures, 'all-steps.yaml'));
    const used = new Set(scenario.steps.map((s) => Object.keys(s)[0]));
    expect(STEP_NAMES.filter((name) => !used.has(name))).toEqual([]);
    const home = tempHome();
    const lines: string[] = [];
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-scenario-out-'));
    fs.cpSync(fixtures, outDir, { recursive: true });
    const report = await runScenario(
      scenario.steps,
      { home, seed: scenario.seed ?? '1', log: (line) => lines.push(line) },
      { baseDir: outDir, scratchDir: outDir, ephemeralPorts: true },
    );
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(fs.readFileSync(path.join(outDir, 'out/hello-copy.txt'), 'utf8')).toBe(
      fs.readFileSync(path.join(fixtures, 'hello.txt'), 'utf8'),
    );
    expect(lines.find((l) => l.includes('corrupt /data/lines.txt'))).toBeDefined();
    // The exclude step: dn4's ip:xferPort alone in the exclude file, then dfsadmin -refreshNodes's answer.
    expect(lines.some((l) => /exclude lists 127\.[\d.]+:\d+; Refresh nodes successful/.test(l))).toBe(true);
    // The maintenance step: dn4's IN_MAINTENANCE entry alone in the combined hosts file, then none.
    expect(lines.some((l) => /hosts\.json lists dn4 IN_MAINTENANCE; Refresh nodes successful/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => /hosts\.json lists no DataNode; Refresh nodes successful/.test(l))).toBe(true);
    expect(lines.some((l) => /Corrupted blk_\d+_\d+ .* on dn1: wrote BADBAD at offset \d+/.test(l))).toBe(
      true,
    );
    // The hold-lease step's writer holds /data/held.log open until the scenario's `stop: {}` ends it.
    const held = lines.map((l) => /pid (\d+) holds the lease on \/data\/held\.log/.exec(l)).find(Boolean);
    expect(held, lines.join('\n')).toBeDefined();
    expect(fs.existsSync(path.join(home, 'pids', 'writer.pid'))).toBe(false);
    // Gone, or a zombie this test process has not reaped yet (isDaemonAlive reads /proc's state).
    expect(isDaemonAlive(Number(held?.[1]))).toBe(false);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('stops at a failed expectation and says what it found', { timeout: 60_000 }, async () => {
    const home = tempHome();
    const scenario = parseScenario(
      [
        'steps:',
        '  - start: { datanodes: 1, blockSize: 1m, replication: 1 }',
        '  - put: { path: /a.bin, size: 1k }',
        '  - expect: { probe: file.info, args: { path: /a.bin }, select: length, equals: 2048 }',
        '  - mkdir: { path: /never }',
      ].join('\n'),
      'inline.yaml',
    );
    const lines: string[] = [];
    const report = await runScenario(
      scenario.steps,
      { home, seed: '3', log: (line) => lines.push(line) },
      { ephemeralPorts: true },
    );
    expect(report.ok).toBe(false);
    expect(report.steps).toHaveLength(3);
    expect(report.steps[2]?.outcome).toMatchObject({ status: 'failed' });
    expect(lines.join('\n')).toMatch(/FAILED: expected file.info length = 2048, found 1024/);
  });
});
