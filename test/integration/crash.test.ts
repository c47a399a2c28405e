/**
 * The short NameNode crash test: five SIGKILLs under load, each followed by a restart that must
 * keep every acknowledged mkdirs and complete. `npm run crash-test` runs the long version.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT } from './requirements.js';
import { stopNodes } from '../../cluster/launcher/launcher.js';
import { runCrashTrials } from '../stress/crash-loop.js';

describe.skipIf(!BUILT)('NameNode crash and restart', () => {
  let home = '';

  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-crash-it-'));
  });

  afterAll(async () => {
    await stopNodes(home).catch(() => []);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('loses no acknowledged mutation over 5 kills at random points', async () => {
    const results = await runCrashTrials({
      home,
      trials: 5,
      seed: '20261121',
      killAfterMax: 120,
      start: true,
    });
    expect(results).toHaveLength(5);
    expect(results.every((r) => r.acknowledged >= r.killAfter)).toBe(true);
    expect(results.flatMap((r) => r.missing)).toEqual([]);
    // Each restart finalized the segment the crash left in progress.
    const nnLog = fs.readFileSync(path.join(home, 'logs', 'nn.log'), 'utf8');
    expect(nnLog).toMatch(/finalized in-progress segment edits_inprogress_\d{19} as edits_\d{19}-\d{19}/);
  }, 180_000);
});
