/**
 * The architecture rules of DESIGN.md and STYLE.md, checked on the source: cores take time and
 * randomness as inputs and do no I/O, third-party libraries come in through one wrapper each, and
 * no module imports itself back through a cycle.
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
      yaml: ['lab/exercises/yaml.ts'],
      '@inquirer/prompts': ['lab/exercises/prompts.ts'],
      blessed: ['lab/tui/blessed.ts'],
      'blessed-contrib': ['lab/tui/blessed.ts'],
    };
    const found: Record<string, string[]> = {};
    for (const file of ['cluster', 'lab'].flatMap(sources)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const lib of Object.keys(wrappers)) {
        if (new RegExp(`from '${lib.replace('/', '\\/')}'`).test(text)) (found[lib] ??= []).push(rel(file));
      }
    }
    for (const [lib, files] of Object.entries(found)) expect(files, lib).toEqual(wrappers[lib]);
  });

  it('has no import cycles', () => {
    const graph = new Map<string, string[]>();
    for (const file of ['cluster', 'lab'].flatMap(sources)) {
      const text = fs.readFileSync(file, 'utf8');
      const deps: string[] = [];
      for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from '(\.[^']+)'/gms)) {
        deps.push(path.normalize(path.join(path.dirname(file), (m[1] as string).replace(/\.js$/, '.ts'))));
      }
      graph.set(file, deps);
    }
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
});
