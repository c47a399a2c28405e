/**
 * Setups cut short carry on where they stopped, and `lab reset` starts an exercise's part of the
 * cluster over (lab/runner/setup.ts), against a fake cluster that keeps a namespace and
 * refuses to upload over an existing file, as HDFS does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Exercise, Pack } from '../../lab/pack/pack.js';
import {
  loadSetupRecord,
  replaySetup,
  resetSetup,
  setupFolders,
  type SetupRecord,
} from '../../lab/runner/setup.js';
import { describeStep, type Step, type StepContext, type StepRunner } from '../../lab/scenario/steps.js';

/** A namespace of paths; `put` fails on an existing path; `rm` of a folder removes what is under it. */
class FakeCluster implements StepRunner {
  readonly paths = new Set<string>();
  readonly ran: string[] = [];
  /** Abort this signal when this step starts (Ctrl-C while it runs). */
  interruptAt?: { line: string; controller: AbortController };

  run(
    step: Step,
    _context: StepContext,
  ): Promise<{ status: 'done' } | { status: 'failed'; message: string }> {
    const line = describeStep(step);
    this.ran.push(line);
    if (this.interruptAt?.line === line) this.interruptAt.controller.abort();
    if ('put' in step) {
      if (this.paths.has(step.put.path))
        return Promise.resolve({ status: 'failed', message: `${step.put.path} already exists` });
      this.paths.add(step.put.path);
    } else if ('mkdir' in step) this.paths.add(step.mkdir.path);
    else if ('rm' in step) {
      const gone = [...this.paths].filter((p) => p === step.rm.path || p.startsWith(`${step.rm.path}/`));
      if (gone.length === 0) return Promise.resolve({ status: 'failed', message: 'No such file' });
      for (const p of gone) this.paths.delete(p);
    }
    return Promise.resolve({ status: 'done' });
  }
}

const pack = { id: 'p' } as Pack;
const exercise = {
  id: 'e8',
  setup: [
    { start: {} },
    { mkdir: { path: '/e8', parents: true } },
    { put: { path: '/e8/data.bin', size: '1m' } },
    { put: { path: '/e8/more.bin', size: '1m' } },
  ],
} as unknown as Exercise;

describe('setups cut short and reset', () => {
  let home: string;
  let context: StepContext;
  const record = (): SetupRecord => loadSetupRecord(home, 'CID-1');
  /** The exercise's setup replayed on `cluster` from the record on disk. */
  const replay = (cluster: FakeCluster, signal?: AbortSignal) =>
    replaySetup({
      home,
      pack,
      plan: [exercise],
      record: record(),
      steps: cluster,
      context: signal ? { ...context, signal } : context,
    });
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-setup-'));
    context = { home, seed: 's', log: () => {} };
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('carries on after Ctrl-C between steps instead of failing on what the first run made', async () => {
    const cluster = new FakeCluster();
    const controller = new AbortController();
    cluster.interruptAt = { line: 'put /e8/data.bin size=1m', controller };
    const cut = await replay(cluster, controller.signal);
    expect(cut).toMatchObject({ status: 'failed', message: 'interrupted' });
    expect(record().partial).toEqual({ key: 'p/e8', done: 3, running: false });

    cluster.ran.length = 0;
    const resumed = await replay(cluster);
    expect(resumed).toEqual({ status: 'done', ran: ['e8'] });
    expect(cluster.ran).toEqual(['put /e8/more.bin size=1m']);
    expect(record()).toEqual({ clusterId: 'CID-1', applied: ['p/e8'] });
  });

  it('redoes an upload the process died in, removing what it left', async () => {
    const cluster = new FakeCluster();
    cluster.paths.add('/e8');
    cluster.paths.add('/e8/data.bin'); // half written when the process died
    fs.mkdirSync(path.join(home, 'exercises'), { recursive: true });
    fs.writeFileSync(
      path.join(home, 'exercises', 'setup.json'),
      JSON.stringify({ clusterId: 'CID-1', applied: [], partial: { key: 'p/e8', done: 2, running: true } }),
    );
    const resumed = await replay(cluster);
    expect(resumed.status).toBe('done');
    expect(cluster.ran).toEqual([
      'rm /e8/data.bin',
      'rm /e8/data.bin._COPYING_',
      'put /e8/data.bin size=1m',
      'put /e8/more.bin size=1m',
    ]);
  });

  it('resets the exercise: its folders go, its setup runs again whole', async () => {
    const cluster = new FakeCluster();
    await replay(cluster);
    cluster.paths.add('/e8/students-own.txt');
    cluster.paths.add('/elsewhere.txt');
    expect(setupFolders(exercise)).toEqual(['/e8']);
    cluster.ran.length = 0;
    const reset = await resetSetup({ home, pack, exercise, record: record(), steps: cluster, context });
    expect(reset.status).toBe('done');
    expect(cluster.ran[0]).toBe('rm /e8 recursive=true');
    expect([...cluster.paths].sort()).toEqual(['/e8', '/e8/data.bin', '/e8/more.bin', '/elsewhere.txt']);
    expect(record().applied).toEqual(['p/e8']);
  });
});
