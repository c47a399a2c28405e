/**
 * The live probes on a real cluster: every answer is compared with what the test itself did (the
 * file it wrote, the topology it asked for) or with the files on disk, never with the probe's own
 * code. Processes run from dist/ (skipped until BUILT), in a temporary LAB_HOME with ephemeral
 * ports; the cluster is stopped at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { parseSize } from '../../cluster/common/units.js';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { liveProbes } from '../../lab/checks/registry.js';
import type { ProbeRunner } from '../../lab/checks/probes.js';
import { ScenarioRunner } from '../../lab/scenario/runner.js';
import type { Step } from '../../lab/scenario/steps.js';
import { BUILT } from './requirements.js';

const FILE_BYTES = 2_500_000;
const BLOCK_BYTES = 1_048_576;

async function ok<T>(probes: ProbeRunner, name: Parameters<ProbeRunner['run']>[0], args: object): Promise<T> {
  const outcome = await probes.run(name, args as never);
  if (outcome.status !== 'ok') throw new Error(`${name}: ${JSON.stringify(outcome)}`);
  return outcome.value as T;
}

describe.skipIf(!BUILT)('live probes on a real cluster', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'probes-live-'));
  let description: ClusterDescription;
  const probes = liveProbes(home);

  beforeAll(async () => {
    const started = await startCluster({
      home,
      datanodes: 4,
      racks: 2,
      blockSize: '1m',
      replication: 3,
      seed: 'probes',
      ephemeralPorts: true,
    });
    description = started.description;
    const runner = new ScenarioRunner({ ephemeralPorts: true });
    const context = { home, seed: 'probes', log: () => {} };
    expect(await runner.run({ mkdir: { path: '/data' } }, context)).toMatchObject({ status: 'done' });
    // Uploaded as `lab fs -put` does it (through ._COPYING_, its frames tagged as one put), so the
    // journal probes find the operation.
    const local = path.join(home, 'a.bin');
    fs.writeFileSync(local, Buffer.alloc(FILE_BYTES, 7));
    const client = await DFSClient.connect({ home });
    try {
      // An op id of `lab fs -put`'s shape (verb-pid-n): it fits HDFS's trace ids, so the DataNodes
      // learn it from the WRITE_BLOCK header and tag their block reports with it.
      await client.putFile(local, '/data/a.bin', { opId: `put-${process.pid}-1` });
    } finally {
      await client.close();
    }
    const wait: Step = { 'wait-for': { condition: 'replicated', target: '/data/a.bin', deadline: '20s' } };
    expect(await runner.run(wait, context)).toMatchObject({ status: 'done' });
  });

  afterAll(async () => {
    await stopNodes(home);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('reads a file and its blocks as the NameNode reports them', async () => {
    const info = await ok<{ length: number; replication: number; type: string }>(probes, 'file.info', {
      path: '/data/a.bin',
    });
    expect(info).toMatchObject({ length: FILE_BYTES, replication: 3, type: 'file' });
    const blocks = await ok<{ numBytes: number; replicas: string[] }[]>(probes, 'file.blocks', {
      path: '/data/a.bin',
    });
    expect(blocks.map((b) => b.numBytes)).toEqual([BLOCK_BYTES, BLOCK_BYTES, FILE_BYTES - 2 * BLOCK_BYTES]);
    expect(await ok(probes, 'file.blockCount', { path: '/data/a.bin' })).toBe(3);
    const replicas = await ok<{ datanode: string; rack: string }[]>(probes, 'block.replicas', {
      path: '/data/a.bin',
      block: 2,
    });
    expect(replicas).toHaveLength(3);
    // The rack rule: three replicas never sit on one rack.
    expect(new Set(replicas.map((r) => r.rack)).size).toBe(2);
    const missing = await probes.run('file.info', { path: '/nope' });
    expect(missing).toEqual({ status: 'error', message: '/nope: no such file or directory' });
  });

  it("finds the replica files on the DataNodes' disks and reads the .meta header", async () => {
    const files = await ok<
      {
        datanode: string;
        blockFile: string;
        blockFileInDataDir: string;
        blockFileInHome: string;
        metaFile: string;
        blockBytes: number;
      }[]
    >(probes, 'block.files', { path: '/data/a.bin', block: 2 });
    const replicas = await ok<{ datanode: string }[]>(probes, 'block.replicas', {
      path: '/data/a.bin',
      block: 2,
    });
    expect(files.map((f) => f.datanode)).toEqual(replicas.map((r) => r.datanode));
    for (const f of files) {
      expect(path.join(home, 'dfs/data', f.datanode, f.blockFileInDataDir)).toBe(f.blockFile);
      expect(path.join(home, f.blockFileInHome)).toBe(f.blockFile);
    }
    for (const f of files) {
      expect(f.blockFile).toMatch(
        /dfs\/data\/dn\d\/current\/BP-[^/]+\/current\/finalized\/subdir\d+\/subdir\d+\/blk_\d+$/,
      );
      expect(fs.statSync(f.blockFile).size).toBe(FILE_BYTES - 2 * BLOCK_BYTES);
      expect(fs.readFileSync(f.metaFile).subarray(0, 7).toString('hex')).toBe('00010200000200');
    }
    expect(await ok(probes, 'block.metaHeader', { path: '/data/a.bin' })).toEqual({
      version: 1,
      checksumType: 'CRC32C',
      bytesPerChecksum: 512,
    });
  });

  it('reads DataNodes, racks and distances as the cluster was started', async () => {
    const list = await ok<{ id: string; rack: string; state: string }[]>(probes, 'datanode.list', {});
    expect(list.map((d) => [d.id, d.rack, d.state])).toEqual(
      description.datanodes.map((d) => [d.id, d.rack, 'live']),
    );
    const [a, b] = description.datanodes;
    const other = description.datanodes.find((d) => d.rack !== a!.rack)!;
    expect(await ok(probes, 'topology.rack', { datanode: other.id })).toBe(other.rack);
    expect(await ok(probes, 'topology.distance', { a: a!.id, b: a!.id })).toBe(0);
    expect(await ok(probes, 'topology.distance', { a: a!.id, b: b!.id })).toBe(a!.rack === b!.rack ? 2 : 4);
    expect(await ok(probes, 'topology.distance', { a: a!.id, b: other.id })).toBe(4);
    expect(await ok(probes, 'datanode.state', { datanode: other.id })).toBe('live');
    expect(await probes.run('datanode.state', { datanode: 'dn99' })).toMatchObject({ status: 'error' });
  });

  it("lists the block ids on one DataNode's disk", async () => {
    const blocks = await ok<{ blockId: number; replicas: string[] }[]>(probes, 'file.blocks', {
      path: '/data/a.bin',
    });
    for (const dn of description.datanodes) {
      const held = blocks.filter((b) => b.replicas.includes(dn.id)).map((b) => b.blockId);
      expect(await ok(probes, 'datanode.blocks', { datanode: dn.id }), dn.id).toEqual(held);
    }
    expect(await probes.run('datanode.blocks', { datanode: 'dn99' })).toMatchObject({ status: 'error' });
  });

  it('reads the name directory, the edit log as oev shows it and the fsimage', async () => {
    const names = await ok<string[]>(probes, 'namedir.files', {});
    expect(names).toEqual(fs.readdirSync(path.join(home, 'dfs/name/current')).sort());
    expect(names).toContain('VERSION');
    const mkdirs = await ok<{ opCode: string; fields: Record<string, string> }[]>(probes, 'edits.ops', {
      opCode: 'OP_MKDIR',
    });
    expect(mkdirs.map((op) => op.fields.PATH)).toContain('/data');
    const adds = await ok<{ fields: Record<string, string> }[]>(probes, 'edits.ops', { opCode: 'OP_ADD' });
    expect(adds[0]!.fields).toMatchObject({ PATH: '/data/a.bin._COPYING_', REPLICATION: '3' });
    expect(adds[0]!.fields['PERMISSION_STATUS.MODE']).toBe('420');
    expect(await ok(probes, 'fsimage.inodeId', { path: '/' })).toBe(16385);
    // A path keeps the ops naming it, under its ._COPYING_ name too: the shell put's six.
    const ofFile = await ok<{ opCode: string }[]>(probes, 'edits.ops', { path: '/data/a.bin' });
    expect(ofFile.map((op) => op.opCode)).toEqual([
      'OP_ADD',
      'OP_ADD_BLOCK',
      'OP_ADD_BLOCK',
      'OP_ADD_BLOCK',
      'OP_CLOSE',
      'OP_RENAME_OLD',
    ]);
  });

  it('counts the traffic of the put from the journal: block bytes to DataNodes only', async () => {
    const op = 'put /data/a.bin';
    expect(await ok(probes, 'journal.bytes', { op, src: 'client', kind: 'data' })).toBe(FILE_BYTES);
    expect(await ok(probes, 'journal.bytes', { op, dst: 'nn', kind: 'data' })).toBe(0);
    const order = await ok<string[]>(probes, 'journal.rpcOrder', { op, src: 'client', dst: 'nn' });
    expect(order.indexOf('client->nn create')).toBeLessThan(order.indexOf('client->nn addBlock'));
    expect(order.filter((o) => o === 'client->nn addBlock')).toHaveLength(3);
    expect(order).toContain('client->nn complete');
    // The DataNodes' reports of the put's replicas carry its op id: RECEIVING and RECEIVED.
    const reports = await ok<string[]>(probes, 'journal.rpcOrder', { op, dst: 'nn' });
    const received = reports.filter((o) => o.endsWith(' blockReceivedAndDeleted'));
    expect(new Set(received.map((o) => o.split('->')[0])).size).toBe(3);
  });

  it('reads the effective configuration and the health fsck reports', async () => {
    expect(parseSize(await ok<string>(probes, 'config.get', { key: 'dfs.blocksize' }))).toBe(BLOCK_BYTES);
    expect(await ok(probes, 'config.get', { key: 'dfs.replication' })).toBe('3');
    expect(await ok(probes, 'fsck.status', { path: '/data' })).toBe('HEALTHY');
    expect(await probes.run('config.get', { key: 'no.such.key' })).toMatchObject({ status: 'error' });
  });
});
