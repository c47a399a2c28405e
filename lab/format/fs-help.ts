/**
 * `lab fs -help CMD` as FsShell.printInstanceHelp prints a command's DESCRIPTION: the usage and
 * " :", then each description line wrapped at 80 columns (StringUtils.wrap) after two spaces, except
 * runs of option lines (`-x: text`, `<arg>: text`), which become a two-column TableListing.
 */

/** FsShell.MAX_LINE_WIDTH. */
const HELP_WIDTH = 80;
const PREFIX = '  ';

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return parts;
}

/** StringUtils.wrap(str, width, "\n", true), split into lines. */
export function wrapLines(text: string, width: number): string[] {
  const lines: string[] = [];
  let offset = 0;
  while (text.length - offset > width) {
    if (text[offset] === ' ') {
      offset++;
      continue;
    }
    const space = text.lastIndexOf(' ', width + offset);
    if (space >= offset) {
      lines.push(text.slice(offset, space));
      offset = space + 1;
    } else {
      lines.push(text.slice(offset, offset + width));
      offset += width;
    }
  }
  lines.push(text.slice(offset));
  return javaSplit(lines.join('\n'), '\n');
}

/**
 * TableListing with two untitled LEFT columns (the second wraps) and wrapWidth 80, headers shown:
 * the empty header row prints as padding, columns are joined by one space and padded to width.
 */
function optionTable(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const widthOf = (values: string[]): number => Math.max(1, ...values.map((v) => v.length + 1));
  const first = widthOf(rows.map((r) => r[0]));
  let second = widthOf(rows.map((r) => r[1]));
  let wrapAt = Number.MAX_SAFE_INTEGER;
  // TableListing.toString narrows the wrapping column (inter-column padding counted as 2).
  for (let width = 2 + first + second; width > HELP_WIDTH && second > 10; width--) {
    wrapAt = second - 1;
    second = wrapAt;
  }
  const out: string[] = [];
  for (const [left, right] of [['', ''] as const, ...rows]) {
    const rightLines = wrapLines(right, wrapAt).map((l) => l.padEnd(second));
    const leftLines = [left.padEnd(first)];
    for (let i = 0; i < Math.max(leftLines.length, rightLines.length); i++) {
      out.push(`${leftLines[i] ?? ' '.repeat(first)} ${rightLines[i] ?? ' '.repeat(second)}`);
    }
  }
  return out;
}

/** The text of `-help CMD` for a command with its usage (`-name …`) and description. */
export function formatCommandHelp(usage: string, description: string): string {
  const out = [`${usage} :`];
  let rows: Array<[string, string]> = [];
  const flush = (): void => {
    if (rows.length > 0) out.push(...optionTable(rows).map((l) => PREFIX + l));
    rows = [];
  };
  for (const line of javaSplit(description, '\n')) {
    if (/^[ \t]*[-<]/.test(line)) {
      const segments = javaSplit(line, ':');
      if (segments.length === 2) {
        rows.push([(segments[0] as string).trim(), (segments[1] as string).trim()]);
        continue;
      }
    }
    flush();
    out.push(...wrapLines(line, HELP_WIDTH).map((l) => PREFIX + l));
  }
  flush();
  return out.join('\n');
}
