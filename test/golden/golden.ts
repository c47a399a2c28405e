/**
 * Golden-file comparison in the style of etcd-io/raft's datadriven tests: the expected text lives in
 * test/golden/<name>; run with UPDATE_GOLDEN=1 to rewrite the files, then review the diff.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const GOLDEN_DIR = path.dirname(fileURLToPath(import.meta.url));

export function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.writeFileSync(file, actual);
    return;
  }
  if (!fs.existsSync(file)) {
    throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 to create it, then review it`);
  }
  expect(actual, `differs from golden ${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(
    fs.readFileSync(file, 'utf8'),
  );
}

/** 16 bytes per line, offset first: a reviewable text form of binary goldens. */
export function hexDump(buf: Buffer): string {
  const lines: string[] = [];
  for (let o = 0; o < buf.length; o += 16) {
    const bytes = [...buf.subarray(o, o + 16)].map((b) => b.toString(16).padStart(2, '0'));
    lines.push(`${o.toString(16).padStart(8, '0')}  ${bytes.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
