/**
 * The rules of docs/ARCHITECTURE.md ("The rules"), checked on the source: cores take time and
 * randomness as inputs and do no I/O, third-party libraries come in through one wrapper each, no
 * module imports itself back through a cycle, and folders import each other only along the arrows of
 * docs/ARCHITECTURE.md (the table below is that document's, kept in step with it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) out.push(full);
    }
  };
  if (fs.existsSync(path.join(repo, dir))) walk(path.join(repo, dir));
  return out;
}

const rel = (file: string): string => path.relative(repo, file);

/** Folders whose modules are pure cores (byte-reader.ts wraps a socket by design). */
const CORE_DIRS = [
  'cluster/namenode',
  'cluster/datanode',
  'cluster/net',
  'cluster/protocol',
  'cluster/sim',
  'cluster/secondary',
  'cluster/balancer',
];
const CORE_EXCEPTIONS = new Set(['cluster/protocol/byte-reader.ts']);

describe('architecture', () => {
  it('keeps cores free of sockets, files, timers, the wall clock and Math.random', () => {
    const offenders: string[] = [];
    for (const file of CORE_DIRS.flatMap(sources)) {
      if (CORE_EXCEPTIONS.has(rel(file))) continue;
      const text = fs.readFileSync(file, 'utf8');
      const io = /from 'node:(fs|fs\/promises|net|http|https|child_process|dgram)'/.exec(text);
      const clock = /\b(Date\.now\(\)|Math\.random\(\)|setTimeout\(|setInterval\()/.exec(text);
      if (io) offenders.push(`${rel(file)} imports ${io[0]}`);
      if (clock) offenders.push(`${rel(file)} uses ${clock[1]}`);
    }
    expect(offenders).toEqual([]);
  });

  it('imports each third-party library through one wrapper module', () => {
    const wrappers: Record<string, string[]> = {
      '@node-rs/crc32': ['cluster/common/crc.ts'],
      execa: ['cluster/launcher/spawn.ts'],
      commander: ['lab/cli/commander.ts'],
      yaml: ['lab/cli/yaml.ts'],
      'shell-quote': ['lab/cli/shell-words.ts'],
      '@inquirer/prompts': ['lab/runner/prompts.ts'],
      blessed: ['lab/tui/blessed.ts'],
      'blessed-contrib': ['lab/tui/blessed.ts'],
    };
    const found: Record<string, string[]> = {};
    for (const file of ['cluster', 'lab'].flatMap(sources)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const lib of Object.keys(wrappers)) {
        if (new RegExp(`(from |require\\()'${lib.replace('/', '\\/')}'`).test(text))
          (found[lib] ??= []).push(rel(file));
      }
    }
    for (const [lib, files] of Object.entries(found)) expect(files, lib).toEqual(wrappers[lib]);
  });

  it('has no import cycles', () => {
    const graph = staticImports();
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (node: string): void => {
      state.set(node, 'open');
      stack.push(node);
      for (const dep of graph.get(node) ?? []) {
        if (!graph.has(dep)) continue;
        if (state.get(dep) === 'open')
          cycles.push([...stack.slice(stack.indexOf(dep)), dep].map(rel).join(' -> '));
        else if (!state.has(dep)) visit(dep);
      }
      stack.pop();
      state.set(node, 'done');
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it("loads no ClientProtocol or NamenodeProtocol in a DataNode until it speaks them (the registry's tables load on use)", () => {
    const graph = staticImports();
    const loaded = new Set<string>();
    const stack = [path.join(repo, 'cluster/runtime/datanode-process.ts')];
    while (stack.length > 0) {
      const file = stack.pop() as string;
      if (loaded.has(file)) continue;
      loaded.add(file);
      stack.push(...(graph.get(file) ?? []));
    }
    const unwanted = [
      'cluster/protocol/registry/client-protocol.ts',
      'cluster/protocol/gen/client_protocol_pb.ts',
      'cluster/protocol/registry/namenode-protocol.ts',
      'cluster/protocol/gen/namenode_protocol_pb.ts',
      'cluster/client/dfs-client.ts',
    ];
    expect(unwanted.filter((file) => loaded.has(path.join(repo, file)))).toEqual([]);
    // The DataNode's own protocols are among what it loads at start.
    expect(loaded.has(path.join(repo, 'cluster/protocol/gen/datatransfer_pb.ts'))).toBe(true);
  });

  it('imports across folders only along the allowed arrows', () => {
    const found = new Map<string, string[]>();
    for (const file of ['cluster', 'lab'].flatMap(sources)) {
      const from = folderOf(rel(file));
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)'/gms)) {
        const to = folderOf(rel(path.normalize(path.join(path.dirname(file), m[1] as string))));
        if (to === from || to === 'cluster/protocol' /* generated code and registry: everyone's vocabulary */)
          continue;
        const key = `${from} -> ${to}`;
        if (!(ALLOWED_ARROWS[from] ?? []).includes(to))
          (found.get(key) ?? found.set(key, []).get(key))?.push(rel(file));
      }
    }
    expect(Object.fromEntries(found)).toEqual({});
  });

  it('has no cycles between folders', () => {
    const cycles: string[] = [];
    for (const [from, tos] of Object.entries(ALLOWED_ARROWS)) {
      for (const to of tos) if (reaches(to, from)) cycles.push(`${from} -> ${to}`);
    }
    expect(cycles).toEqual([]);
  });

  it('has no cycles between folders at any depth (cluster/protocol and cluster/protocol/registry too)', () => {
    const arrows = new Map<string, Set<string>>();
    for (const file of ['cluster', 'lab'].flatMap(sources)) {
      const from = path.dirname(rel(file));
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)'/gms)) {
        const to = path.dirname(rel(path.normalize(path.join(path.dirname(file), m[1] as string))));
        if (to !== from) (arrows.get(from) ?? arrows.set(from, new Set()).get(from))?.add(to);
      }
    }
    const reachable = (start: string, goal: string): boolean => {
      const seen = new Set([start]);
      const stack = [start];
      while (stack.length > 0) {
        for (const next of arrows.get(stack.pop() as string) ?? []) {
          if (next === goal) return true;
          if (seen.has(next)) continue;
          seen.add(next);
          stack.push(next);
        }
      }
      return false;
    };
    const cycles = [...arrows].flatMap(([from, tos]) =>
      [...tos].filter((to) => reachable(to, from)).map((to) => `${from} -> ${to}`),
    );
    expect(cycles).toEqual([]);
  });
});

