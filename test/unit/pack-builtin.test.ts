/**
 * The built-in pack, pure: it validates; every exercise has text and questions; the reference
 * answers sheet is readable and names only questions the pack has; every stored answer of the
 * pack is matched by the reference solution and failed, with a message, by a wrong one; probe
 * questions pass and fail against a fake cluster that answers what the real one would.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReadSheet } from '../../lab/answers/answer-sheet.js';
import { checkExercise, judgeAnswer, type Clock } from '../../lab/answers/judge.js';
import { loadSeededPack } from '../../lab/pack/seeded.js';
import { readAnswersText } from '../../lab/answers/prepare.js';
import { formatDiagnostic, questionHints, type Exercise, type Pack } from '../../lab/pack/pack.js';
import { fakeProbes } from '../../lab/checks/probes.js';
import type { LeafQuestion } from '../../lab/pack/schema.js';
import { chooseVariant } from '../../lab/pack/variant.js';
import { prepareAnswers } from '../../lab/answers/prepare.js';
import { strayAnswers } from '../../lab/answers/grade.js';

const repo = path.resolve(import.meta.dirname, '../..');
const PACK_DIR = path.join(repo, 'exercises/hdfs-basics');
const ANSWERS = path.join(repo, 'solutions/hdfs-basics/answers.yaml');
const MiB = 1024 * 1024;

/** The pack as the student with seed "reference" sees it (params.yaml: killed dn4, corrupted dn5). */
function loaded(): Pack {
  const result = loadSeededPack(PACK_DIR, 'reference');
  const errors = result.diagnostics.map((d) => formatDiagnostic(d, 'exercises/hdfs-basics'));
  expect(errors, errors.join('\n')).toEqual([]);
  expect(result.pack).toBeDefined();
  return result.pack!;
}

/** The reference answers, rendered with seed reference's parameters as `lab check` renders them. */
function solution(): ReadSheet {
  const scope = loadSeededPack(PACK_DIR, 'reference').scope!;
  return readAnswersText(readFileSync(ANSWERS, 'utf8'), scope);
}

function exercise(pack: Pack, id: string): Exercise {
  const found = pack.exercises.find((e) => e.id === id);
  if (!found) throw new Error(`no exercise ${id}`);
  return found;
}

function leaves(ex: Exercise): { path: string[]; question: LeafQuestion }[] {
  return ex.questions.flatMap((q) =>
    q.type === 'group'
      ? q.parts.map((part) => ({ path: [q.id, part.id], question: part }))
      : [{ path: [q.id], question: q }],
  );
}

const stillClock: Clock = { now: () => 0, sleep: () => Promise.resolve() };

