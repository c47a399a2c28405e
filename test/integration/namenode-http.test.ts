/**
 * The NameNode's HTTP server on a real cluster (ephemeral ports, its own home): `/fsck` answers
 * NamenodeFsck's report text to a plain HTTP GET, `lab fsck` is DFSck over it (the `Connecting to
 * namenode via …` URL answers, the exit code comes from the last line), and `/jmx` carries
 * Hadoop's bean and attribute names (NameNodeMXBean, FSNamesystemMBean, FSNamesystem's metrics,
 * NameNodeStatusMXBean). Expected values come from the cluster itself: the cluster id in the
 * name directory's VERSION file, the DataNodes the launcher started, the blocks of the file put.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT } from './requirements.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { homePaths } from '../../cluster/home/description.js';
import { killNode, startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { requireDescription } from '../../cluster/home/home.js';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import { runLab as lab } from './lab-process.js';
import { waitFor } from './wait-for.js';

const MiB = 1024 * 1024;

/** VersionInfoMXBean.getCompileInfo: `<yyyy-MM-dd'T'HH:mm'Z'> by <user> from <branch>`. */
const COMPILE_INFO_FORM = /^\d{4}-\d\d-\d\dT\d\d:\d\dZ by \S+ from \S+$/;

interface Answer {
  status: number;
  type: string;
  body: string;
}

