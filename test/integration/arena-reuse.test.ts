/**
 * Read arenas used again (protocol/byte-reader.ts): a DataNode receives packets into 4 MiB arenas
 * and writes an arena again once every packet read into it has been forwarded and written. Several
 * replication-3 pipelines at once share each DataNode's free arenas; every replica on every
 * DataNode must then hold exactly the bytes put, with checksums that verify. This is the end-to-end
 * check on real processes; it does not by itself catch an arena used again too early (a build that
 * recycled arenas with packets outstanding still passed here: on loopback the writes finish before
 * the arena comes round again). The ownership rule is pinned by test/unit/byte-reader.test.ts,
 * which fails against that build. Its own cluster, so it runs in `npm run test:long`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyReplica } from '../../cluster/datanode/meta.js';
import { BUILT } from './requirements.js';
import { finalizedReplica, readAll, useSuiteCluster } from './suite-cluster.js';

const LONG = process.env.LAB_LONG === '1';
const DATANODES = ['dn1', 'dn2', 'dn3'];
/** Files put at once, each a few blocks (so pipelines open and close while others stream). */
const FILES = 4;
const FILE_BYTES = 3 * 8 * 1024 * 1024 + 12_345;

describe.skipIf(!BUILT || !LONG)('read arenas used again under concurrent pipelines', () => {
  const suite = useSuiteCluster('lab-arena-reuse-', {
    datanodes: 3,
    racks: 1,
    blockSize: '8m',
    replication: 3,
    seed: 'arena-reuse',
  });

  it('every replica of files put at once holds the bytes put, and reads back identical', async () => {
    const sources = Array.from({ length: FILES }, (_, i) => {
      const local = path.join(suite.home, `source-${i}.bin`);
      fs.writeFileSync(local, crypto.randomBytes(FILE_BYTES));
      return local;
    });
    await Promise.all(
      sources.map((local, i) => suite.client.putFile(local, `/arena/f${i}.bin`, { replication: 3 })),
    );
    for (const [i, local] of sources.entries()) {
      const expected = fs.readFileSync(local);
      const located = await suite.client.locateAll(`/arena/f${i}.bin`);
      expect(located.blocks).toHaveLength(4);
      for (const lb of located.blocks) {
        const want = expected.subarray(lb.startOffset, lb.startOffset + lb.block.numBytes);
        for (const dn of DATANODES) {
          const { data, meta } = finalizedReplica(suite.home, dn, lb);
          expect(data.equals(want), `${dn}'s replica of blk_${lb.block.blockId} (file ${i})`).toBe(true);
          expect(verifyReplica(data, meta)).toEqual({ ok: true });
        }
      }
      expect((await readAll(suite.client, `/arena/f${i}.bin`)).equals(expected)).toBe(true);
    }
  }, 180_000);
});
