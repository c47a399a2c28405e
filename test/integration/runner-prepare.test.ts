/**
 * `lab exercise` on a real cluster, up to the questions: a small pack written by the test, an
 * empty lab home; the runner starts the pack's cluster with the student's seed, replays the setup of
 * the exercise before the one asked for and then its own, and `lab check` passes the right answers
 * and fails a wrong one with where to look. Asking again replays nothing. Processes run from dist/
 * (skipped until BUILT), with ephemeral ports; the cluster is stopped at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDescription } from '../../cluster/home/home.js';
import { stopNodes } from '../../cluster/launcher/launcher.js';
import { systemClock } from '../../lab/answers/judge.js';
import { liveProbes } from '../../lab/checks/registry.js';
import { loadPack } from '../../lab/pack/load.js';
import type { Prompter } from '../../lab/runner/prompts.js';
import { checkSaved } from '../../lab/runner/check.js';
import { startOptionsFor } from '../../lab/runner/cluster.js';
import { prepareCluster } from '../../lab/runner/prepare.js';
import { PLAIN } from '../../lab/runner/render.js';
import { emptyProgress } from '../../lab/runner/progress.js';
import { ScenarioRunner } from '../../lab/scenario/runner.js';
import { BUILT } from './requirements.js';

const PACK = {
  'pack.yaml': `id: mini
title: Mini
version: 1.0.0
cluster: { datanodes: 3, racks: 2, blockSize: 1m, replication: 2 }
exercises: [first, second]
`,
  'first/exercise.yaml': `id: first
title: First
setup:
  - start: {}
  - mkdir: { path: /d }
  - put: { path: /d/a.bin, size: 2500000 }
questions:
  - { id: blocks, type: number, prompt: Blocks?, expect: { probe: file.blockCount, args: { path: /d/a.bin } } }
`,
  'second/exercise.yaml': `id: second
title: Second
setup:
  - start: {}
  - put: { path: /d/b.bin, size: 1m, replication: 1 }
  - wait-for: { condition: replicated, target: /d/a.bin, deadline: 20s }
questions:
  - id: last
    type: number
    unit: bytes
    prompt: Last block of a.bin?
    expect: { probe: file.blocks, args: { path: /d/a.bin }, select: -1.numBytes }
  - id: replicas
    type: number
    prompt: Replicas of b.bin?
    expect: { probe: file.info, args: { path: /d/b.bin }, select: replication }
`,
};

/** Nothing should be asked on an empty home: a prompt fails the test. */
const noPrompts = new Proxy({} as Prompter, {
  get: () => () => Promise.reject(new Error('the runner asked a question on an empty lab home')),
});

describe.skipIf(!BUILT)('lab exercise prepares the cluster on a real one', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-prepare-'));
  const home = path.join(root, 'home');
  const packDir = path.join(root, 'pack');
  for (const [file, text] of Object.entries(PACK)) {
    fs.mkdirSync(path.dirname(path.join(packDir, file)), { recursive: true });
    fs.writeFileSync(path.join(packDir, file), text);
  }

  afterAll(async () => {
    await stopNodes(home);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("starts the pack's cluster, replays the setups before the exercise, and the checks read it", async () => {
    const loaded = loadPack(packDir);
    expect(loaded.diagnostics).toEqual([]);
    const pack = loaded.pack!;
    const second = pack.exercises[1]!;
    const printed: string[] = [];
    const preparation = {
      home,
      pack,
      packDir,
      exercise: second,
      seed: 'student-1',
      ephemeralPorts: true,
      io: { prompter: noPrompts, print: (t: string) => printed.push(t), style: PLAIN },
      stepsFor: (_e: unknown, variant: Parameters<typeof startOptionsFor>[0]) =>
        new ScenarioRunner({
          ephemeralPorts: true,
          clusterDefaults: startOptionsFor(variant, { home, packDir, ephemeralPorts: true }),
        }),
    };
    expect(await prepareCluster(preparation)).toEqual({ ok: true });
    const description = readDescription(home)!;
    expect(description.seed).toBe('student-1');
    expect(description.datanodes).toHaveLength(3);
    const text = printed.join('\n');
    expect(text).toContain('the setup of first (the exercises before this one), then of second');
    expect(text).toContain('put /d/a.bin size=2500000');
    expect(text).toContain('put /d/b.bin size=1m replication=1');

    const env = { probes: liveProbes(home), clock: systemClock, deadlineMsDefault: 10_000 };
    const right = await checkSaved({
      pack,
      exercise: second,
      answers: { last: '402848', replicas: '1' },
      progress: emptyProgress(),
      env,
    });
    expect(right.results.map((r) => r.status)).toEqual(['pass', 'pass']);
    const wrong = await checkSaved({
      pack,
      exercise: second,
      answers: { last: '1m', replicas: '1' },
      progress: emptyProgress(),
      env,
    });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.results[0]!.message).toContain('expected 402848 (393.41 KB), found 1048576 (1 MB)');
    expect(wrong.results[0]!.lookAt).toBe('lab fsck /d/a.bin -files -blocks');

    // Again: the cluster is the pack's and has had both setups; nothing is replayed.
    printed.length = 0;
    expect(await prepareCluster(preparation)).toEqual({ ok: true });
    expect(printed.join('\n')).not.toContain('setup of');
  });
});