/** A plain HTTP GET, as curl or a browser would send it: no lab headers. */
function get(address: string, urlPath: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://${address}${urlPath}`, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

type Bean = Record<string, unknown> & { name: string; modelerType: string };

async function beans(address: string, query = ''): Promise<Bean[]> {
  const answer = await get(address, `/jmx${query}`);
  expect(answer.status).toBe(200);
  expect(answer.type).toMatch(/^application\/json/);
  return (JSON.parse(answer.body) as { beans: Bean[] }).beans;
}

function bean(all: Bean[], name: string): Bean {
  const found = all.find((b) => b.name === `Hadoop:service=NameNode,name=${name}`);
  if (!found) throw new Error(`no bean ${name} among ${all.map((b) => b.name).join(', ')}`);
  return found;
}

describe.skipIf(!BUILT)("the NameNode's HTTP server: /fsck and /jmx", () => {
  let home = '';
  let address = '';
  let clusterId = '';
  const user = os.userInfo().username;

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-nn-http-'));
    await startCluster({
      home,
      datanodes: 3,
      blockSize: '1m',
      replication: 3,
      seed: 'nn-http',
      ephemeralPorts: true,
      defines: ['dfs.heartbeat.interval=1', 'dfs.namenode.heartbeat.recheck-interval=500'],
    });
    const client = await DFSClient.connect({ home, warn: () => undefined });
    try {
      for (const [file, replication] of [
        ['/data/a.bin', 3],
        ['/lonely.bin', 1],
      ] as const) {
        const stream = await client.create(file, { replication });
        await stream.write(Buffer.alloc(MiB + MiB / 2, 7));
        await stream.close();
      }
    } finally {
      await client.close();
    }
    address = readNamenodeHttpAddress(home, requireDescription(home)) ?? '';
    const version = fs.readFileSync(path.join(homePaths(home).nameDir, 'current', 'VERSION'), 'utf8');
    clusterId = /^clusterID=(.*)$/m.exec(version)?.[1] ?? '';
  }, 90_000);

  afterAll(async () => {
    if (home) {
      await stopNodes(home).catch(() => []);
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('serves the fsck report text to a plain GET', async () => {
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const answer = await get(address, `/fsck?ugi=${user}&files=1&blocks=1&locations=1&path=%2Fdata`);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain/);
    const lines = answer.body.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^FSCK started by ${user} \\(auth:SIMPLE\\) from /127\\.0\\.0\\.\\d+ for path /data at `),
    );
    expect(answer.body).toContain('/data <dir>\n');
    expect(answer.body).toContain('/data/a.bin 1572864 bytes, replicated: replication=3, 2 block(s):  OK\n');
    // Each block line names the block pool, the block, its length and its three DataNodes.
    const blockLines = lines.filter((l) => /^\d+\. BP-/.test(l));
    expect(blockLines).toHaveLength(2);
    expect(blockLines[0]).toMatch(
      /^0\. BP-[\d.-]+:blk_\d+_\d+ len=1048576 Live_repl=3 +\[DatanodeInfoWithStorage/,
    );
    expect(blockLines[1]).toMatch(/ len=524288 Live_repl=3 /);
    expect(answer.body).toContain('\nStatus: HEALTHY\n');
    expect(answer.body).toContain(' Number of data-nodes:\t3\n');
    expect(lines.at(-1)).toBe("The filesystem under path '/data' is HEALTHY");
    // JspHelper.getUGI: user.name wins over ugi, and ugi's first name (DFSck's list) is the user.
    const who = async (query: string): Promise<string | undefined> =>
      /^FSCK started by (\S*) /.exec((await get(address, `/fsck?${query}&path=%2Fdata`)).body)?.[1];
    expect(await who('ugi=bob,staff')).toBe('bob');
    expect(await who('user.name=alice&ugi=bob')).toBe('alice');
  });

  it('answers a bad /fsck or an unknown path with an error status', async () => {
    expect((await get(address, `/fsck?ugi=${user}`)).status).toBe(400);
    expect((await get(address, '/no-such-servlet')).status).toBe(404);
    const gone = await get(address, `/fsck?ugi=${user}&path=%2Fnope`);
    expect(gone.status).toBe(200);
    expect(gone.body.trimEnd().split('\n').at(-1)).toBe("Path '/nope' does not exist");
  });

  it('lab fsck is DFSck: it connects to the URL it prints and prints what the servlet sent', async () => {
    const result = await lab(home, 'fsck', '/data', '-files', '-blocks', '-locations');
    expect(result.code).toBe(0);
    const url = /^Connecting to namenode via http:\/\/([\d.:]+)(\/fsck\?\S+)$/m.exec(result.stderr);
    expect(url?.[1]).toBe(address);
    expect(url?.[2]).toBe(`/fsck?ugi=${user}&files=1&blocks=1&locations=1&path=%2Fdata`);
    // The same URL, asked again by hand, gives the same report but for its timestamps.
    const direct = await get(address, url?.[2] ?? '');
    const untimed = (text: string): string =>
      // The lab's client binds its own loopback address; the GET above came from 127.0.0.1.
      text
        .replace(/ from \/[\d.]+ for path (.*) at .* \d{4}\n/, ' from C for path $1 at T\n')
        .replace(/FSCK ended at .*\n/, 'FSCK ended\n');
    expect(untimed(result.stdout)).toBe(`${untimed(direct.body)}\n`);

    const json = await lab(home, 'fsck', '/data', '-files', '--json');
    expect(json.code).toBe(0);
    const walk = JSON.parse(json.stdout) as {
      exists: boolean;
      files: { path: string }[];
      exitCode: number;
    };
    expect(walk.files.map((f) => f.path)).toEqual(['/data', '/data/a.bin']);
    expect(walk.exitCode).toBe(0);
  });

  it('lab fsck -blockId answers as DFSck does (NamenodeFsck.blockIdCK)', async () => {
    const walk = await get(address, `/fsck?ugi=${user}&files=1&blocks=1&path=%2Fdata%2Fa.bin`);
    const id = /:(blk_\d+)_\d+ len=/.exec(walk.body)?.[1] ?? '';
    const block = await lab(home, 'fsck', '-blockId', id);
    expect(block.stderr).toContain(`/fsck?ugi=${user}&blockId=${id}+&path=%2F\n`);
    const lines = block.stdout.split('\n');
    expect(lines.slice(1, 12)).toEqual([
      '',
      `Block Id: ${id}`,
      'Block belongs to: /data/a.bin',
      'No. of Expected Replica: 3',
      'No. of live Replica: 3',
      'No. of excess Replica: 0',
      'No. of stale Replica: 0',
      'No. of decommissioned Replica: 0',
      'No. of decommissioning Replica: 0',
      'No. of corrupted Replica: 0',
      expect.stringMatching(/^Block replica on datanode\/rack: \S+\/default-rack is HEALTHY$/),
    ]);
    expect(block.code).toBe(0);
  });

  it('publishes the NameNode beans with Hadoop names and attributes', async () => {
    const all = await beans(address);
    const info = bean(all, 'NameNodeInfo');
    expect(info.modelerType).toBe('org.apache.hadoop.hdfs.server.namenode.FSNamesystem');
    expect(info.ClusterId).toBe(clusterId);
    expect(String(info.BlockPoolId)).toMatch(/^BP-\d+-127\.0\.0\.1-\d+$/);
    expect(info.Safemode).toBe('');
    // FSNamesystem.getCompileInfo, dfshealth's "Compiled": VersionInfo's date, user and branch.
    expect(info.CompileInfo).toMatch(COMPILE_INFO_FORM);
    expect(Number(info.Total)).toBeGreaterThan(0);
    expect(Number(info.Used) + Number(info.Free)).toBeLessThanOrEqual(Number(info.Total));
    expect(typeof info.PercentUsed).toBe('number');
    expect(info.NumberOfMissingBlocks).toBe(0);
    const live = JSON.parse(String(info.LiveNodes)) as Record<string, Record<string, unknown>>;
    const xferAddrs = requireDescription(home).datanodes.map((d) => `${d.host}:${d.port}`);
    expect(
      Object.values(live)
        .map((n) => n.xferaddr)
        .sort(),
    ).toEqual([...xferAddrs].sort());
    for (const node of Object.values(live)) {
      expect(Object.keys(node)).toEqual(
        expect.arrayContaining([
          'infoAddr',
          'xferaddr',
          'lastContact',
          'capacity',
          'used',
          'remaining',
          'numBlocks',
        ]),
      );
    }
    expect(JSON.parse(String(info.DeadNodes))).toEqual({});

    const fsn = bean(all, 'FSNamesystem');
    expect(fsn['tag.HAState']).toBe('active');
    expect(fsn.BlocksTotal).toBe(4);
    expect(fsn.FilesTotal).toBe(4); // /, /data, /data/a.bin, /lonely.bin
    expect(fsn.UnderReplicatedBlocks).toBe(0);
    expect(fsn.CorruptBlocks).toBe(0);
    expect(fsn.MissingBlocks).toBe(0);
    expect(fsn.CapacityTotal).toBe(info.Total);
    expect(Number(fsn.TransactionsSinceLastCheckpoint)).toBeGreaterThan(0);
    expect(typeof fsn.LastCheckpointTime).toBe('number');

    const state = bean(all, 'FSNamesystemState');
    expect(state.FSState).toBe('Operational');
    expect(state.NumLiveDataNodes).toBe(3);
    expect(state.NumDeadDataNodes).toBe(0);
    expect(state.NumStaleDataNodes).toBe(0);
    expect(bean(all, 'NameNodeStatus').State).toBe('active');
    expect(bean(all, 'NameNodeStatus').HostAndPort).toBe(
      `${requireDescription(home).namenode.host}:${requireDescription(home).namenode.port}`,
    );
  });

  it('dfsadmin -report and fs -df print the capacity /jmx publishes', async () => {
    const info = bean(await beans(address), 'NameNodeInfo');
    const report = await lab(home, 'dfsadmin', '-report');
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(new RegExp(`^Configured Capacity: ${String(info.Total)} `, 'm'));
    expect(report.stdout).toContain('Live datanodes (3):');
    const df = await lab(home, 'fs', '-df', '--json');
    expect(df.code).toBe(0);
    expect(JSON.parse(df.stdout)).toMatchObject({ capacity: info.Total });
  });

  it('selects beans with qry and one attribute with get, as JMXJsonServlet does', async () => {
    const one = await beans(address, '?qry=Hadoop:service=NameNode,name=FSNamesystemState');
    expect(one.map((b) => b.name)).toEqual(['Hadoop:service=NameNode,name=FSNamesystemState']);
    const wild = await beans(address, '?qry=Hadoop:service=NameNode,name=*');
    expect(wild.map((b) => b.name)).toEqual(
      expect.arrayContaining([
        'Hadoop:service=NameNode,name=NameNodeInfo',
        'Hadoop:service=NameNode,name=FSNamesystem',
        'Hadoop:service=NameNode,name=FSNamesystemState',
        'Hadoop:service=NameNode,name=NameNodeStatus',
      ]),
    );
    expect(await beans(address, '?qry=Hadoop:service=DataNode,name=*')).toEqual([]);
    const attr = await beans(address, '?get=Hadoop:service=NameNode,name=FSNamesystemState::FSState');
    expect(attr).toEqual([
      {
        name: 'Hadoop:service=NameNode,name=FSNamesystemState',
        modelerType: 'org.apache.hadoop.hdfs.server.namenode.FSNamesystem',
        FSState: 'Operational',
      },
    ]);
    expect((await get(address, '/jmx?qry=nonsense')).status).toBe(400);
  });

  it("serves the Secondary NameNode's SecondaryNameNodeInfo bean", async () => {
    const desc = requireDescription(home);
    const secondary = `${desc.secondary?.host}:${desc.secondary?.port}`;
    const info = async (): Promise<Bean> => {
      const answer = await get(secondary, '/jmx?qry=Hadoop:service=SecondaryNameNode,name=*');
      expect(answer.status).toBe(200);
      const all = (JSON.parse(answer.body) as { beans: Bean[] }).beans;
      expect(all.map((b) => b.name)).toEqual(['Hadoop:service=SecondaryNameNode,name=SecondaryNameNodeInfo']);
      return all[0]!;
    };
    const before = await info();
    expect(before.HostAndPort).toBe(`${desc.namenode.host}:${desc.namenode.port}`);
    expect(Number(before.StartTime)).toBeGreaterThan(0);
    expect(before.CheckpointDirectories).toEqual([homePaths(home).checkpointDir]);
    // SecondaryNameNodeInfoMXBean extends VersionInfoMXBean: SoftwareVersion, but no NameNode-only Version.
    expect(before.SoftwareVersion).toMatch(/^3\.3\.\d+/);
    expect(before).not.toHaveProperty('Version');
    // status.html shows getCompileInfo as its "Compiled" row, under Version.
    expect(before.CompileInfo).toMatch(COMPILE_INFO_FORM);
    const page = (await get(secondary, '/')).body;
    expect(page).toContain(`<tr><th>Compiled</th><td id="compiled">${String(before.CompileInfo)}</td></tr>`);
    expect(page.indexOf('<th>Compiled</th>')).toBeGreaterThan(page.indexOf('<th>Version</th>'));
    const forced = await lab(home, 'checkpoint');
    expect(forced.code, forced.stderr).toBe(0);
    const after = await info();
    expect(Number(after.LastCheckpointTime)).toBeGreaterThanOrEqual(Number(before.StartTime));
    expect(Number(after.LastCheckpointDeltaMs)).toBeGreaterThanOrEqual(0);
  });

  it('reports a lost block as CORRUPT (exit 1) and the dead DataNode in /jmx', async () => {
    const client = await DFSClient.connect({ home, warn: () => undefined });
    let holder: string;
    try {
      const located = await client.call('getBlockLocations', {
        src: '/lonely.bin',
        offset: 0,
        length: 1,
        readerHost: '',
      });
      holder = located?.blocks[0]?.locations[0]?.name ?? '';
    } finally {
      await client.close();
    }
    expect(holder).toMatch(/^dn\d$/);
    await killNode(home, holder);
    await waitFor(
      'the NameNode to declare the DataNode dead',
      async () => ((await beans(address)).some((b) => b.NumDeadDataNodes === 1) ? true : undefined),
      40_000,
    );
    const all = await beans(address);
    expect(bean(all, 'FSNamesystemState').NumLiveDataNodes).toBe(2);
    const dead = JSON.parse(String(bean(all, 'NameNodeInfo').DeadNodes)) as Record<
      string,
      { xferaddr: string }
    >;
    const dn = requireDescription(home).datanodes.find((d) => d.id === holder);
    expect(Object.values(dead).map((d) => d.xferaddr)).toEqual([`${dn?.host}:${dn?.port}`]);
    expect(Number(bean(all, 'FSNamesystem').MissingBlocks)).toBeGreaterThan(0);

    const result = await lab(home, 'fsck', '/');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('/lonely.bin: MISSING');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe("The filesystem under path '/' is CORRUPT");

    // DFSck.listCorruptFileBlocks asks until the servlet says "no more", prints the list, exits -1.
    const list = await lab(home, 'fsck', '/', '-list-corruptfileblocks');
    const listed = list.stdout.trimEnd().split('\n');
    expect(listed[0]).toBe("The list of corrupt files under path '/' are:");
    const blocks = listed.slice(1, -1);
    expect(blocks.length).toBeGreaterThan(0);
    for (const line of blocks) expect(line).toMatch(/^blk_\d+\t\/lonely\.bin$/);
    expect(listed.at(-1)).toBe(`The filesystem under path '/' has ${blocks.length} CORRUPT files`);
    expect(list.code).toBe(255);
  }, 60_000);

  it('fsck -move copies what is left of the corrupt file to /lost+found; -delete removes it', async () => {
    // NamenodeFsck.copyBlocksToLostFound: /lost+found/<path>, one file per run of blocks that still
    // have a location (0, 1, …); then deleteCorruptedFile. The report is the walk's: still CORRUPT.
    // Asked of the servlet directly (DFSck's URL: move=1&delete=1), to spare lab processes.
    const client = await DFSClient.connect({ home, warn: () => undefined });
    try {
      const located = await client.locateAll('/lonely.bin');
      const readable = located.blocks.filter((b) => b.locations.length > 0).map((b) => b.block.numBytes);
      const repaired = await get(address, `/fsck?ugi=${user}&move=1&delete=1&path=%2F`);
      expect(repaired.body.split('\n').at(-1)).toBe("The filesystem under path '/' is CORRUPT");
      expect(await client.call('getFileInfo', { src: '/lonely.bin' })).toBeNull();
      const kept = await client.call('getFileInfo', { src: '/lost+found/lonely.bin' });
      expect([kept?.type, kept?.owner]).toEqual(['DIRECTORY', user]);
      const chains = await client.call('getListing', { src: '/lost+found/lonely.bin' });
      const sizes = (chains?.entries ?? []).map((e) => [e.pathSuffix, e.length]);
      expect(sizes).toEqual(readable.length > 0 ? [['0', readable.reduce((a, b) => a + b, 0)]] : []);
    } finally {
      await client.close();
    }
    const after = await lab(home, 'fsck', '/');
    expect(after.stdout.trimEnd().split('\n').at(-1)).toBe("The filesystem under path '/' is HEALTHY");
    expect(after.code).toBe(0);
  }, 60_000);
});
