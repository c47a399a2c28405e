/**
 * The small seeded pack that grade.test.ts and grade-seeds.test.ts grade on real clusters: one
 * exercise (an upload of a seeded size at a seeded block size, two questions read off the
 * cluster, a setrep task, a hidden true/false) and its reference solution, written to a temporary
 * folder. Every cluster runs under the fixture's work folder with ephemeral ports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSeededPack, renderWithScope } from '../../lab/pack/seeded.js';
import { stopClustersUnder } from './lab-process.js';

export const PACK_YAML = `id: grade-fixture
title: Grade fixture
version: 1.0.0
cluster:
  datanodes: 3
  racks: 1
  blockSize: { oneOf: [1m, 2m] }
  replication: 2
  conf:
    dfs.heartbeat.interval: 1s
exercises:
  - upload
`;
export const PARAMS_YAML = `file:
  size: { size: { min: 2m, max: 6m, step: 512k } }
  name: { name: { prefix: f-, length: 5 } }
`;
export const EXERCISE_YAML = `id: upload
title: Your upload
setup:
  - start: {}
  - put: { path: /g/{{file.name}}.bin, size: {{file.size}} }
  - wait-for: { condition: replicated, target: /g/{{file.name}}.bin, deadline: 30s }
steps:
  - { text: 'Your file is /g/{{file.name}}.bin, {{file.size | human}} at {{cluster.blockSize | human}} blocks.' }
questions:
  - id: blocks
    type: number
    prompt: How many blocks does /g/{{file.name}}.bin have?
    points: 2
    expect: { probe: file.blockCount, args: { path: /g/{{file.name}}.bin } }
  - id: last
    type: number
    unit: bytes
    prompt: How large is its last block?
    points: 2
    depends: [blocks]
    expect: { probe: file.blocks, args: { path: /g/{{file.name}}.bin }, select: -1.numBytes }
  - id: setrep
    type: task
    prompt: Make /g/{{file.name}}.bin have 3 replicas.
    points: 2
    check: { probe: file.info, args: { path: /g/{{file.name}}.bin }, select: replication, equals: 3 }
  - id: padded
    type: true-false
    prompt: Is the last block padded to the block size?
    hidden: true
    answer: false
`;
export const SOLUTION_YAML = `pack: grade-fixture
answers:
  upload:
    blocks: '{{ ceil(file.size / cluster.blockSize) }}'
    last: '{{ file.size - (ceil(file.size / cluster.blockSize) - 1) * cluster.blockSize | bytes }}'
    setrep: lab fs -setrep -w 3 /g/{{file.name}}.bin
    padded: false
`;

export interface GradeFixture {
  root: string;
  packDir: string;
  solutionsDir: string;
  /** The reference solution as one student (seed) would write it. */
  solutionFor(seed: string): string;
  /** Grading homes left under the work folder (the grader removes each after stopping it). */
  leftRunning(): string[];
  /** Options every grading call takes: ephemeral ports, homes under the work folder. */
  common(): { ephemeralPorts: true; workDir: string };
  /** Stop anything left running and remove the folder. */
  remove(): Promise<void>;
}

export function write(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Write the fixture pack and its solution to a new temporary folder. */
export function makeGradeFixture(): GradeFixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-test-'));
  fs.mkdirSync(path.join(root, 'work'));
  const packDir = path.join(root, 'pack');
  write(path.join(packDir, 'pack.yaml'), PACK_YAML);
  write(path.join(packDir, 'params.yaml'), PARAMS_YAML);
  write(path.join(packDir, 'upload', 'exercise.yaml'), EXERCISE_YAML);
  const solutionsDir = path.join(root, 'solutions');
  write(path.join(solutionsDir, 'answers.yaml'), SOLUTION_YAML);
  const work = path.join(root, 'work');
  return {
    root,
    packDir,
    solutionsDir,
    solutionFor(seed) {
      const seeded = loadSeededPack(packDir, seed);
      return renderWithScope(SOLUTION_YAML, seeded.scope!).text.replace(
        'pack: grade-fixture',
        `pack: grade-fixture\nseed: ${seed}`,
      );
    },
    leftRunning: () => (fs.existsSync(work) ? fs.readdirSync(work) : []),
    common: () => ({ ephemeralPorts: true, workDir: work }),
    async remove() {
      await stopClustersUnder(root);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
