/**
 * docs/ARCHITECTURE.md's rule 7 (small functions), checked: a function in cluster/ or lab/ over 100 lines says why in
 * its leading comment, on a line that starts `Long:` (a table of cases a reader scans, a wire loop
 * whose state would scatter if split). Generated code (protocol/gen/) is not ours to shape.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const LINES_MAX = 100;

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory() && entry.name !== 'gen') walk(full);
      else if (entry.name.endsWith('.ts')) out.push(full);
    }
  };
  walk(path.join(repo, dir));
  return out;
}

/** Nodes whose children are statements or members: a function's comment sits before that child. */
function holdsStatements(node: ts.Node): boolean {
  return (
    ts.isSourceFile(node) || ts.isClassLike(node) || ts.isBlock(node) || ts.isObjectLiteralExpression(node)
  );
}

function longFunctions(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  // `holder`: the statement or member that holds the node (`const f = () => …` holds the arrow).
  const visit = (node: ts.Node, holder: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const lines = source.getLineAndCharacterOfPosition(node.end).line - first + 1;
      const comments = (ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? [])
        .map((r) => text.slice(r.pos, r.end))
        .join('\n');
      if (lines > LINES_MAX && !/^\s*(\/\/|\*)\s*Long:/m.test(comments))
        found.push(`${path.relative(repo, file)}:${first + 1} (${lines} lines)`);
    }
    ts.forEachChild(node, (child) => visit(child, holdsStatements(node) ? child : holder));
  };
  visit(source, source);
  return found;
}

describe('function length', () => {
  it(`says why a function runs over ${LINES_MAX} lines`, () => {
    expect(['cluster', 'lab'].flatMap(sources).flatMap(longFunctions)).toEqual([]);
  });
});
