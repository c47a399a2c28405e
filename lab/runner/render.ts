/**
 * What the runner prints, pure: Markdown as terminal text, a check's verdict with what was
 * expected, what was found and where to look, and the lists of `lab exercises` / `lab progress`.
 * Colour is an option (off when the output is not a terminal, or with NO_COLOR).
 */
import { styleText } from 'node:util';
import { HIDDEN_MESSAGE, publicMessage, type CheckResult } from '../answers/judge.js';
import type { Exercise, Hint, Pack } from '../pack/pack.js';
import { hintsTaken, type ExerciseProgress, type Progress } from './progress.js';

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  code(text: string): string;
  good(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
}

/**
 * One of util.styleText's formats. Whether to colour at all is styleFor's choice, so styleText is
 * told not to look at a stream itself.
 */
const styled = (format: Parameters<typeof styleText>[0]) => (text: string) =>
  styleText(format, text, { validateStream: false });

export const COLOR: Style = {
  bold: styled('bold'),
  dim: styled('dim'),
  code: styled('cyan'),
  good: styled('green'),
  bad: styled('red'),
  warn: styled('yellow'),
};

const same = (text: string) => text;
export const PLAIN: Style = { bold: same, dim: same, code: same, good: same, bad: same, warn: same };

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return stream.isTTY === true && env.NO_COLOR === undefined ? COLOR : PLAIN;
}

function inline(text: string, style: Style): string {
  return text
    .replace(/`([^`]+)`/g, (_m, code: string) => style.code(code))
    .replace(/\*\*([^*]+)\*\*/g, (_m, bold: string) => style.bold(bold))
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_m, label: string, url: string) => `${label} (${url})`);
}

/** A Markdown table row (`| a | b |`): its cells, trimmed; a `|---|:--:|` separator has only dashes and colons. */
const tableCells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
const isTableRow = (line: string): boolean => /^\s*\|.*\|\s*$/.test(line);
const isSeparator = (cells: string[]): boolean => cells.every((c) => /^:?-+:?$/.test(c));

/**
 * A Markdown table as aligned columns, two spaces apart, its header in bold and no pipes or
 * dashes: what a reader sees in a terminal, where the raw table is noise.
 */
function renderTable(rows: string[], style: Style): string[] {
  const cells = rows.map(tableCells).filter((row) => !isSeparator(row));
  const width = (cell: string): number => inline(cell, PLAIN).length;
  const widths: number[] = [];
  for (const row of cells) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return cells.map((row, r) =>
    row
      .map((cell, i) => {
        const text = r === 0 ? style.bold(inline(cell, PLAIN)) : inline(cell, style);
        return i === row.length - 1 ? text : text + ' '.repeat((widths[i] ?? 0) - width(cell));
      })
      .join('  ')
      .trimEnd(),
  );
}

/**
 * Markdown for a terminal: headings in bold, fenced code indented (and kept as written, for
 * copying), lists with bullets, tables as aligned columns, inline code highlighted. Enough for
 * exercise steps; not a renderer.
 */
export function renderMarkdown(markdown: string, style: Style): string {
  const out: string[] = [];
  let fenced = false;
  let table: string[] = [];
  const flushTable = (): void => {
    if (table.length > 0) out.push(...renderTable(table, style));
    table = [];
  };
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    if (!fenced && isTableRow(line)) {
      table.push(line);
      continue;
    }
    flushTable();
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      out.push(`    ${style.code(line)}`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      out.push(style.bold(heading[1]!.length <= 2 ? heading[2]!.toUpperCase() : heading[2]!));
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1]}  • ${inline(bullet[2]!, style)}`);
      continue;
    }
    out.push(inline(line, style));
  }
  flushTable();
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const MARK: Record<CheckResult['status'], string> = { pass: '✓', fail: '✗', unknown: '?', skip: '-' };

/** One verdict as the student sees it (hidden checks keep their details). */
export function renderResult(result: CheckResult, style: Style): string {
  const paint = result.status === 'pass' ? style.good : result.status === 'fail' ? style.bad : style.warn;
  const head = `${paint(`${MARK[result.status]} ${result.status}`)} ${result.question}`;
  if (result.status === 'pass') return `${head}: ${publicMessage(result)}`;
  if (result.hidden && result.status !== 'skip') return `${head}: ${HIDDEN_MESSAGE}`;
  const lines = [head];
  if (result.parts !== undefined) {
    for (const part of result.parts) lines.push(`  ${renderResult(part, style).replace(/\n/g, '\n  ')}`);
    return lines.join('\n');
  }
  if (result.expected !== undefined && result.found !== undefined) {
    lines.push(`  expected: ${result.expected}`, `  found:    ${result.found}`);
    if (result.lookAt !== undefined) lines.push(`  look at:  ${style.code(result.lookAt)}`);
  } else lines.push(`  ${result.message}`);
  return lines.join('\n');
}

