import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newPack, validateFolder } from '../../lab/commands/pack.js';
import { loadPack } from '../../lab/pack/load.js';
import { formatDiagnostic, questionHints } from '../../lab/pack/pack.js';
import { packHash } from '../../lab/pack/pack-hash.js';
import { scaffoldPack } from '../../lab/pack/scaffold.js';
import { validatePack } from '../../lab/pack/validate.js';
import { chooseVariant } from '../../lab/pack/variant.js';

const FIXTURES = 'test/fixtures/packs';

function errorsOf(dir: string): string[] {
  return loadPack(path.join(FIXTURES, dir)).diagnostics.map((d) => formatDiagnostic(d));
}

describe('loading a valid pack', () => {
  const loaded = loadPack(path.join(FIXTURES, 'valid'));

  it('resolves exercises, step files, README and hints', () => {
    expect(loaded.diagnostics).toEqual([]);
    const [upload, concepts] = loaded.pack!.exercises;
    expect(upload?.steps.map((s) => s.file ?? 'inline')).toEqual([
      'upload-basics/steps/01-look.md',
      'inline',
    ]);
    expect(upload?.intro).toContain('Blocks of an upload');
    expect(upload?.hints).toEqual([
      { text: "Count the blocks in fsck's output.", cost: 0 },
      { text: 'The last block is not padded.', cost: 1 },
    ]);
    expect(questionHints(upload!.questions[1]!)).toEqual([
      { text: 'The last block holds what the full ones leave.', cost: 0 },
      { text: '150 MB − 128 MB.', cost: 1 },
    ]);
    expect(upload?.setup[2]).toEqual({ put: { path: '/data/a.bin', size: '150m', blockSize: '128m' } });
    expect(concepts?.depends).toEqual(['upload-basics']);
  });

  it('splits the exercise points over the questions that give none, and group points over parts', () => {
    const [upload, concepts] = loaded.pack!.exercises;
    expect(upload?.questions.map((q) => q.points)).toEqual([2, 3, 2.5, 2.5]);
    expect(upload?.points).toBe(10);
    const group = concepts?.questions.find((q) => q.id === 'parts');
    expect(group?.type === 'group' && group.parts.map((p) => p.points)).toEqual([1, 1]);
  });

  it('hashes the same files the same way, and any change changes it', () => {
    expect(loaded.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(loadPack(path.join(FIXTURES, 'valid')).hash).toBe(loaded.hash);
    const files = [
      { path: 'a', bytes: Buffer.from('x') },
      { path: 'b', bytes: Buffer.from('y') },
    ];
    expect(packHash(files)).toBe(packHash([...files].reverse()));
    expect(packHash(files)).not.toBe(
      packHash([
        { path: 'a', bytes: Buffer.from('xb') },
        { path: 'b', bytes: Buffer.from('y') },
      ]),
    );
  });

  it('chooses the same cluster for the same seed, within the bounds', () => {
    const cluster = loaded.pack!.cluster;
    expect(chooseVariant(cluster, 'alice')).toEqual(chooseVariant(cluster, 'alice'));
    const variants = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((s) => chooseVariant(cluster, s));
    for (const v of variants) {
      expect(v.datanodes).toBeGreaterThanOrEqual(3);
      expect(v.datanodes).toBeLessThanOrEqual(5);
      expect([1048576, 2097152]).toContain(v.blockSizeBytes);
    }
    expect(new Set(variants.map((v) => `${v.datanodes}/${v.blockSizeBytes}`)).size).toBeGreaterThan(1);
  });
});

describe('broken packs name the file, line and column', () => {
  it('an unknown key and an unknown step, at their own lines', () => {
    expect(errorsOf('unknown-key')).toEqual([
      expect.stringMatching(
        /^ex\/exercise\.yaml:5:5: error: unknown step 'putt'; steps are: start, mkdir, put/,
      ),
      "ex/exercise.yaml:10:5: error: unknown key 'pionts'",
    ]);
  });

  it('problems across files: missing exercise folder and step file, unreadable answer, unknown probe', () => {
    const errors = errorsOf('cross-file');
    expect(errors).toEqual(
      expect.arrayContaining([
        'pack.yaml:4:39: error: replication above the 2 DataNodes a student may get',
        'pack.yaml:7:5: error: exercise missing: no missing/exercise.yaml in the pack',
        'ex/exercise.yaml:7:5: error: no file ex/steps/nowhere.md in the pack',
        "ex/exercise.yaml:12:13: error: the answer cannot be read as number: 'lots' is not a number",
        expect.stringMatching(
          /^ex\/exercise\.yaml:16:22: error: unknown probe 'file\.blockCout'; probes are: file\.info/,
        ),
        'ex/exercise.yaml:17:5: error: question q3 needs an answer (stored) or expect (a probe of the cluster)',
      ]),
    );
  });

  it('a YAML syntax error, a missing pack.yaml, and wrong probe arguments', () => {
    const yaml = validatePack(new Map([['pack.yaml', 'id: x\nexercises: [a, "b\n']]));
    expect(yaml.diagnostics[0]).toMatchObject({
      file: 'pack.yaml',
      severity: 'error',
      message: expect.stringContaining('YAML'),
    });
    expect(yaml.diagnostics[0]!.line).toBeGreaterThanOrEqual(2);
    expect(validatePack(new Map()).diagnostics[0]?.message).toBe('no pack.yaml in this folder');
    const files = scaffoldPack('p');
    files.set(
      'first-upload/exercise.yaml',
      files.get('first-upload/exercise.yaml')!.replace('path: /data/a.bin', 'file: /data/a.bin'),
    );
    const args = validatePack(files).diagnostics.map((d) => formatDiagnostic(d));
    expect(args).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^first-upload\/exercise\.yaml:\d+:\d+: error: file\.blockCount: /),
      ]),
    );
  });

  it("a setup step's local file must stay in the pack or the scratch folder", () => {
    const files = scaffoldPack('p');
    const steps = [
      '  - put: { path: /data/a.txt, local: ../../../.ssh/id_rsa }',
      '  - get: { path: /data/a.txt, local: /home/student/.bashrc }',
      '  - get: { path: /data/a.txt, local: out/../../../.bashrc }',
      '  - put: { path: /data/b.txt, local: data/b.txt }',
      '  - get: { path: /data/b.txt, local: b-copy.txt }',
    ];
    files.set(
      'first-upload/exercise.yaml',
      files
        .get('first-upload/exercise.yaml')!
        .replace('  - start: {}\n', `  - start: {}\n${steps.join('\n')}\n`),
    );
    const errors = validatePack(files).diagnostics.map((d) => formatDiagnostic(d));
    expect(errors).toEqual([
      "first-upload/exercise.yaml:6:38: error: local ../../../.ssh/id_rsa leaves its folder: put names a file of the pack, so give a relative path without '..'",
      "first-upload/exercise.yaml:7:38: error: local /home/student/.bashrc leaves its folder: get names a file in the lab home's scratch folder, so give a relative path without '..'",
      "first-upload/exercise.yaml:8:38: error: local out/../../../.bashrc leaves its folder: get names a file in the lab home's scratch folder, so give a relative path without '..'",
    ]);
  });

  it('refuses questions that read the end or the size of a growing log, and accepts named objects', () => {
    const files = scaffoldPack('p');
    const questions = `
  - id: last-txid
    type: number
    prompt: The txid of the last transaction.
    expect: { probe: edits.ops, select: -1.txid }
  - id: all-mkdirs
    type: number
    prompt: How many OP_MKDIR records in all?
    expect: { probe: edits.ops, args: { opCode: OP_MKDIR }, select: length }
  - id: last-rpc
    type: task
    prompt: Do something; the check reads the last RPC.
    check: { probe: journal.rpcOrder, select: '-1', equals: client->nn complete }
  - id: close-txid
    type: number
    prompt: The txid of the OP_CLOSE of /data/a.bin.
    expect: { probe: edits.ops, args: { path: /data/a.bin, opCode: OP_CLOSE }, select: 0.txid }
  - id: reported
    type: task
    prompt: Read the corrupt replica.
    check: { probe: journal.rpcOrder, args: { src: client, dst: nn }, matches: reportBadBlocks }
  - id: last-reply
    type: text
    prompt: The first DataNode of the last addBlock reply.
    expect: { probe: journal.messages, args: { method: addBlock }, select: -1.result.locations.0.name }
  - id: named-reply
    type: text
    prompt: The first DataNode of the addBlock reply of put /data/a.bin.
    expect:
      { probe: journal.messages, args: { op: put /data/a.bin, method: addBlock }, select: 0.result.locations.0.name }
`;
    files.set(
      'first-upload/exercise.yaml',
      files.get('first-upload/exercise.yaml')!.replace('questions:\n', `questions:${questions}`),
    );
    const errors = validatePack(files)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.message);
    expect(errors).toEqual([
      expect.stringMatching(
        /^edits\.ops select -1\.txid reads the end of a log .*args\.path or args\.toTxid/,
      ),
      expect.stringMatching(/^edits\.ops select length reads the size of a log/),
      expect.stringMatching(/^journal\.rpcOrder select -1 reads the end of a log .*args\.op/),
      expect.stringMatching(
        /^journal\.messages select -1\.result\.locations\.0\.name reads the end of a log .*args\.op/,
      ),
    ]);
  });

  it("checks a question's hints: not on a group's parts, never blank, and warns when they cost more than it earns", () => {
    const files = scaffoldPack('p');
    const questions = `
  - id: counted
    type: number
    prompt: How many blocks?
    points: 1
    answer: 2
    hints: ['Count them in fsck.', { text: It is two., cost: 2 }]
  - id: blank
    type: number
    prompt: How many replicas?
    answer: 3
    hints: ['  ']
  - id: pair
    type: group
    prompt: Two parts.
    hints: [Look at fsck.]
    parts:
      - { id: a, type: number, prompt: A, answer: 1, hints: [Not here.] }
`;
    files.set(
      'first-upload/exercise.yaml',
      files.get('first-upload/exercise.yaml')!.replace('questions:\n', `questions:${questions}`),
    );
    const messages = validatePack(files).diagnostics.map((d) => `${d.severity}: ${d.message}`);
    expect(messages).toEqual([
      'error: a hint with no text: write what it tells the student',
      'error: part a has hints: the runner asks a group as one question, so give them to the group (pair)',
      expect.stringMatching(/^warning: question counted's hints cost 2 points, more than its 1: /),
    ]);
  });

  it('a conf key that looks like a typo is a warning, not an error', () => {
    const files = scaffoldPack('p');
    files.set(
      'pack.yaml',
      files
        .get('pack.yaml')!
        .replace('replication: 3', 'replication: 3\n  conf:\n    dfs.heartbeat.intervl: 3s'),
    );
    const result = validatePack(files);
    expect(result.pack).toBeDefined();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 12,
        message: expect.stringContaining('did you mean dfs.heartbeat.interval'),
      }),
    ]);
  });
});

