/**
 * Where the lab is installed: the folder of its package.json, which holds bin/, dist/ and the
 * shipped exercise packs. Found by walking up from this module, so it is the same answer whether
 * the code runs from sources (vitest), from tsc's dist/ or from the bundle in dist/bundle/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'hdfs-lab';

function isLabPackage(dir: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return pkg.name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

let cached: string | undefined;

export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isLabPackage(dir)) return (cached = dir);
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`no ${PACKAGE_NAME} package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The daemon entry point every lab process runs (`node <it> --role nn|snn|dn …`). */
export function daemonScriptPath(): string {
  return path.join(packageRoot(), 'dist', 'bundle', 'cluster', 'runtime', 'main.js');
}
