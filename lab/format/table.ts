/**
 * FsUsage.TableBuilder: columns two spaces apart, each as wide as its widest cell (header
 * included); right-aligned columns padded on the left, others on the right, except a left-aligned
 * last column, which is never padded (no trailing spaces).
 */
export interface TableOptions {
  rightAlign?: readonly number[];
  hidden?: readonly number[];
}

export function renderTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  if (rows.length === 0) return '';
  const columns = rows[0]!.length;
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const right = new Set(options.rightAlign ?? []);
  const hidden = new Set(options.hidden ?? []);
  const render = (row: readonly string[]): string => {
    const cells: string[] = [];
    for (let c = 0; c < columns; c++) {
      if (hidden.has(c)) continue;
      const cell = row[c]!;
      if (right.has(c)) cells.push(cell.padStart(widths[c]!));
      else if (c !== columns - 1) cells.push(cell.padEnd(widths[c]!));
      else cells.push(cell);
    }
    return cells.join('  ');
  };
  return rows.map((r) => `${render(r)}\n`).join('');
}
