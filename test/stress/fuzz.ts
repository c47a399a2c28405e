/**
 * `npm run fuzz [-- SECONDS [SEED]]`: the long all-ports fuzz (default 120 s, seed "long") against
 * a real cluster of three DataNodes. Prints the attacks sent and each process's resident memory
 * before, at its peak and after; exits 1 naming each problem (the scratch directory is kept then).
 */
import { runFuzz } from './port-fuzz.js';

const seconds = Number(process.argv[2] ?? 120);
const seed = process.argv[3] ?? 'long';
console.log(`all-ports fuzz: ${seconds} s, seed ${seed}`);
const result = await runFuzz({ durationMs: seconds * 1000, seed, datanodes: 3, log: console.log });
for (const [name, count] of Object.entries(result.attacks).sort())
  console.log(`  ${name.padEnd(32)} ${count}`);
for (const r of result.rss)
  console.log(
    `  ${r.id.padEnd(4)} RSS ${(r.startKiB / 1024).toFixed(1)} MiB before, ${(r.peakKiB / 1024).toFixed(1)} MiB at most, ${(r.endKiB / 1024).toFixed(1)} MiB after`,
  );
if (result.problems.length > 0) {
  console.log(`FAILED:\n${result.problems.join('\n')}`);
  process.exit(1);
}
console.log('OK');
