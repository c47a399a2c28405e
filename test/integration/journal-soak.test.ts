/**
 * The short journal soak: 24 MiB through 256 KiB segments under a 2 MiB journal, so each DataNode
 * rolls several times and the oldest segments are deleted while the cluster runs; every byte read
 * back, `lab traffic` shows the newest frames, the directory stays bounded. `npm run soak` is the
 * long form.
 * This short form runs in `npm run test:long` (LAB_LONG=1, which .ci/run runs after `npm test`);
 * skipped until the daemons are built (npm run build).
 */
import { describe, expect, it } from 'vitest';
import { runJournalSoak } from '../stress/journal-soak.js';
import { BUILT } from './requirements.js';

const MiB = 1024 * 1024;

describe.skipIf(!BUILT || process.env.LAB_LONG !== '1')('journal soak (short)', () => {
  it(
    "rolls every DataNode's journal several times and loses neither data nor the newest frames",
    { timeout: 240_000 },
    async () => {
      const result = await runJournalSoak({
        totalBytes: 24 * MiB,
        fileBytes: 4 * MiB,
        segmentBytes: 256 * 1024,
        journalBytes: 2 * MiB,
      });
      expect(result.problems).toEqual([]);
      expect(result.bytesChecked).toBe(24 * MiB);
      expect(result.rollsMax).toBeGreaterThanOrEqual(3);
      expect(result.segmentsDeleted).toBeGreaterThan(0);
      expect(result.journalBytesMax).toBeLessThanOrEqual(result.journalBytesBound);
    },
  );
});