describe('the built-in pack hdfs-basics', () => {
  it('validates without errors or warnings', () => {
    for (const seed of ['reference', 'alice', 'bob']) {
      const result = loadSeededPack(PACK_DIR, seed);
      expect(
        result.diagnostics.map((d) => formatDiagnostic(d)),
        seed,
      ).toEqual([]);
    }
  });

  it("covers the issue's eleven topics with text, setup and questions", () => {
    const pack = loaded();
    expect(pack.exercises.map((e) => e.id)).toEqual([
      'upload-blocks',
      'who-talks',
      'block-files',
      'placement',
      'distances',
      'fsimage-edits',
      'checkpoints',
      'heartbeats-failure',
      'corruption',
      'block-size-experiment',
      'restart-genstamps',
      'balancer',
      'wire-bytes',
      'web-side',
      'acks-heartbeats',
      'concepts',
    ]);
    for (const ex of pack.exercises) {
      expect(ex.intro ?? '', `${ex.id} has a README.md`).toMatch(/^# /);
      expect(ex.steps.length, `${ex.id} has steps`).toBeGreaterThan(0);
      expect(ex.questions.length, `${ex.id} has questions`).toBeGreaterThan(0);
      if (ex.id !== 'concepts') expect(ex.setup[0], `${ex.id} starts the cluster`).toEqual({ start: {} });
    }
  });

  it('asks the cluster wherever it can: most questions of the cluster exercises use probes or tasks', () => {
    const pack = loaded();
    for (const ex of pack.exercises.filter((e) => e.id !== 'concepts')) {
      const all = leaves(ex);
      const probed = all.filter(({ question: q }) => q.type === 'task' || q.expect !== undefined);
      expect(probed.length / all.length, `${ex.id}: share of probed questions`).toBeGreaterThanOrEqual(0.3);
    }
  });

  it('gives the questions where students get stuck hints of their own, in every exercise of the cluster', () => {
    const pack = loaded();
    for (const ex of pack.exercises.filter((e) => e.id !== 'concepts' && e.id !== 'distances')) {
      const own = ex.questions.filter((q) => questionHints(q).length > 0).map((q) => q.id);
      expect(own.length, `${ex.id}: questions with hints of their own`).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives students different clusters: the default block size depends on the seed', () => {
    const pack = loaded();
    const sizes = new Set(
      ['alice', 'bob', 'carol', 'dave', 'erin'].map((s) => chooseVariant(pack.cluster, s).blockSizeBytes),
    );
    expect(sizes.size).toBeGreaterThan(1);
    expect(chooseVariant(pack.cluster, 'reference').blockSizeBytes).toBe(4 * MiB);
  });

  it('the reference answers sheet is readable and answers only questions the pack has', () => {
    const pack = loaded();
    const read = solution();
    expect(read.unreadable).toEqual([]);
    expect(read.sheet.pack).toBe('hdfs-basics');
    expect(strayAnswers(pack, read.sheet)).toEqual([]);
  });

  it('every stored answer is matched by the reference solution and a wrong answer fails with a message', () => {
    const pack = loaded();
    const sheet = solution().sheet;
    let checked = 0;
    for (const ex of pack.exercises) {
      for (const { path: names, question } of leaves(ex)) {
        if (question.type === 'task' || question.answer === undefined) continue;
        const [id, part] = names as [string, string | undefined];
        const entry = sheet.answers[ex.id]?.[id];
        const answer = part === undefined ? entry : (entry as Record<string, string> | undefined)?.[part];
        const name = `${ex.id}/${names.join('/')}`;
        expect(answer, `${name} is in the reference answers`).toBeDefined();
        const right = judgeAnswer(question, answer as string, { kind: 'stored', value: question.answer });
        expect(right.status, `${name}: ${right.message}`).toBe('pass');
        const wrong = judgeAnswer(question, wrongAnswerFor(question), {
          kind: 'stored',
          value: question.answer,
        });
        expect(wrong.status, `${name} fails a wrong answer`).toBe('fail');
        expect(wrong.message).toMatch(/expected|could not be read/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('upload-blocks: the reference answers pass against the cluster the setup builds; 64 MB for the last block fails and says where to look', async () => {
    const pack = loaded();
    const ex = exercise(pack, 'upload-blocks');
    const blocks: Record<string, number[]> = {
      '/e1/eighty.bin': [64 * MiB, 16 * MiB],
      '/e1/zeros.dat': [128 * MiB, 22 * MiB],
      '/e1/mine.bin': [4 * MiB, 4 * MiB, 2 * MiB],
    };
    const probes = fakeProbes({
      'file.blocks': (args: Record<string, unknown>) => ({
        status: 'ok',
        value: (blocks[args.path as string] ?? []).map((numBytes, i) => ({
          blockName: `blk_${1073741825 + i}`,
          blockId: 1073741825 + i,
          genStamp: 1001 + i,
          numBytes,
          replicas: ['dn1'],
        })),
      }),
      'file.blockCount': (args: Record<string, unknown>) => ({
        status: 'ok',
        value: blocks[args.path as string]?.length ?? 0,
      }),
      'block.files': () => ({
        status: 'ok',
        value: [
          {
            datanode: 'dn1',
            blockFile: '/x/blk_1',
            metaFile: '/x/blk_1_1001.meta',
            blockBytes: 16 * MiB,
            metaBytes: 131079,
          },
        ],
      }),
      'config.get': (args: Record<string, unknown>) => ({
        status: 'ok',
        value: args.key === 'dfs.blocksize' ? '4194304' : '3',
      }),
      'block.replicas': (args: Record<string, unknown>) => ({
        status: 'ok',
        value: [
          { datanode: 'dn1', rack: '/dc1/rack1', state: 'finalized' },
          { datanode: 'dn4', rack: '/dc1/rack2', state: 'finalized' },
          { datanode: 'dn5', rack: '/dc1/rack2', state: 'finalized' },
        ].slice(0, args.path === '/e1/zeros.dat' ? 1 : 3),
      }),
      'file.info': () => ({
        status: 'ok',
        value: {
          path: '/e1/mine.bin',
          type: 'file',
          length: 10 * MiB,
          replication: 3,
          blockSizeBytes: 4 * MiB,
          inodeId: 16389,
        },
      }),
    });
    const sheet = solution().sheet;
    const env = { probes, clock: stillClock };
    const answers = prepareAnswers(ex, sheet.answers['upload-blocks']).answers;
    const results = await checkExercise(ex, answers, env);
    const byId = new Map(results.map((r) => [r.question, r]));
    for (const id of [
      'eighty-blocks',
      'eighty-sizes',
      'eighty-stored',
      'zeros-blocks',
      'zeros-last',
      'block-size',
      'mine-blocks',
      'mine-last',
      'replication',
      'zeros-replicas',
    ]) {
      expect(byId.get(id)?.status, `${id}: ${byId.get(id)?.message}`).toBe('pass');
    }
    // The fake cluster has not been setrep'd: the task fails, and the question after it is skipped.
    expect(byId.get('setrep-two')?.status).toBe('fail');
    expect(byId.get('setrep-replicas')?.status).toBe('skip');

    const wrong = await checkExercise(ex, { ...answers, 'eighty-sizes': ['64m', '64m'] }, env);
    const sizes = wrong.find((r) => r.question === 'eighty-sizes')!;
    expect(sizes.status).toBe('fail');
    expect(sizes.message).toContain('expected [67108864 (64 MB), 16777216 (16 MB)]');
    expect(sizes.message).toContain('lab fsck /e1/eighty.bin -files -blocks');
  });

  it("block-files: the meta header questions pass on HDFS's header and fail on a wrong checksum type", async () => {
    const pack = loaded();
    const ex = exercise(pack, 'block-files');
    const probes = fakeProbes({
      'file.blocks': (args: Record<string, unknown>) => ({
        status: 'ok',
        value: [
          {
            blockName: 'blk_1073741833',
            blockId: 1073741833,
            genStamp: 1009,
            numBytes: args.path === '/e3/hello.txt' ? 1000 : 2046,
            replicas: ['dn3'],
          },
        ],
      }),
      'block.files': (args: Record<string, unknown>) => ({
        status: 'ok',
        value: [
          {
            datanode: 'dn3',
            blockFile:
              '/home/lab/dfs/data/dn3/current/BP-1-127.0.0.1-1/current/finalized/subdir0/subdir0/blk_1073741833',
            metaFile:
              '/home/lab/dfs/data/dn3/current/BP-1-127.0.0.1-1/current/finalized/subdir0/subdir0/blk_1073741833_1009.meta',
            blockFileInDataDir: 'current/BP-1-127.0.0.1-1/current/finalized/subdir0/subdir0/blk_1073741833',
            metaFileInDataDir:
              'current/BP-1-127.0.0.1-1/current/finalized/subdir0/subdir0/blk_1073741833_1009.meta',
            blockFileInHome:
              'dfs/data/dn3/current/BP-1-127.0.0.1-1/current/finalized/subdir0/subdir0/blk_1073741833',
            metaFileInHome:
              'dfs/data/dn3/current/BP-1-127.0.0.1-1/current/finalized/subdir0/subdir0/blk_1073741833_1009.meta',
            blockBytes: args.path === '/e3/hello.txt' ? 1000 : 2046,
            metaBytes: args.path === '/e3/hello.txt' ? 15 : 23,
          },
        ],
      }),
      'block.metaHeader': () => ({
        status: 'ok',
        value: { version: 1, checksumType: 'CRC32C', bytesPerChecksum: 512 },
      }),
      'config.get': () => ({ status: 'ok', value: '512' }),
    });
    const sheet = solution().sheet;
    const answers = {
      ...sheet.answers['block-files'],
      'block-id': '1073741833',
      genstamp: '1009',
      'block-file-dn3': 'current/BP-1-127.0.0.1-1/current/finalized/subdir0/subdir0/blk_1073741833',
      'meta-file-dn3': 'current/BP-1-127.0.0.1-1/current/finalized/subdir0/subdir0/blk_1073741833_1009.meta',
    };
    const results = await checkExercise(ex, answers, { probes, clock: stillClock });
    for (const r of results) expect(r.status, `${r.name}: ${r.message}`).toBe('pass');
    const wrong = await checkExercise(
      ex,
      { ...answers, 'meta-type': 'CRC32' },
      { probes, clock: stillClock },
    );
    const type = wrong.find((r) => r.question === 'meta-type')!;
    expect(type.status).toBe('fail');
    expect(type.message).toMatch(/expected CRC32C, found CRC32;/);
  });

  it("wire-bytes: the reference answers pass on the frames of an upload from dn7's host; an upload from elsewhere fails the task and says where to look", async () => {
    const pack = loaded();
    const ex = exercise(pack, 'wire-bytes');
    // The journal's messages as the lab's client and NameNode record them (an addBlock reply's
    // LocatedBlockProto decoded: the block, then each target's DatanodeIDProto fields).
    const target = (name: string, ipAddr: string, xferPort: number) => ({
      name,
      ipAddr,
      hostName: name,
      xferPort,
      infoPort: xferPort + 1,
      ipcPort: 0,
    });
    const replyFrom = (first: string, ip: string) => ({
      type: 'rpc-reply',
      method: 'addBlock',
      callId: 5,
      ok: true,
      result: {
        block: { blockId: 1073741999, genStamp: 2001, numBytes: 0 },
        locations: [
          target(first, ip, 42677),
          target('dn1', '127.0.1.1', 34513),
          target('dn2', '127.0.1.2', 37075),
        ],
      },
    });
    const messages = (first: string, ip: string) =>
      fakeProbes({
        'journal.messages': (args: Record<string, unknown>) => ({
          status: 'ok',
          value:
            args.type === 'rpc-preamble'
              ? [{ type: 'rpc-preamble', version: 9, serviceClass: 0, authProtocol: 0 }]
              : args.type === 'rpc-context'
                ? [
                    {
                      type: 'rpc-context',
                      user: 'root',
                      protocol: 'org.apache.hadoop.hdfs.protocol.ClientProtocol',
                    },
                  ]
                : [replyFrom(first, ip)],
        }),
      });
    const answers = prepareAnswers(ex, solution().sheet.answers['wire-bytes']).answers;
    const right = await checkExercise(ex, answers, {
      probes: messages('dn7', '127.0.3.7'),
      clock: stillClock,
    });
    for (const r of right) expect(r.status, `${r.name}: ${r.message}`).toBe('pass');

    const elsewhere = await checkExercise(ex, answers, {
      probes: messages('dn3', '127.0.1.3'),
      clock: stillClock,
    });
    const upload = elsewhere.find((r) => r.question === 'upload')!;
    expect(upload.status).toBe('fail');
    expect(upload.message).toContain('dn3');
    expect(upload.message).toContain('lab traffic -X --op addBlock');
    expect(elsewhere.find((r) => r.question === 'first-ip')?.status).toBe('skip');

    const port = await checkExercise(
      ex,
      { ...answers, 'first-ip': '127.0.1.1' },
      {
        probes: messages('dn7', '127.0.3.7'),
        clock: stillClock,
      },
    );
    expect(port.find((r) => r.question === 'first-ip')?.status).toBe('fail');
  });
});

/** An answer of the right shape that is not the stored one. */
function wrongAnswerFor(question: LeafQuestion): string | string[] {
  switch (question.type) {
    case 'true-false':
      return String(question.answer) === 'true' ? 'false' : 'true';
    case 'number':
      return question.unit === 'bytes' ? '1' : '999999';
    case 'choice': {
      const ids = question.options.map((o, i) =>
        typeof o === 'string' ? String.fromCharCode(97 + i) : o.id,
      );
      return ids.find((id) => id !== String(question.answer)) ?? 'z';
    }
    case 'multiple-choice':
      return ['a'];
    case 'list':
    case 'set':
      return ['nothing-like-it'];
    default:
      return 'nothing like it';
  }
}
