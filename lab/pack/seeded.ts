/**
 * A student's own version of a pack, from their seed: the cluster variant (variant.ts) and the
 * pack's parameters — file names, sizes, which DataNode to kill — chosen through the seeded PRNG,
 * then written into every YAML and Markdown file of the pack as template variables
 * (seeded-template.ts) before the pack is validated. Same seed → the same texts, setup and
 * expected answers on any machine; another seed → other values wherever the pack uses them.
 *
 * Parameters are declared in `params.yaml` at the pack's root (visible in every file) and in an
 * exercise folder (visible in that folder's files only):
 *
 *   file:                                     # a group: {{ file.size }}, {{ file.name }}
 *     size: { size: { min: 5m, max: 40m, step: 1m } }
 *     name: { name: { prefix: part-, length: 5 } }
 *   victim: { datanode: { exclude: [dn1] } }  # one DataNode of the student's cluster
 *   copies: { int: { min: 2, max: 3 } }
 *   ext: { oneOf: [csv, txt] }
 *
 * Built in: {{ seed }}, {{ cluster.datanodes }}, {{ cluster.racks }}, {{ cluster.blockSize }},
 * {{ cluster.replication }}. Each parameter draws from its own fork of the seed (by its full name),
 * so adding a parameter never changes the others.
 */
import { LOOPBACK } from '../../cluster/launcher/addresses.js';
import { identityFromSeed } from '../../cluster/namenode/identity.js';
import path from 'node:path';
import { createPrng, type Prng } from '../../cluster/common/prng.js';
import { parseSize } from '../../cluster/common/units.js';
import { defaultConfig } from '../../cluster/config/config.js';
import { readPackFiles, type LoadedPack } from './load.js';
import type { Diagnostic } from './pack.js';
import { packHash } from './pack-hash.js';
import { PackSchema } from './schema.js';
import { check } from '../cli/schema-check.js';
import { hasTemplate, renderTemplate, type TemplateScope, type TemplateValue } from './seeded-template.js';
import { validatePack } from './validate.js';
import { chooseVariant, type ClusterVariant } from './variant.js';
import { parseYaml } from '../cli/yaml.js';

export const PARAMS_FILE = 'params.yaml';

/** Limits, with why: parameters are a handful of names and numbers, not data. */
export const PARAM_LIMITS = {
  paramsMax: 200,
  nameLengthMax: 32,
  oneOfMax: 1000,
} as const;

export type ParamSpec =
  | { kind: 'size'; min: number; max: number; step: number }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'name'; prefix: string; length: number; suffix: string }
  | { kind: 'datanode'; exclude: string[] }
  | { kind: 'oneOf'; values: TemplateValue[] }
  | { kind: 'value'; value: TemplateValue };

export interface ParamDecl {
  /** `file.size`, or `upload-blocks:file.size` for an exercise's own. */
  name: string;
  /** The exercise folder it belongs to; undefined for the pack's. */
  exercise?: string;
  spec: ParamSpec;
}

const KINDS = new Set(['size', 'int', 'name', 'datanode', 'oneOf', 'value']);
const NAME_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

function problem(file: string, message: string, line = 1, column = 1): Diagnostic {
  return { file, line, column, severity: 'error', message };
}

