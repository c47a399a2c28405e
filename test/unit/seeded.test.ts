import { describe, expect, it } from 'vitest';
import { renderTemplate, evaluateTemplate, compactSize } from '../../lab/pack/seeded-template.js';
import { readParams, seedPackTexts } from '../../lab/pack/seeded.js';
import { readAnswersText } from '../../lab/answers/prepare.js';

const PACK = `id: seeded
title: Seeded
version: 1.0.0
cluster:
  datanodes: { min: 3, max: 6 }
  blockSize: { oneOf: [1m, 2m, 4m] }
  replication: 2
exercises: [upload]
`;
const PARAMS = `file:
  size: { size: { min: 3m, max: 40m, step: 512k } }
  name: { name: { prefix: part-, length: 6 } }
victim: { datanode: { exclude: [dn1] } }
`;
const EXERCISE = `id: upload
title: Upload
setup:
  - put: { path: /s/{{file.name}}.bin, size: {{file.size}} }
  - kill: { datanode: {{victim}} }
steps:
  - { text: 'Upload {{ file.size | human }} at {{ cluster.blockSize | human }}: {{ ceil(file.size / cluster.blockSize) }} blocks.' }
questions:
  - id: blocks
    type: number
    prompt: How many blocks does /s/{{file.name}}.bin have?
    expect: { probe: file.blockCount, args: { path: /s/{{file.name}}.bin } }
`;

function texts(extra: Record<string, string> = {}): Map<string, string> {
  return new Map(
    Object.entries({
      'pack.yaml': PACK,
      'params.yaml': PARAMS,
      'upload/exercise.yaml': EXERCISE,
      ...extra,
    }),
  );
}

function studentView(seed: string) {
  const seeded = seedPackTexts(texts(), seed);
  expect(seeded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const exercise = seeded.pack!.exercises[0]!;
  return { seeded, exercise, setup: JSON.stringify(exercise.setup), text: exercise.steps[0]!.markdown };
}

describe('templates', () => {
  it('computes with sizes, keeps their kind and formats them', () => {
    const scope = new Map([
      ['f', { size: 10 * 1024 * 1024 }],
      ['b', { size: 4 * 1024 * 1024 }],
    ]);
    expect(renderTemplate('{{ f }} {{ f | bytes }} {{ f | human }}', scope).text).toBe('10m 10485760 10 MB');
    expect(evaluateTemplate('ceil(f / b)', scope)).toBe(3);
    expect(renderTemplate('{{ f - (ceil(f / b) - 1) * b }}', scope).text).toBe('2m');
    expect(compactSize(1000)).toBe('1000');
  });

  it("pads a txid to HDFS's 19 digits, and refuses what cannot be padded", () => {
    const scope = new Map([['n', 3]]);
    // The edits segment of txids 1..85: edits_0000000000000000001-0000000000000000085 (%019d).
    expect(renderTemplate('edits_{{ pad(1, 19) }}-{{ pad(76 + 3 * n, 19) }}', scope).text).toBe(
      'edits_0000000000000000001-0000000000000000085',
    );
    expect(renderTemplate('{{ pad(1234, 2) }}', scope).text).toBe('1234');
    expect(renderTemplate('{{ pad(n / 2, 19) }}', scope).problems[0]?.message).toMatch(/not a whole number/);
    expect(renderTemplate('{{ pad(n) }}', scope).problems[0]?.message).toMatch(/a number and a width/);
  });

  it('names unknown variables and bad syntax at their line and column, and keeps \\{{ literal', () => {
    const r = renderTemplate('a\n  {{ nope }} \\{{ kept }} {{ 1 + }}', new Map());
    expect(r.problems).toEqual([
      { line: 2, column: 3, message: "template {{ nope }}: unknown variable 'nope'" },
      { line: 2, column: 26, message: 'template {{ 1 + }}: empty expression' },
    ]);
    expect(r.text).toContain('{{ kept }}');
  });
});

describe('params.yaml', () => {
  it('reads groups and kinds, and places mistakes', () => {
    const read = readParams('params.yaml', `${PARAMS}bad: { int: { min: 5, max: 1 } }\n`);
    expect(read.params.map((p) => p.name)).toEqual(['file.size', 'file.name', 'victim']);
    expect(read.diagnostics).toEqual([
      expect.objectContaining({
        file: 'params.yaml',
        line: 5,
        column: 1,
        message: 'bad: int needs whole min ≤ max',
      }),
    ]);
  });
});

describe('a seeded pack', () => {
  it('gives the same student the same cluster, files and text on every load', () => {
    const a = studentView('alice');
    const again = studentView('alice');
    expect(again.setup).toBe(a.setup);
    expect(again.text).toBe(a.text);
    expect(again.seeded.variant).toEqual(a.seeded.variant);
  });

  it('gives other students other names, sizes and victims, inside the bounds', () => {
    const views = ['alice', 'bob', 'carol', 'dave', 'erin'].map(studentView);
    expect(new Set(views.map((v) => v.setup)).size).toBeGreaterThan(1);
    for (const v of views) {
      const [put, kill] = v.seeded.pack!.exercises[0]!.setup as [
        { put: { path: string; size: string } },
        { kill: { datanode: string } },
      ];
      expect(put.put.path).toMatch(/^\/s\/part-[a-z2-9]{6}\.bin$/);
      const victim = Number(kill.kill.datanode.slice(2));
      expect(victim).toBeGreaterThanOrEqual(2);
      expect(victim).toBeLessThanOrEqual(v.seeded.variant!.datanodes);
      expect(v.text).toMatch(/^Upload \d+(\.\d+)? MB at [124] MB: \d+ blocks\.$/);
    }
  });

  it('leaves a pack without templates exactly as written', () => {
    const plain = seedPackTexts(
      new Map([
        ['pack.yaml', PACK.replace('[upload]', '[plain]')],
        ['plain/exercise.yaml', 'id: plain\ntitle: Plain\n'],
      ]),
      's',
    );
    expect(plain.pack?.exercises[0]?.title).toBe('Plain');
  });

  it('reports a template mistake at its file, line and column, not as YAML noise', () => {
    const bad = seedPackTexts(
      texts({ 'upload/exercise.yaml': EXERCISE.replace('{{victim}}', '{{victm}}') }),
      'alice',
    );
    expect(bad.pack).toBeUndefined();
    expect(bad.diagnostics).toEqual([
      expect.objectContaining({
        file: 'upload/exercise.yaml',
        line: 5,
        column: 23,
        message: "template {{victm}}: unknown variable 'victm'",
      }),
    ]);
  });
});

describe('an answers file for one student', () => {
  it("is rendered with the seed's values before it is read, its template mistakes placed", () => {
    const seeded = seedPackTexts(texts(), 'alice');
    const blockSize = seeded.variant!.blockSizeBytes!;
    const read = readAnswersText(
      "answers:\n  upload:\n    blocks: '{{ ceil(10m / cluster.blockSize) }}'\n    task: lab kill {{ victim }}\n    bad: '{{ nope }}'\n",
      seeded.scope,
    );
    expect(read.sheet.answers['upload']).toEqual({
      blocks: String(Math.ceil((10 * 1024 * 1024) / blockSize)),
      task: `lab kill ${String(seeded.scope!.pack.get('victim'))}`,
      bad: '{{ nope }}',
    });
    expect(read.unreadable).toEqual([
      { line: 5, column: 11, message: "template {{ nope }}: unknown variable 'nope'" },
    ]);
  });
});