/** Each source file's static imports (not `import type`, not `import()`), as files. */
function staticImports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of ['cluster', 'lab'].flatMap(sources)) {
    const text = fs.readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from '(\.[^']+)'/gms)) {
      deps.push(path.normalize(path.join(path.dirname(file), (m[1] as string).replace(/\.js$/, '.ts'))));
    }
    graph.set(file, deps);
  }
  return graph;
}

/** `cluster/namenode/editlog/ops.ts` → `cluster/namenode`; a file directly in lab/ → `lab`. */
function folderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

function reaches(from: string, to: string): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const next of ALLOWED_ARROWS[stack.pop() as string] ?? []) {
      if (next === to) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(next);
    }
  }
  return false;
}

/**
 * Which folder may import which (cluster/protocol, the shared vocabulary, may be imported by all).
 * Cores (common, config, net, protocol, namenode, datanode, secondary, balancer, sim) import only
 * cores; home and transport sit above them; client and runtime above those (a DataNode uses the
 * client's BlockWriter to copy a replica, never the other way); launcher starts runtime by path.
 * The exercise side is layered bottom to top: checks (the probe vocabulary and its live answers),
 * scenario (scripted steps, which observe through probes), pack (the format, loading, validation,
 * seeds), answers (answer sheets, their preparation, judging and scoring), runner (the interactive
 * `lab exercise`), grading (`lab grade`, `lab pack test` and their reports).
 */