describe('lab pack new / validate', () => {
  it('scaffolds a pack that validates, and refuses to overwrite', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'lab-pack-')), 'my-pack');
    expect(newPack('my-pack', { dir })).toContain('created pack my-pack');
    const report = validateFolder(dir);
    expect(report.errors).toBe(0);
    expect(report.text).toMatch(/pack my-pack 0\.1\.0 is valid: 1 exercises, 3 questions \(sha256:/);
    expect(() => newPack('my-pack', { dir })).toThrow(/exists already/);
    expect(() => newPack('My Pack', { dir: `${dir}-2` })).toThrow(/not an id/);
    rmSync(path.dirname(dir), { recursive: true });
  });

  it('prints each problem with the folder, file, line and column', () => {
    const report = validateFolder(path.join(FIXTURES, 'unknown-key'));
    expect(report.errors).toBe(2);
    expect(report.text).toContain(
      `${FIXTURES}/unknown-key/ex/exercise.yaml:10:5: error: unknown key 'pionts'`,
    );
  });

  it('reports a pack folder without pack.yaml as one error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-pack-'));
    mkdirSync(path.join(dir, 'x'));
    writeFileSync(path.join(dir, 'x', 'notes.txt'), 'hello');
    expect(validateFolder(dir)).toEqual({
      text: `${dir}/pack.yaml:1:1: error: no pack.yaml in this folder`,
      errors: 1,
    });
  });
});
