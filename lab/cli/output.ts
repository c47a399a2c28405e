/**
 * Output helpers shared by the commands: JSON for `--json`, tables, and ages. Everything a command
 * prints goes through `out` / `err` so tests can capture it.
 */
import { renderTable } from '../format/table.js';

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `--json`: two-space indentation, one trailing newline. */
export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** Header row plus rows, columns two spaces apart. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  out(renderTable([header, ...rows]).replace(/\n$/, ''));
}

/** "1.2 s ago", "3 min ago": how long since an epoch-ms time, for heartbeats. */
export function formatAgo(thenMs: number, nowMs: number = Date.now()): string {
  const ms = Math.max(0, nowMs - thenMs);
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  return `${(ms / 3_600_000).toFixed(1)} h ago`;
}
