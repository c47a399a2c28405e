/**
 * Copy-on-truncate on real processes (FSDirTruncateOp.shouldCopyOnTruncate): a file's last block
 * held by a snapshot is not cut in place. The NameNode gives the file a new block, and block
 * recovery has each DataNode copy the kept bytes into a replica of it (updateReplicaUnderRecovery
 * with a new block id), leaving the old replica whole for the snapshot. The live file and the
 * snapshot read different bytes from different blocks, a NameNode restart (edit-log replay) keeps
 * both, the edit log and the image say it as Hadoop's oev and oiv do, and deleting the snapshot
 * deletes the old block's replicas. Beside it, on the same cluster, the in-place cut (no snapshot):
 * the file keeps its old length until block recovery commits, which `-truncate -w` waits for.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { finalizedBlockPath, finalizedMetaPath } from '../../cluster/datanode/layout.js';
import { verifyReplica } from '../../cluster/datanode/meta.js';
import { homePaths } from '../../cluster/home/description.js';
import { requireDescription } from '../../cluster/home/home.js';
import { readJournal } from '../../cluster/transport/journal.js';
import type { LocatedBlocks } from '../../cluster/protocol/types.js';
import { LAB_BIN, REPO, removeTestCluster, runLab, startTestCluster } from './lab-process.js';
import { BUILT } from './requirements.js';
import { waitFor } from './wait-for.js';

const MiB = 1024 * 1024;
/** Inside the second block: its first 1000 bytes stay. */
const CUT = MiB + 1000;

/** 1.5 MiB of numbered text lines, so that `-cat` output compares as a string. */
function text(bytes: number): string {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `line ${String(i).padStart(7, '0')} of the file\n`;
  return out.slice(0, bytes);
}

