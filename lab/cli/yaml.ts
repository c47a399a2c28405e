/**
 * The only importer of the `yaml` library. It turns YAML text into a small tree of our own
 * (maps, sequences, scalars) in which every node knows its line and column, so that pack
 * validation and answer reading can point at FILE:LINE:COLUMN without knowing yaml's AST.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  stringify,
  type Node,
} from 'yaml';

/** 1-based line and column, as editors and compilers print them. */
export interface Position {
  line: number;
  column: number;
}

export type YamlNode = YamlMap | YamlSeq | YamlScalar;

export interface YamlMap {
  kind: 'map';
  pos: Position;
  entries: YamlEntry[];
}

export interface YamlEntry {
  key: string;
  keyPos: Position;
  value: YamlNode | undefined;
}

export interface YamlSeq {
  kind: 'seq';
  pos: Position;
  items: YamlNode[];
}

export interface YamlScalar {
  kind: 'scalar';
  pos: Position;
  /** The value as YAML 1.2 (core schema) reads it: string, number, boolean or null. */
  value: unknown;
  /**
   * The text as written, without quotes: answers are read from this so that `007` stays `007`
   * and `1e3` is not silently a number where a text answer was meant.
   */
  source: string;
  quoted: boolean;
}

export interface YamlProblem {
  message: string;
  pos: Position;
}

export interface ParsedYaml {
  /** Plain JavaScript value of the document (what `JSON.parse` would give for JSON). */
  value: unknown;
  /** The tree with positions; undefined for an empty document. */
  root: YamlNode | undefined;
  /** Syntax errors; the tree and value hold what could still be read. */
  errors: YamlProblem[];
}

/** The yaml library's first error line, without its code excerpt (we print our own position). */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const posOf = (offset: number | undefined): Position => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col };
  };
  const errors = doc.errors.map((error) => ({ message: firstLine(error.message), pos: posOf(error.pos[0]) }));
  const root = doc.contents ? toTree(doc.contents as Node, posOf) : undefined;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias bomb or a broken alias: report it and keep the tree.
    errors.push({ message: error instanceof Error ? error.message : String(error), pos: posOf(0) });
    value = undefined;
  }
  return { value, root, errors };
}

function toTree(node: Node, posOf: (offset: number | undefined) => Position): YamlNode {
  const pos = posOf(node.range?.[0]);
  if (isMap(node)) {
    const entries: YamlEntry[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const value = pair.value ? toTree(pair.value as Node, posOf) : undefined;
      entries.push({ key, keyPos: posOf(keyNode?.range?.[0]), value });
    }
    return { kind: 'map', pos, entries };
  }
  if (isSeq(node)) {
    return { kind: 'seq', pos, items: node.items.map((item) => toTree(item as Node, posOf)) };
  }
  if (isScalar(node)) {
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const source = typeof node.source === 'string' && !quoted ? node.source : String(node.value ?? '');
    return { kind: 'scalar', pos, value: node.value, source, quoted };
  }
  if (isAlias(node)) return { kind: 'scalar', pos, value: null, source: `*${node.source}`, quoted: false };
  return { kind: 'scalar', pos, value: null, source: '', quoted: false };
}

export interface Located {
  pos: Position;
  /** True when the whole path was found; false when `pos` is the nearest existing parent. */
  exact: boolean;
}

/**
 * The position of the node at `path` (map keys and sequence indices). When the path runs past
 * what exists (a missing required key), the deepest existing node is given. `atKey` points at the
 * key of the last map entry instead of its value (for "unknown key" messages).
 */
export function locate(
  root: YamlNode | undefined,
  path: readonly PropertyKey[],
  options: { atKey?: boolean } = {},
): Located {
  let node: YamlNode | undefined = root;
  let pos: Position = root?.pos ?? { line: 1, column: 1 };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (node?.kind === 'map') {
      const entry: YamlEntry | undefined = node.entries.find((e) => e.key === String(segment));
      if (!entry) return { pos, exact: false };
      const last = i === path.length - 1;
      pos = last && options.atKey ? entry.keyPos : (entry.value?.pos ?? entry.keyPos);
      node = entry.value;
    } else if (node?.kind === 'seq' && typeof segment === 'number') {
      const item: YamlNode | undefined = node.items[segment];
      if (!item) return { pos, exact: false };
      pos = item.pos;
      node = item;
    } else {
      return { pos, exact: false };
    }
  }
  return { pos, exact: true };
}

/** YAML text for files the lab writes (answers, scaffolds): two-space indent, no line folding. */
export function stringifyYaml(value: unknown): string {
  return stringify(value, { indent: 2, lineWidth: 0 });
}
