// `npm install` runs `prepare`, and so does `npx lab` the first time it links this project into
// npm's exec cache (npm's self-execution of a local bin). Building only when a source is newer than
// the last build keeps that first `npx lab start` quick instead of compiling everything again.
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const SOURCE_DIRS = ['cluster', 'lab', 'exercises', 'test'];
const SOURCE_FILES = ['tsconfig.json', 'package.json'];

function newestSourceMs() {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    } else if (p.endsWith('.ts') || SOURCE_FILES.includes(path.basename(p))) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(root, dir))) visit(path.join(root, dir));
  for (const file of SOURCE_FILES) visit(path.join(root, file));
  return newest;
}

// The one way onto PATH the README gives (bin/lab, no global install): say it for this checkout.
function printPathLine() {
  process.stdout.write(
    `hdfs-lab: to run \`lab\` in any terminal, add to ~/.bashrc:\n  export PATH="${path.join(root, 'bin')}:$PATH"\n`,
  );
}

if (fs.existsSync(stamp) && newestSourceMs() <= fs.statSync(stamp).mtimeMs) {
  printPathLine();
  process.exit(0);
}
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], {
  stdio: 'inherit',
  cwd: root,
});
await bundle();
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
printPathLine();