function scalar(value: unknown): TemplateValue | undefined {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function readSpec(kind: string, body: unknown): ParamSpec | string {
  const o = (body ?? {}) as Record<string, unknown>;
  const size = (v: unknown): number => parseSize(String(v));
  switch (kind) {
    case 'size': {
      const min = size(o.min);
      const max = size(o.max);
      const step = o.step === undefined ? 1 : size(o.step);
      if (!(min <= max) || step <= 0) return 'size needs min ≤ max and a positive step';
      return { kind, min, max, step };
    }
    case 'int': {
      const min = Number(o.min);
      const max = Number(o.max);
      if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) return 'int needs whole min ≤ max';
      return { kind, min, max };
    }
    case 'name': {
      const length = o.length === undefined ? 6 : Number(o.length);
      if (!Number.isInteger(length) || length < 1 || length > PARAM_LIMITS.nameLengthMax)
        return `name length must be 1 to ${PARAM_LIMITS.nameLengthMax}`;
      return { kind, prefix: String(o.prefix ?? ''), suffix: String(o.suffix ?? ''), length };
    }
    case 'datanode': {
      const exclude = Array.isArray(o.exclude) ? o.exclude.map(String) : [];
      return { kind, exclude };
    }
    case 'oneOf': {
      if (!Array.isArray(body) || body.length === 0 || body.length > PARAM_LIMITS.oneOfMax)
        return `oneOf needs a list of 1 to ${PARAM_LIMITS.oneOfMax} values`;
      const values = body.map(scalar);
      if (values.some((v) => v === undefined)) return 'oneOf values must be numbers or strings';
      return { kind, values: values as TemplateValue[] };
    }
    default: {
      const value = scalar(body);
      return value === undefined ? 'value must be a number or a string' : { kind: 'value', value };
    }
  }
}

/** The parameters declared in one params.yaml; problems at their lines. */
export function readParams(
  file: string,
  text: string,
  exercise?: string,
): { params: ParamDecl[]; diagnostics: Diagnostic[] } {
  const parsed = parseYaml(text);
  const diagnostics = parsed.errors.map((e) => problem(file, `YAML: ${e.message}`, e.pos.line, e.pos.column));
  const params: ParamDecl[] = [];
  const visit = (node: typeof parsed.root, prefix: string): void => {
    if (node === undefined) return;
    if (node.kind !== 'map') {
      diagnostics.push(
        problem(file, `${prefix || 'params'}: expected a map`, node.pos.line, node.pos.column),
      );
      return;
    }
    for (const entry of node.entries) {
      const name = prefix === '' ? entry.key : `${prefix}.${entry.key}`;
      const at = entry.keyPos;
      if (!/^[A-Za-z_]\w*$/.test(entry.key)) {
        diagnostics.push(
          problem(file, `'${entry.key}': a parameter name is letters, digits and _`, at.line, at.column),
        );
        continue;
      }
      const value = entry.value;
      // A map with one key naming a kind is a parameter; any other map is a group of them.
      const kindKeys = value?.kind === 'map' ? value.entries.filter((e) => KINDS.has(e.key)) : [];
      if (value?.kind === 'map' && (kindKeys.length !== 1 || value.entries.length !== 1)) {
        visit(value, name);
        continue;
      }
      const [kind, body] =
        value?.kind === 'map'
          ? [kindKeys[0]!.key, valueOf(parsed.value, [...name.split('.'), kindKeys[0]!.key])]
          : ['value', valueOf(parsed.value, name.split('.'))];
      let spec: ParamSpec | string;
      try {
        spec = readSpec(kind, body);
      } catch (error) {
        spec = (error as Error).message;
      }
      if (typeof spec === 'string') diagnostics.push(problem(file, `${name}: ${spec}`, at.line, at.column));
      else params.push({ name, spec, ...(exercise === undefined ? {} : { exercise }) });
    }
  };
  visit(parsed.root, '');
  if (params.length > PARAM_LIMITS.paramsMax)
    diagnostics.push(problem(file, `more than ${PARAM_LIMITS.paramsMax} parameters`));
  return { params, diagnostics };
}

