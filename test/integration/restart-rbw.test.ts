/**
 * A DataNode shut down for upgrade (`dfsadmin -shutdownDatanode … upgrade`) while a client writes:
 * it writes the replica's restart file (BlockReceiver: now + dfs.datanode.restart.replica.expiration)
 * beside rbw/, and back in time it loads the replica as RBW, not RWR (BlockPoolSlice), so a reader
 * sees its bytes; it sends the writer an OOB_RESTART ack (BlockReceiver.sendOOB), on which the
 * writer waits for it and finishes the file with it (DataStreamer's restartingNodeIndex). Its own
 * cluster (one DataNode, restarted), so it runs in `npm run test:long`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { blockFileName, rbwDir, restartMetaPath } from '../../cluster/datanode/layout.js';
import { homePaths } from '../../cluster/home/description.js';
import { restartNode } from '../../cluster/launcher/launcher.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { OOB_SEQNO } from '../../cluster/protocol/packet.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { runLab, runLabWithInput } from './lab-process.js';
import { flushedInRbw, readAll, useSuiteCluster } from './suite-cluster.js';
import { BUILT } from './requirements.js';
import { waitFor } from './wait-for.js';

const LONG = process.env.LAB_LONG === '1';

describe.skipIf(!BUILT || !LONG)('a DataNode restarted after a shutdown for upgrade', () => {
  const suite = useSuiteCluster('lab-restart-rbw-', {
    datanodes: 1,
    racks: 1,
    blockSize: '1m',
    replication: 1,
    seed: 'restart-rbw',
  });

  it('a DataNode shut down for upgrade while a client writes keeps the replica RBW when back in time (its .restart file)', async () => {
    const flushed = crypto.randomBytes(70_011);
    const writer = await DFSClient.connect({ home: suite.home, warn: () => undefined });
    try {
      const out = await writer.create('/restart.bin', { replication: 1 });
      await out.write(flushed);
      await out.hflush();
      const lb = (await suite.client.locateAll('/restart.bin')).lastBlock;
      const holder = lb?.locations[0];
      if (!lb || !holder) throw new Error('no DataNode holds /restart.bin');
      const dataDir = homePaths(suite.home).dataDir(holder.name);
      const rbw = path.join(rbwDir(dataDir, lb.blockPoolId), blockFileName(lb.block.blockId));
      await waitFor('the flushed bytes in rbw/', () =>
        fs.existsSync(rbw) && fs.statSync(rbw).size === flushed.length ? true : undefined,
      );
      const shutdown = runLabWithInput(
        suite.home,
        '',
        'dfsadmin',
        '-shutdownDatanode',
        `${holder.ipAddr}:${holder.ipcPort}`,
        'upgrade',
      );
      expect(shutdown.code).toBe(0);
      // Before it stops, the DataNode puts every byte received and its checksum on disk.
      expect(flushedInRbw(dataDir, lb, flushed.length)).toBe(true);
      // BlockReceiver's restart file: now + dfs.datanode.restart.replica.expiration (50 s).
      const restartFile = restartMetaPath(dataDir, lb.blockPoolId, lb.block.blockId);
      const deadline = Number(fs.readFileSync(restartFile, 'utf8'));
      expect(deadline - Date.now()).toBeGreaterThan(40_000);
      out.abort();
      await restartNode(suite.home, holder.name);
      // Loaded as RBW (an RWR replica would show no byte: CannotObtainBlockLengthException).
      const back = await waitFor('/restart.bin readable from the restarted DataNode', async () =>
        readAll(suite.client, '/restart.bin').catch(() => undefined),
      );
      expect(Buffer.compare(back, flushed)).toBe(0);
      expect(fs.existsSync(restartFile)).toBe(false);
    } finally {
      await writer.close();
    }
  });

  it('a writer told OOB_RESTART waits for its DataNode and finishes the file on it once it is back', async () => {
    const first = crypto.randomBytes(70_011);
    const second = crypto.randomBytes(100_000);
    const lines: string[] = [];
    const writer = await DFSClient.connect({ home: suite.home, warn: (line) => lines.push(line) });
    try {
      const out = await writer.create('/oob.bin', { replication: 1 });
      await out.write(first);
      await out.hflush();
      const holder = (await suite.client.locateAll('/oob.bin')).lastBlock?.locations[0];
      if (!holder) throw new Error('no DataNode holds /oob.bin');
      // Run without blocking this process: the writer reads its acks meanwhile, as a real one does.
      const shutdown = await runLab(
        suite.home,
        'dfsadmin',
        '-shutdownDatanode',
        `${holder.ipAddr}:${holder.ipcPort}`,
        'upgrade',
      );
      expect(shutdown.code).toBe(0);
      // The DataNode's out-of-band ack to its writer: seqno -2 (PipelineAck.UNKOWN_SEQNO), OOB_RESTART.
      await waitFor('the OOB_RESTART ack in the journal', () =>
        readJournal(homePaths(suite.home).journal).find(
          (r): r is JournalFrame =>
            r.k === 'frame' &&
            r.proc === holder.name &&
            r.dir === 'send' &&
            r.msg.type === 'ack' &&
            r.msg.seqno === OOB_SEQNO &&
            r.msg.replies.join() === 'OOB_RESTART',
        ),
      );
      // The writer goes on: its next bytes wait until the DataNode is back, then go to it.
      const written = out.write(second).then(() => out.close());
      written.catch(() => undefined); // awaited below, after the restart
      await restartNode(suite.home, holder.name);
      await written;
      expect(Buffer.compare(await readAll(suite.client, '/oob.bin'), Buffer.concat([first, second]))).toBe(0);
      expect(lines).toContain(`INFO hdfs.DataStreamer: Datanode 0 is restarting: ${holder.name}`);
      // Not dropped as a bad DataNode: with it the only one, that would have failed the write.
      expect(lines.filter((line) => line.includes('is bad'))).toEqual([]);
    } finally {
      await writer.close();
    }
  });
});
