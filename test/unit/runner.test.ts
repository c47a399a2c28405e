// The runner's pure parts: the catalog, the setup plan, the cluster comparison, rendering, and
// `lab check` over saved answers with a fake probe set.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { fakeProbes } from '../../lab/checks/probes.js';
import { findInCatalog, loadCatalog } from '../../lab/runner/catalog.js';
import { checkSaved, renderCheck } from '../../lab/runner/check.js';
import { clusterMismatches, startOptionsFor } from '../../lab/runner/cluster.js';
import {
  COLOR,
  PLAIN,
  renderCatalog,
  renderMarkdown,
  renderResult,
  styleFor,
} from '../../lab/runner/render.js';
import { setupPlan } from '../../lab/runner/setup.js';
import { emptyProgress } from '../../lab/runner/progress.js';
import { chooseVariant } from '../../lab/pack/variant.js';
import { describedCluster } from './cluster-description.js';

const FIXTURES = path.resolve('test/fixtures/packs');
const noBuiltins = path.join(tmpdir(), 'no-such-builtin-packs');

function fixture() {
  const catalog = loadCatalog({ builtinDir: noBuiltins, extraDirs: [path.join(FIXTURES, 'valid')] });
  const entry = catalog.packs[0]!;
  return { catalog, pack: entry.pack };
}

describe('colour', () => {
  it('is ANSI SGR on a terminal, and nothing when piped or under NO_COLOR', () => {
    // ECMA-48 SGR: 31 red, 39 default colour; 1 bold, 22 normal intensity.
    expect(COLOR.bad('FAIL')).toBe('\u001b[31mFAIL\u001b[39m');
    expect(COLOR.bold('Task')).toBe('\u001b[1mTask\u001b[22m');
    expect(styleFor({ isTTY: true }, {})).toBe(COLOR);
    expect(styleFor({ isTTY: false }, {})).toBe(PLAIN);
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(PLAIN);
  });
});

describe('the pack catalog', () => {
  it('loads packs given with --pack, names the broken ones with file:line, and finds exercises', () => {
    const catalog = loadCatalog({ builtinDir: noBuiltins, extraDirs: [FIXTURES] });
    expect(catalog.packs.map((p) => p.pack.id)).toContain('fixture-basics');
    expect(catalog.problems.join('\n')).toMatch(/unknown-key.*exercise\.yaml:\d+:\d+: error: unknown key/s);
    const found = findInCatalog(catalog, 'fixture-basics/upload-basics');
    expect(found.ok && found.found.exercise.title).toBe('Blocks of an upload');
    const missing = findInCatalog(catalog, 'nope');
    expect(!missing.ok && missing.message).toContain('no exercise nope; see `lab exercises`');
  });

  it('lists exercises with their progress', () => {
    const { catalog } = fixture();
    const text = renderCatalog(catalog.packs, emptyProgress(), PLAIN);
    expect(text).toContain('fixture-basics 1.0.0 — Fixture pack');
    expect(text).toMatch(/1\. upload-basics\s+Blocks of an upload\s+\[not started\]/);
  });
});

describe('setup replay', () => {
  it('replays the setups before an exercise that this cluster has not had, in pack order', () => {
    const { pack } = fixture();
    const concepts = pack.exercises.find((e) => e.id === 'concepts')!;
    expect(setupPlan(pack, concepts, new Set()).map((e) => e.id)).toEqual(['upload-basics']);
    expect(setupPlan(pack, concepts, new Set(['fixture-basics/upload-basics']))).toEqual([]);
    const upload = pack.exercises[0]!;
    expect(setupPlan(pack, upload, new Set()).map((e) => e.id)).toEqual(['upload-basics']);
  });
});