const CORES = ['cluster/common', 'cluster/config', 'cluster/net', 'cluster/namenode'];
const ALLOWED_ARROWS: Record<string, string[]> = {
  'cluster/common': [],
  'cluster/config': ['cluster/common'],
  'cluster/net': ['cluster/common'],
  'cluster/protocol': ['cluster/common'],
  'cluster/namenode': ['cluster/common', 'cluster/config', 'cluster/net'],
  'cluster/datanode': ['cluster/common'],
  'cluster/secondary': ['cluster/namenode'],
  'cluster/balancer': CORES,
  'cluster/sim': [...CORES, 'cluster/datanode'],
  'cluster/home': ['cluster/config', 'cluster/net'],
  'cluster/transport': ['cluster/common', 'cluster/home'],
  'cluster/client': [
    'cluster/common',
    'cluster/config',
    'cluster/home',
    'cluster/namenode',
    'cluster/secondary',
    'cluster/transport',
  ],
  'cluster/runtime': [
    ...CORES,
    'cluster/balancer',
    'cluster/client',
    'cluster/datanode',
    'cluster/home',
    'cluster/secondary',
    'cluster/transport',
  ],
  'cluster/launcher': [
    'cluster/client',
    'cluster/common',
    'cluster/config',
    'cluster/home',
    'cluster/net',
    'cluster/transport',
  ],
  'lab/format': ['cluster/common', 'cluster/namenode', 'cluster/secondary'],
  'lab/traffic': ['cluster/common', 'cluster/transport'],
  'lab/trace': ['lab/format', 'lab/traffic'],
  'lab/cli': [
    'cluster/client',
    'cluster/common',
    'cluster/config',
    'cluster/home',
    'cluster/launcher',
    'cluster/transport',
    'lab/format',
  ],
  'lab/checks': [
    'cluster/client',
    'cluster/common',
    'cluster/config',
    'cluster/datanode',
    'cluster/home',
    'cluster/namenode',
    'cluster/transport',
    'lab/cli',
    'lab/trace',
    'lab/traffic',
  ],
  'lab/scenario': [
    'cluster/client',
    'cluster/common',
    'cluster/datanode',
    'cluster/home',
    'cluster/launcher',
    'cluster/transport',
    'lab/checks',
    'lab/cli',
    'lab/traffic',
  ],
  'lab/pack': [
    'cluster/common',
    'cluster/config',
    'cluster/launcher',
    'cluster/namenode',
    'lab/checks',
    'lab/cli',
    'lab/scenario',
  ],
  'lab/answers': ['cluster/common', 'lab/checks', 'lab/cli', 'lab/pack', 'lab/scenario'],
  'lab/runner': [
    'cluster/client',
    'cluster/common',
    'cluster/home',
    'cluster/launcher',
    'lab/answers',
    'lab/checks',
    'lab/pack',
    'lab/scenario',
    'lab/traffic',
  ],
  'lab/grading': [
    'cluster/common',
    'cluster/home',
    'cluster/launcher',
    'lab/answers',
    'lab/checks',
    'lab/format',
    'lab/pack',
    'lab/runner',
    'lab/scenario',
  ],
  'lab/tui': [
    'cluster/client',
    'cluster/common',
    'cluster/home',
    'cluster/launcher',
    'cluster/namenode',
    'cluster/transport',
    'lab/cli',
    'lab/format',
    'lab/scenario',
    'lab/trace',
    'lab/traffic',
  ],
  'lab/commands': [
    'cluster/balancer',
    'cluster/client',
    'cluster/common',
    'cluster/config',
    'cluster/home',
    'cluster/launcher',
    'cluster/namenode',
    'cluster/net',
    'cluster/secondary',
    'cluster/transport',
    'lab/answers',
    'lab/checks',
    'lab/cli',
    'lab/format',
    'lab/grading',
    'lab/pack',
    'lab/runner',
    'lab/scenario',
    'lab/trace',
    'lab/traffic',
    'lab/tui',
    'lab/web',
  ],
  'lab/web': [
    'cluster/common',
    'cluster/home',
    'cluster/net',
    'cluster/transport',
    'lab/format',
    'lab/runner',
    'lab/trace',
  ],
  lab: ['lab/cli', 'lab/commands'],
};
