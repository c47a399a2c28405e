/**
 * Reading a pack folder: the I/O edge of validate.ts. Every regular file under the folder is read
 * (packs are small text), up to the limits, so validation and the pack hash see the same files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from './pack.js';
import { packHash, type PackFileBytes } from './pack-hash.js';
import { PACK_LIMITS } from './schema.js';
import { validatePack, type ValidationResult } from './validate.js';

/** Folders that are never part of a pack. */
const SKIPPED = new Set(['.git', 'node_modules', '.DS_Store']);

export function readPackFiles(dir: string): { files: PackFileBytes[]; diagnostics: Diagnostic[] } {
  const files: PackFileBytes[] = [];
  const diagnostics: Diagnostic[] = [];
  let total = 0;
  const visit = (relative: string): void => {
    for (const name of readdirSync(path.join(dir, relative)).sort()) {
      if (SKIPPED.has(name)) continue;
      const rel = relative === '' ? name : `${relative}/${name}`;
      const stat = statSync(path.join(dir, rel));
      if (stat.isDirectory()) visit(rel);
      else if (stat.isFile()) {
        total += stat.size;
        if (files.length >= PACK_LIMITS.filesMax || total > PACK_LIMITS.bytesMax) {
          diagnostics.push({
            file: rel,
            line: 1,
            column: 1,
            severity: 'error',
            message: `the pack is larger than ${PACK_LIMITS.filesMax} files or ${PACK_LIMITS.bytesMax} bytes; is this the right folder?`,
          });
          return;
        }
        files.push({ path: rel, bytes: readFileSync(path.join(dir, rel)) });
      }
    }
  };
  visit('');
  return { files, diagnostics };
}

export interface LoadedPack extends ValidationResult {
  dir: string;
  hash: string;
}

/** Read, validate and hash a pack folder. A folder that cannot be read is one diagnostic. */
export function loadPack(dir: string): LoadedPack {
  let read: ReturnType<typeof readPackFiles>;
  try {
    read = readPackFiles(dir);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { dir, hash: '', diagnostics: [{ file: '.', line: 1, column: 1, severity: 'error', message }] };
  }
  if (read.diagnostics.length > 0) return { dir, hash: '', diagnostics: read.diagnostics };
  const texts = new Map(read.files.map((f) => [f.path, Buffer.from(f.bytes).toString('utf8')]));
  return { dir, hash: packHash(read.files), ...validatePack(texts) };
}