describe("the pack's cluster", () => {
  const description = (over: Partial<ClusterDescription> = {}): ClusterDescription =>
    describedCluster(
      [1, 2, 3].map((n) => ({ id: `dn${n}`, host: `127.0.1.${n}`, port: 9866, rack: '/rack1' })),
      {
        seed: 'alice',
        conf: { 'dfs.blocksize': '1048576', 'dfs.replication': '2', 'dfs.heartbeat.interval': '3s' },
        secondary: null,
        ...over,
      },
    );

  it('says why a cluster is not the one a pack and seed ask for', () => {
    const { pack } = fixture();
    const variant = { ...chooseVariant(pack.cluster, 'alice'), datanodes: 3, blockSizeBytes: 1048576 };
    expect(clusterMismatches(description(), '/tmp/h', variant)).toEqual([]);
    const other = clusterMismatches(description({ seed: 'bob', datanodes: [] }), '/tmp/h', variant);
    expect(other).toEqual(['its seed is bob, yours is alice', 'it has 0 DataNodes, the pack wants 3']);
    // Grown by an exercise's add-datanode (the balancer's dn11): still the pack's cluster.
    const grown = description().datanodes.concat({
      id: 'dn4',
      host: '127.0.1.4',
      port: 9866,
      rack: '/rack1',
    });
    expect(clusterMismatches(description({ datanodes: grown }), '/tmp/h', variant)).toEqual([]);
  });

  it("writes an inline topology for lab start and passes the variant's settings", () => {
    const home = mkdtempSync(path.join(tmpdir(), 'runner-topology-'));
    try {
      const options = startOptionsFor(
        { seed: 's', datanodes: 2, topology: { dn1: '/dc1/rack1', dn2: '/dc2/rack1' }, conf: { a: '1' } },
        { home, packDir: '/packs/p' },
      );
      expect(readFileSync(options.topologyFile!, 'utf8')).toBe('dn1 /dc1/rack1\ndn2 /dc2/rack1\n');
      expect(options).toMatchObject({ seed: 's', datanodes: 2, racks: undefined, defines: ['a=1'] });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('rendering', () => {
  it('shows Markdown steps readably in a terminal', () => {
    const text = renderMarkdown('# Look\n\nRun `lab fsck /`:\n\n```\nlab fsck / -files\n```\n- one\n', PLAIN);
    expect(text).toBe('LOOK\n\nRun lab fsck /:\n\n    lab fsck / -files\n  • one');
  });

  it('shows a Markdown table as aligned columns, without its pipes and dashes', () => {
    const table =
      '| Offset | Bytes | Meaning |\n|---|---|---|\n| 0 | 2 | header version |\n| 7 | 4 × N | one CRC per chunk |';
    expect(renderMarkdown(`Read it:\n\n${table}\n\nThen \`xxd\` it.`, PLAIN).split('\n')).toEqual([
      'Read it:',
      '',
      'Offset  Bytes  Meaning',
      '0       2      header version',
      '7       4 × N  one CRC per chunk',
      '',
      'Then xxd it.',
    ]);
  });

  it("never shows a hidden check's expected answer", () => {
    const result = {
      name: 'e/q',
      exercise: 'e',
      question: 'q',
      status: 'fail' as const,
      score: 0,
      maxScore: 1,
      hidden: true,
      message: 'expected 3, found 2',
      expected: '3',
      found: '2',
    };
    expect(renderResult(result, PLAIN)).toBe('✗ fail q: hidden check: details are not shown');
  });
});

describe('lab check', () => {
  it('checks saved answers without prompting; exit 0 all right, 1 a failure, 2 undecided', async () => {
    const { pack } = fixture();
    const exercise = pack.exercises[0]!;
    const env = (blocks: unknown) => ({
      probes: fakeProbes({
        'file.blockCount': 2,
        'file.blocks': blocks,
        'file.info': { replication: 3 },
      }),
      clock: { now: () => 0, sleep: () => Promise.resolve() },
      deadlineMsDefault: 0,
    });
    const blocks = [{ numBytes: 134217728 }, { numBytes: 23068672 }];
    const answers = { 'block-count': '2', 'last-block': '22m', sizes: ['128m', '22m'] };
    const right = await checkSaved({ pack, exercise, answers, progress: emptyProgress(), env: env(blocks) });
    expect(right.exitCode).toBe(0);
    expect(renderCheck(exercise, right.results, PLAIN)).toContain('4/4 right · 10/10 points');
    const wrong = await checkSaved({
      pack,
      exercise,
      answers: { ...answers, 'last-block': '16m' },
      progress: emptyProgress(),
      env: env(blocks),
    });
    expect(wrong.exitCode).toBe(1);
    const undecided = await checkSaved({
      pack,
      exercise,
      answers,
      progress: emptyProgress(),
      env: env(() => ({ status: 'unsettled', reason: 'safemode' })),
    });
    expect(undecided.exitCode).toBe(2);
    expect(renderCheck(exercise, undecided.results, PLAIN)).toContain('run `lab check` again');
  });
});
