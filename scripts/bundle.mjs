// After tsc: bundle the two entry points every lab process starts from — `lab` (dist/lab/main.js)
// and the daemons (dist/cluster/runtime/main.js) — into dist/bundle/, with the shared code in
// chunks and each command's module still loaded only when it runs (dynamic imports become chunks).
// Every `lab` command and every daemon is a fresh process, and loading ~200 small ES modules one by
// one (resolve, stat, open, compile) was most of what one cost before doing anything; one bundle
// cuts a `lab fs -ls /` by about a quarter of its CPU. tsc's dist/ stays: tests and tools import it.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Packages that read files beside themselves or load native code: loaded from node_modules as they are. */
const EXTERNAL = ['@node-rs/crc32', 'blessed', 'blessed-contrib', 'fast-xml-parser'];

/**
 * Chunks of earlier builds are removed once no process can still be loading them: a daemon started
 * before a rebuild imports its role's chunk by its old (hashed) name.
 */
const STALE_CHUNK_AGE_MS = 60 * 60 * 1000;

function pruneChunks(outputs) {
  const dir = path.join(root, 'dist/bundle/chunks');
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (outputs.has(file)) continue;
    if (Date.now() - fs.statSync(file).mtimeMs > STALE_CHUNK_AGE_MS) fs.rmSync(file, { force: true });
  }
}

export async function bundle() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'lab/main': 'dist/lab/main.js', 'cluster/runtime/main': 'dist/cluster/runtime/main.js' },
    outdir: 'dist/bundle',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __labRequire } from 'node:module'; const require = __labRequire(import.meta.url);",
    },
    logLevel: 'error',
    metafile: true,
  });
  pruneChunks(new Set(Object.keys(result.metafile.outputs).map((out) => path.join(root, out))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
