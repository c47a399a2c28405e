// npm test's static checks: tsc first (it also builds dist/ for the real-process suites), then
// eslint, prettier and the bundle of dist/ (scripts/bundle.mjs) side by side — none needs another,
// so on two cores they take the time of the slowest. Each tool's output is printed whole, in order.
import { spawn } from 'node:child_process';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(bin(command), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ command, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ command, code: code ?? 1, output }));
  });
}

function report({ command, code, output }) {
  process.stdout.write(output);
  if (code !== 0) process.stderr.write(`${command} failed (exit ${code})\n`);
  return code === 0;
}

if (!report(await run('tsc', ['-p', 'tsconfig.json']))) process.exit(1);
const bundled = bundle().then(
  () => ({ command: 'bundle', code: 0, output: '' }),
  (error) => ({ command: 'bundle', code: 1, output: `${error.message}\n` }),
);
// eslint and prettier keep a cache of the files that passed (.cache/, by content, so a checkout that
// only touches mtimes does not void it): a second `npm test` checks only what changed. A fresh clone
// has none and checks every file.
const results = await Promise.all([
  run('eslint', ['--cache', '--cache-strategy', 'content', '--cache-location', '.cache/eslint', '.']),
  run('prettier', ['--check', '--cache', '--cache-location', '.cache/prettier', '.']),
  bundled,
]);
process.exit(results.map(report).every(Boolean) ? 0 : 1);