/** `(costs 1 point when graded)`, or nothing for a free hint. */
export function hintCostNote(hint: Hint): string {
  return hint.cost > 0 ? ` (costs ${hint.cost} point${hint.cost === 1 ? '' : 's'} when graded)` : '';
}

/** `Hint 1/2 for eighty-sizes (costs 1 point when graded): …`; an exercise's hint names no question. */
export function renderHint(
  turn: { hint: Hint; index: number; total: number; question?: { id: string } },
  style: Style,
): string {
  const of = turn.question === undefined ? '' : ` for ${turn.question.id}`;
  return `${style.warn(`Hint ${turn.index + 1}/${turn.total}${of}`)}${style.dim(hintCostNote(turn.hint))}: ${renderMarkdown(turn.hint.text, style)}`;
}

function exerciseProgress(progress: Progress, pack: Pack, exercise: Exercise): ExerciseProgress | undefined {
  return progress.packs[pack.id]?.exercises[exercise.id];
}

function statusWord(p: ExerciseProgress | undefined, exercise: Exercise): string {
  if (!p || p.status === 'not-started') return 'not started';
  if (p.status === 'passed') return 'passed';
  const passed = Object.values(p.checks).filter((c) => c.status === 'pass').length;
  return `${passed}/${exercise.questions.length} right`;
}

/** `lab exercises`: each pack, then its exercises with their status. */
export function renderCatalog(
  packs: readonly { pack: Pack; dir: string; builtIn: boolean }[],
  progress: Progress,
  style: Style,
): string {
  const lines: string[] = [];
  for (const { pack, dir, builtIn } of packs) {
    lines.push(
      `${style.bold(pack.id)} ${pack.version} — ${pack.title}${builtIn ? '' : style.dim(` (${dir})`)}`,
    );
    const visible = pack.exercises.filter((e) => !e.hidden);
    const width = Math.max(...visible.map((e) => e.id.length), 2);
    visible.forEach((exercise, i) => {
      const p = exerciseProgress(progress, pack, exercise);
      const mark =
        p?.status === 'passed' ? style.good('✓') : p && p.status !== 'not-started' ? style.warn('…') : ' ';
      lines.push(
        `  ${mark} ${String(i + 1).padStart(2)}. ${exercise.id.padEnd(width)}  ${exercise.title}  ${style.dim(`[${statusWord(p, exercise)}]`)}`,
      );
    });
    lines.push('');
  }
  if (packs.length === 0) lines.push('No packs found. Give one with --pack DIR.');
  else lines.push('Start one with `lab exercise ID`; re-check answers with `lab check ID`.');
  return lines.join('\n');
}

/** `lab progress`: points per exercise and in all, hints taken. */
export function renderProgress(packs: readonly { pack: Pack }[], progress: Progress, style: Style): string {
  const lines: string[] = [];
  for (const { pack } of packs) {
    const packProgress = progress.packs[pack.id];
    if (!packProgress || Object.keys(packProgress.exercises).length === 0) continue;
    let score = 0;
    let max = 0;
    lines.push(
      `${style.bold(pack.id)}${packProgress.seed === undefined ? '' : style.dim(` · seed ${packProgress.seed}`)}`,
    );
    for (const exercise of pack.exercises) {
      const p = exerciseProgress(progress, pack, exercise);
      if (exercise.hidden && !p) continue;
      const points = Object.values(p?.checks ?? {}).reduce((sum, c) => sum + c.score, 0);
      score += points;
      max += exercise.points;
      const hints = p && hintsTaken(p) > 0 ? style.dim(` · ${hintsTaken(p)} hint(s)`) : '';
      lines.push(
        `  ${exercise.id.padEnd(24)} ${statusWord(p, exercise).padEnd(12)} ${fmt(points)}/${fmt(exercise.points)}${hints}`,
      );
    }
    lines.push(`  ${'total'.padEnd(24)} ${''.padEnd(12)} ${fmt(score)}/${fmt(max)}`, '');
  }
  if (lines.length === 0) return 'No progress yet: start with `lab exercises`.';
  return lines.join('\n').trimEnd();
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