function valueOf(root: unknown, keys: string[]): unknown {
  let value = root;
  for (const key of keys) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** One parameter's value, from its own fork of the seed. */
export function chooseParam(spec: ParamSpec, prng: Prng, variant: ClusterVariant): TemplateValue {
  switch (spec.kind) {
    case 'size': {
      const steps = Math.floor((spec.max - spec.min) / spec.step);
      return { size: spec.min + spec.step * prng.int(steps + 1) };
    }
    case 'int':
      return spec.min + prng.int(spec.max - spec.min + 1);
    case 'name': {
      let name = '';
      for (let i = 0; i < spec.length; i++) name += NAME_ALPHABET[prng.int(NAME_ALPHABET.length)];
      return `${spec.prefix}${name}${spec.suffix}`;
    }
    case 'datanode': {
      const ids = Array.from({ length: variant.datanodes }, (_, i) => `dn${i + 1}`).filter(
        (id) => !spec.exclude.includes(id),
      );
      if (ids.length === 0) throw new Error('every DataNode is excluded');
      return ids[prng.int(ids.length)]!;
    }
    case 'oneOf':
      return spec.values[prng.int(spec.values.length)]!;
    case 'value':
      return spec.value;
  }
}

/** The built-in variables of a variant. */
export function clusterScope(variant: ClusterVariant): Map<string, TemplateValue> {
  const scope = new Map<string, TemplateValue>([
    ['seed', variant.seed],
    ['cluster.datanodes', variant.datanodes],
    ['cluster.blockSize', { size: variant.blockSizeBytes ?? defaultConfig().bytes('dfs.blocksize') }],
    [
      'cluster.replication',
      variant.replication ?? Math.min(defaultConfig().int('dfs.replication'), variant.datanodes),
    ],
    // The NameNode draws its block pool id from the seed (cluster/namenode/identity.ts) and runs
    // on the loopback address, so a reference solution can name a block file's whole path.
    ['cluster.blockPoolId', identityFromSeed(variant.seed, LOOPBACK).blockPoolId],
  ]);
  if (variant.racks !== undefined) scope.set('cluster.racks', variant.racks);
  return scope;
}

/** The values of every parameter: the pack's (global) and each exercise's (by folder). */
export interface SeededScope {
  pack: Map<string, TemplateValue>;
  exercises: Map<string, Map<string, TemplateValue>>;
}

export function chooseParams(
  declared: readonly ParamDecl[],
  variant: ClusterVariant,
): { scope: SeededScope; diagnostics: Diagnostic[] } {
  const root = createPrng(variant.seed).fork('pack-params');
  const pack = clusterScope(variant);
  const exercises = new Map<string, Map<string, TemplateValue>>();
  const diagnostics: Diagnostic[] = [];
  for (const decl of declared.filter((d) => d.exercise === undefined)) {
    pack.set(decl.name, chooseParam(decl.spec, root.fork(decl.name), variant));
  }
  for (const decl of declared.filter((d) => d.exercise !== undefined)) {
    const ex = decl.exercise!;
    const file = `${ex}/${PARAMS_FILE}`;
    if (pack.has(decl.name)) {
      diagnostics.push(problem(file, `${decl.name} is already a parameter of the pack (or built in)`));
      continue;
    }
    const own = exercises.get(ex) ?? new Map<string, TemplateValue>();
    try {
      own.set(decl.name, chooseParam(decl.spec, root.fork(`${ex}/${decl.name}`), variant));
    } catch (error) {
      diagnostics.push(problem(file, `${decl.name}: ${(error as Error).message}`));
    }
    exercises.set(ex, own);
  }
  return { scope: { pack, exercises }, diagnostics };
}

/** The variables a file sees: the pack's, and its exercise folder's own. */
export function scopeForFile(scope: SeededScope, file: string): TemplateScope {
  const folder = file.includes('/') ? file.slice(0, file.indexOf('/')) : undefined;
  const own = folder === undefined ? undefined : scope.exercises.get(folder);
  return own === undefined ? scope.pack : new Map([...scope.pack, ...own]);
}

/** Files whose text is rendered: the pack's YAML and Markdown. Other files (data) stay as they are. */
export function isTemplated(file: string): boolean {
  return /\.(ya?ml|md|markdown)$/i.test(file) && path.posix.basename(file) !== PARAMS_FILE;
}

/** Render every templated file; problems at their file, line and column. */
export function renderFiles(
  texts: ReadonlyMap<string, string>,
  scope: SeededScope,
): { texts: Map<string, string>; diagnostics: Diagnostic[] } {
  const out = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const [file, text] of texts) {
    if (!isTemplated(file) || !hasTemplate(text)) {
      out.set(file, text);
      continue;
    }
    const rendered = renderTemplate(text, scopeForFile(scope, file));
    out.set(file, rendered.text);
    for (const p of rendered.problems) diagnostics.push(problem(file, p.message, p.line, p.column));
  }
  return { texts: out, diagnostics };
}

