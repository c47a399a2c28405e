/**
 * `npm run soak [-- GIB]`: the long journal soak (default 4 GiB put and read back through 8 MiB
 * segments under a 64 MiB journal, so every DataNode rolls its segments dozens of times). Exits 1
 * naming each problem; the run directory is kept for inspection then.
 */
import { runJournalSoak } from './journal-soak.js';

const MiB = 1024 * 1024;
const gib = Number(process.argv[2] ?? 4);
console.log(`journal soak: ${gib} GiB in 128 MiB files, 8 MiB segments, 64 MiB journal`);
const result = await runJournalSoak({
  totalBytes: gib * 1024 * MiB,
  fileBytes: 128 * MiB,
  segmentBytes: 8 * MiB,
  journalBytes: 64 * MiB,
  log: console.log,
});
console.log(
  `${result.rounds} rounds, ${(result.bytesChecked / MiB).toFixed(0)} MiB checked; DataNode segments up to #${result.rollsMax}, ` +
    `${result.segmentsDeleted} deleted; journal at most ${(result.journalBytesMax / MiB).toFixed(1)} MiB (bound ${(result.journalBytesBound / MiB).toFixed(1)} MiB)`,
);
const rolled = result.rollsMax >= 3 && result.segmentsDeleted > 0;
if (!rolled) result.problems.push('the journal did not roll over several times and delete old segments');
if (result.problems.length > 0) {
  console.log(`FAILED:\n${result.problems.join('\n')}`);
  process.exit(1);
}
console.log('OK');