describe.skipIf(!BUILT)('copy-on-truncate on a real cluster', () => {
  let home = '';
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-copy-on-truncate-local-'));
  const ok = async (...args: string[]): Promise<string> => {
    const r = await runLab(home, ...args);
    expect(r.code, `lab ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const locate = async (src: string): Promise<LocatedBlocks> => {
    const client = await DFSClient.connect({ home, warn: () => undefined });
    try {
      return await client.locateAll(src);
    } finally {
      await client.close();
    }
  };
  /** Each DataNode holding `lb`'s block: its replica's bytes and whether they pass the .meta. */
  const replicasOf = (lb: LocatedBlocks['blocks'][number]): { bytes: number; ok: boolean }[] =>
    lb.locations.map((loc) => {
      const dataDir = homePaths(home).dataDir(loc.name);
      const { blockId, genStamp } = lb.block;
      const data = fs.readFileSync(finalizedBlockPath(dataDir, lb.blockPoolId, blockId));
      const meta = fs.readFileSync(finalizedMetaPath(dataDir, lb.blockPoolId, blockId, genStamp));
      return { bytes: data.length, ok: verifyReplica(data, meta).ok };
    });

  beforeAll(async () => {
    home = await startTestCluster('lab-copy-on-truncate-', {
      datanodes: 2,
      racks: 1,
      blockSize: '1m',
      replication: 2,
      seed: 'copy-on-truncate',
    });
  }, 120_000);

  afterAll(async () => {
    await removeTestCluster(home);
    fs.rmSync(local, { recursive: true, force: true });
  }, 60_000);

  it('cuts the live file into a new block, keeps the old one for the snapshot, across a restart, until the snapshot goes', async () => {
    const original = text(MiB + MiB / 2);
    const file = path.join(local, 'f.txt');
    fs.writeFileSync(file, original);
    await ok('fs', '-mkdir', '/snap');
    await ok('fs', '-put', file, '/snap/f.txt');
    await ok('dfsadmin', '-allowSnapshot', '/snap');
    await ok('fs', '-createSnapshot', '/snap', 's1');
    const before = await locate('/snap/f.txt');

    expect(await ok('fs', '-truncate', '-w', String(CUT), '/snap/f.txt')).toBe(
      `Waiting for /snap/f.txt ...\nTruncated /snap/f.txt to length: ${CUT}\n`,
    );
    // -w polls for the new length, which the NameNode shows at once; the recovery ends when the
    // NameNode closes the file again (commitBlockSynchronization).
    const live = await waitFor('the block recovery closing /snap/f.txt', async () => {
      const located = await locate('/snap/f.txt');
      return located.underConstruction ? undefined : located;
    });
    const held = await locate('/snap/.snapshot/s1/f.txt');
    const [oldBlock, newBlock] = [before.blocks[1]!.block, live.blocks[1]!.block];
    // The first block is shared; the second is a new block (a new id and stamp) of the kept bytes.
    expect(live.blocks[0]!.block).toEqual(before.blocks[0]!.block);
    expect(newBlock.blockId).not.toBe(oldBlock.blockId);
    expect(newBlock.genStamp).toBeGreaterThan(oldBlock.genStamp);
    expect(newBlock.numBytes).toBe(1000);
    expect(held.blocks.map((b) => b.block)).toEqual(before.blocks.map((b) => b.block));
    expect(await ok('fs', '-cat', '/snap/f.txt')).toBe(original.slice(0, CUT));
    expect(await ok('fs', '-cat', '/snap/.snapshot/s1/f.txt')).toBe(original);
    // On each DataNode: the old replica whole under its old stamp, the new one its first bytes.
    expect(replicasOf(held.blocks[1]!)).toEqual([
      { bytes: MiB / 2, ok: true },
      { bytes: MiB / 2, ok: true },
    ]);
    expect(replicasOf(live.blocks[1]!)).toEqual([
      { bytes: 1000, ok: true },
      { bytes: 1000, ok: true },
    ]);

    // The edit log, as Hadoop's oev prints it: createNewBlock's id, then OP_TRUNCATE naming the
    // new block with no bytes yet.
    const nameDir = path.join(homePaths(home).nameDir, 'current');
    const segment = fs.readdirSync(nameDir).find((f) => f.startsWith('edits_inprogress_'));
    if (!segment) throw new Error(`no edits in progress in ${nameDir}`);
    const edits = await ok('oev', '-p', 'xml', '-i', path.join(nameDir, segment));
    expect(edits).toContain(`<BLOCK_ID>${newBlock.blockId}</BLOCK_ID>\n    </DATA>`);
    expect(edits).toMatch(
      new RegExp(
        `<NEWLENGTH>${CUT}</NEWLENGTH>\\n\\s*<TIMESTAMP>\\d+</TIMESTAMP>\\n\\s*<BLOCK>\\n\\s*<BLOCK_ID>${newBlock.blockId}</BLOCK_ID>\\n\\s*<NUM_BYTES>0</NUM_BYTES>\\n\\s*<GENSTAMP>${newBlock.genStamp}</GENSTAMP>`,
      ),
    );

    // A restart replays the edits: both versions read back, from their own blocks.
    await ok('restart', 'nn');
    await ok('dfsadmin', '-safemode', 'wait');
    expect(await ok('fs', '-cat', '/snap/f.txt')).toBe(original.slice(0, CUT));
    expect(await ok('fs', '-cat', '/snap/.snapshot/s1/f.txt')).toBe(original);
    expect((await locate('/snap/f.txt')).blocks.map((b) => b.block)).toEqual(live.blocks.map((b) => b.block));

    // The image keeps the old block in the snapshot's FileDiff (oiv's <fileDiff><blocks>).
    await ok('dfsadmin', '-safemode', 'enter');
    await ok('dfsadmin', '-saveNamespace');
    await ok('dfsadmin', '-safemode', 'leave');
    const image = fs
      .readdirSync(nameDir)
      .filter((f) => /^fsimage_\d{19}$/.test(f))
      .sort()
      .at(-1);
    if (!image) throw new Error(`no fsimage in ${nameDir}`);
    const xml = await ok('oiv', '-p', 'XML', '-i', path.join(nameDir, image));
    expect(xml).toMatch(
      new RegExp(
        `<fileDiff>.*<blocks>.*<block><id>${oldBlock.blockId}</id><genstamp>${oldBlock.genStamp}</genstamp><numBytes>${MiB / 2}</numBytes></block>`,
        's',
      ),
    );

    // Deleting the snapshot deletes the old block's replicas (DNA_INVALIDATE); the new ones stay.
    await ok('fs', '-deleteSnapshot', '/snap', 's1');
    const oldFiles = held.blocks[1]!.locations.map((loc) =>
      finalizedBlockPath(homePaths(home).dataDir(loc.name), held.blocks[1]!.blockPoolId, oldBlock.blockId),
    );
    await waitFor('the old block’s replicas deleted', () =>
      oldFiles.some((f) => fs.existsSync(f)) ? undefined : true,
    );
    expect(replicasOf(live.blocks[1]!)).toEqual([
      { bytes: 1000, ok: true },
      { bytes: 1000, ok: true },
    ]);
  }, 180_000);

  it('shows an in-place truncate’s old length until block recovery commits, and -w waits for that', async () => {
    // With no snapshot the block is cut in place: it keeps its length and stamp until
    // commitBlockSynchronization, so -ls shows the old length meanwhile, and FsShell's -w, which
    // polls the length, prints Truncated only once the commit is in. The DataNodes are cut off
    // from the NameNode first, so that no heartbeat fetches the DNA_RECOVERBLOCK before `lab heal`.
    const file = path.join(local, 'ten.txt');
    fs.writeFileSync(file, '0123456789');
    await ok('fs', '-put', file, '/ten.txt');
    const { datanodes } = requireDescription(home);
    const journal = homePaths(home).journal;
    const sinceMs = Date.now();
    /** Whether `proc` journaled a log event with `text` in it since the test began. */
    const logged = (proc: string, text: string): boolean =>
      readJournal(journal, { sinceMs, lineFilter: (line) => line.includes(text) }).some(
        (r) => r.k === 'event' && r.proc === proc && r.event.type === 'log' && r.event.text.includes(text),
      );
    await ok('partition', datanodes[0]!.rack);
    let waiter: ChildProcessWithoutNullStreams | undefined;
    let exit: number | null | undefined;
    let healed = false;
    try {
      await waitFor('the partition in effect at the NameNode and every DataNode', () =>
        ['nn', ...datanodes.map((d) => d.id)].every((proc) => logged(proc, 'fault in effect'))
          ? true
          : undefined,
      );
      waiter = spawn(process.execPath, [LAB_BIN, 'fs', '-truncate', '-w', '4', '/ten.txt'], {
        cwd: REPO,
        env: { ...process.env, LAB_HOME: home, LAB_PORTS: 'ephemeral' },
      });
      let [stdout, stderr] = ['', ''];
      waiter.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      waiter.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => waiter!.on('exit', (code) => resolve(code)));
      void exited.then((code) => (exit = code));
      const stopIf = (): string | undefined =>
        exit === undefined ? undefined : `-w exited ${exit}: ${stderr}`;
      await waitFor('-truncate -w to be waiting', () => (stdout.includes('Waiting for') ? true : undefined), {
        stopIf,
      });
      // The NameNode answered false and started the recovery; the block still has its 10 bytes.
      expect(await ok('fs', '-ls', '/ten.txt')).toMatch(/ 10 \d{4}-\d\d-\d\d \d\d:\d\d \/ten\.txt\n$/);
      expect(logged('nn', 'commitBlockSynchronization(')).toBe(false);
      expect([stdout, exit]).toEqual(['Waiting for /ten.txt ...\n', undefined]);

      await ok('heal');
      healed = true;
      expect(await exited).toBe(0);
      expect(stdout).toBe('Waiting for /ten.txt ...\nTruncated /ten.txt to length: 4\n');
      expect(logged('nn', 'file=/ten.txt, newgenerationstamp=')).toBe(true);
    } finally {
      if (waiter && exit === undefined) waiter.kill();
      if (!healed) await runLab(home, 'heal');
    }
  }, 60_000);
});