/** Every params.yaml of a pack's files. */
export function declaredParams(texts: ReadonlyMap<string, string>): {
  params: ParamDecl[];
  diagnostics: Diagnostic[];
} {
  const params: ParamDecl[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [file, text] of texts) {
    const parts = file.split('/');
    if (parts[parts.length - 1] !== PARAMS_FILE || parts.length > 2) continue;
    const read = readParams(file, text, parts.length === 2 ? parts[0] : undefined);
    params.push(...read.params);
    diagnostics.push(...read.diagnostics);
  }
  return { params, diagnostics };
}

export interface SeededPack extends LoadedPack {
  seed: string;
  /** Present when pack.yaml's cluster could be read. */
  variant?: ClusterVariant;
  scope?: SeededScope;
}

/**
 * A pack's files as one student sees them: parameters chosen, templates rendered, then validated.
 * Pure; `loadSeededPack` reads the folder. A pack without templates validates exactly as before.
 */
export function seedPackTexts(
  texts: ReadonlyMap<string, string>,
  seed: string,
): Omit<SeededPack, 'dir' | 'hash'> {
  const packText = texts.get('pack.yaml');
  const parsed = packText === undefined ? undefined : parseYaml(packText);
  const read = parsed === undefined ? undefined : check(PackSchema, parsed.value);
  if (read === undefined || !read.ok) return { seed, ...validatePack(texts) };
  const variant = chooseVariant(read.value.cluster, seed);
  const declared = declaredParams(texts);
  const chosen = chooseParams(declared.params, variant);
  const rendered = renderFiles(texts, chosen.scope);
  const diagnostics = [...declared.diagnostics, ...chosen.diagnostics, ...rendered.diagnostics];
  // Validating files whose templates could not be rendered would only repeat the same places as
  // YAML errors: the template problems are the ones to fix.
  if (diagnostics.some((d) => d.severity === 'error'))
    return { seed, variant, scope: chosen.scope, diagnostics };
  const validated = validatePack(rendered.texts);
  return {
    seed,
    variant,
    scope: chosen.scope,
    ...validated,
    diagnostics: [...diagnostics, ...validated.diagnostics],
  };
}

/** Read, seed, render, validate and hash (the hash is of the files as written: one per pack). */
export function loadSeededPack(dir: string, seed: string): SeededPack {
  let read: ReturnType<typeof readPackFiles>;
  try {
    read = readPackFiles(dir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { dir, hash: '', seed, diagnostics: [problem('.', message)] };
  }
  if (read.diagnostics.length > 0) return { dir, hash: '', seed, diagnostics: read.diagnostics };
  const texts = new Map(read.files.map((f) => [f.path, Buffer.from(f.bytes).toString('utf8')]));
  return { dir, hash: packHash(read.files), ...seedPackTexts(texts, seed) };
}

/** Render a text outside the pack (a reference solution) with the pack's parameters. */
export function renderWithScope(
  text: string,
  scope: SeededScope,
  exercise?: string,
): { text: string; problems: string[] } {
  const vars = exercise === undefined ? scope.pack : scopeForFile(scope, `${exercise}/x`);
  const rendered = renderTemplate(text, vars);
  return {
    text: rendered.text,
    problems: rendered.problems.map((p) => `${p.line}:${p.column}: ${p.message}`),
  };
}

/** A rendered list of a student's parameters, for `lab pack start` and the exercise intro. */
export function describeParams(scope: SeededScope): string[] {
  const lines: string[] = [];
  const show = (v: TemplateValue): string => (typeof v === 'object' ? `${v.size} bytes` : String(v));
  for (const [name, value] of scope.pack) lines.push(`${name} = ${show(value)}`);
  for (const [exercise, own] of scope.exercises)
    for (const [name, value] of own) lines.push(`${exercise}: ${name} = ${show(value)}`);
  return lines;
}
