/**
 * Failures on real processes: a NameNode and four DataNodes over two racks, short
 * timers (-D), driven by the DFS client in this process and by a child-process writer that is
 * killed. Every wait is a condition with a deadline. Skipped until the daemons are built.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAll, useSuiteCluster } from './suite-cluster.js';
import { BUILT } from './requirements.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { isOpenForWrite } from '../../cluster/client/open-file.js';
import { finalizedBlockPath, finalizedMetaPath, rbwDir } from '../../cluster/datanode/layout.js';
import { homePaths } from '../../cluster/home/description.js';
import { killNode, restartNode } from '../../cluster/launcher/launcher.js';
import { requireDescription } from '../../cluster/home/home.js';
import { fetchBlockMap } from '../../cluster/client/namenode-http-client.js';
import type { JournalEvent } from '../../cluster/protocol/journal-types.js';
import type { StateEvent } from '../../cluster/protocol/messages.js';
import type { LocatedBlock, LocatedBlocks } from '../../cluster/protocol/types.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { runLab } from './lab-process.js';
import { waitFor } from './wait-for.js';
import { writeCombinedHosts } from './combined-hosts.js';

const repo = path.resolve(import.meta.dirname, '../..');
const KiB = 1024;
const PACKET = 64_512;

function events(home: string): { proc: string; event: StateEvent }[] {
  return readJournal(homePaths(home).journal)
    .filter((r): r is JournalEvent => r.k === 'event')
    .map((r) => ({ proc: r.proc, event: r.event as StateEvent }));
}

describe.skipIf(!BUILT)('failures on a real cluster', () => {
  const suite = useSuiteCluster(
    'lab-failures-',
    {
      datanodes: 4,
      racks: 2,
      blockSize: '1m',
      replication: 3,
      seed: 'failures',
      defines: [
        'dfs.heartbeat.interval=1',
        'dfs.namenode.heartbeat.recheck-interval=500',
        'dfs.namenode.redundancy.interval.seconds=1',
        'lab.datanode.scan.period-ms=3000',
        'lab.lease.soft-limit-ms=2000',
        'dfs.namenode.lease-hard-limit-sec=4',
        'dfs.namenode.lease-recheck-interval-ms=500',
        'dfs.namenode.decommission.interval=1',
      ],
    },
    { startTimeoutMs: 30_000 },
  );

  async function located(src: string): Promise<LocatedBlocks> {
    const l = await suite.client.call('getBlockLocations', {
      src,
      offset: 0,
      length: Number.MAX_SAFE_INTEGER,
      readerHost: suite.client.clientHost,
    });
    if (!l) throw new Error(`${src} not found`);
    return l;
  }

  async function firstBlock(src: string): Promise<LocatedBlock> {
    return (await located(src)).blocks[0] as LocatedBlock;
  }

  async function put(src: string, bytes: Buffer): Promise<void> {
    const out = await suite.client.create(src, { overwrite: false, replication: 3 });
    await out.write(bytes);
    await out.close();
  }

  function blockFile(dn: string, lb: LocatedBlock): string {
    return finalizedBlockPath(homePaths(suite.home).dataDir(dn), lb.blockPoolId, lb.block.blockId);
  }

  function flipByte(file: string, offset: number): void {
    const fd = fs.openSync(file, 'r+');
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, offset);
    b[0] = (b[0] as number) ^ 0xff;
    fs.writeSync(fd, b, 0, 1, offset);
    fs.closeSync(fd);
  }

  /** Live replicas with a rack each, from fsck (the NameNode's BlockMap). */
  async function replicasOf(
    src: string,
  ): Promise<{ live: { name: string; rack: string }[]; corrupt: string[] }> {
    const r = await fetchBlockMap({ home: suite.home, description: requireDescription(suite.home) }, src, {
      selfId: 'client',
    });
    const b = r.files[0]?.blocks[0];
    return {
      live: b?.live.map((l) => ({ name: l.name, rack: l.rack })) ?? [],
      corrupt: b?.corrupt.map((c) => c.name) ?? [],
    };
  }

  it('refuses a second writer with AlreadyBeingCreatedException', async () => {
    const a = await suite.client.create('/lease/two', { overwrite: false });
    await a.write(Buffer.alloc(1000, 1));
    const other = await DFSClient.connect({ home: suite.home, warn: () => undefined });
    try {
      await expect(other.create('/lease/two', { overwrite: false })).rejects.toMatchObject({
        errorClass: 'AlreadyBeingCreatedException',
        message: expect.stringContaining(`this file lease is currently owned by ${suite.client.clientName}`),
      });
    } finally {
      await other.close();
    }
    await a.close();
    expect(await readAll(suite.client, '/lease/two')).toEqual(Buffer.alloc(1000, 1));
  });

  it('corrupt replica: reads stay correct, the replica is reported, replaced and deleted', async () => {
    const data = crypto.randomBytes(150 * KiB);
    await put('/corrupt/read.bin', data);
    const lb = await firstBlock('/corrupt/read.bin');
    const [bad] = lb.locations.map((l) => l.name);
    flipByte(blockFile(bad as string, lb), 1000);
    // Reads return the right bytes whichever replica comes first.
    for (let i = 0; i < 3; i++) expect(await readAll(suite.client, '/corrupt/read.bin')).toEqual(data);
    // Reported (by the reader's failover, or by bad's block scanner) and replaced.
    await waitFor('the corrupt replica replaced and deleted', async () => {
      const r = await replicasOf('/corrupt/read.bin');
      const gone = !fs.existsSync(blockFile(bad as string, lb));
      return r.live.length === 3 && !r.live.some((l) => l.name === bad) && gone ? r : undefined;
    });
    const corruptEvents = events(suite.home).filter(
      (e) =>
        e.event.type === 'replica-corrupt' &&
        e.event.datanode === bad &&
        e.event.block.blockId === lb.block.blockId,
    );
    expect(corruptEvents.length).toBeGreaterThan(0);
    expect(await readAll(suite.client, '/corrupt/read.bin')).toEqual(data);
  });

  it('the block scanner finds a corrupt replica nobody reads and reports it', async () => {
    const data = crypto.randomBytes(70 * KiB);
    await put('/corrupt/unread.bin', data);
    const lb = await firstBlock('/corrupt/unread.bin');
    const bad = lb.locations[1]?.name as string;
    flipByte(blockFile(bad, lb), 600);
    await waitFor('the scanner to report the replica', () =>
      events(suite.home).find(
        (e) =>
          e.proc === bad &&
          e.event.type === 'log' &&
          e.event.text.includes(`block scanner found blk_${lb.block.blockId}_`),
      ),
    );
    await waitFor('the scanned-bad replica replaced', async () => {
      const r = await replicasOf('/corrupt/unread.bin');
      return r.live.length === 3 && !r.live.some((l) => l.name === bad) ? r : undefined;
    });
    const cursor = path.join(
      homePaths(suite.home).dataDir(bad),
      'current',
      lb.blockPoolId,
      'current',
      'scanner.cursor',
    );
    expect(JSON.parse(fs.readFileSync(cursor, 'utf8'))).toHaveProperty('iterStartMs');
  });

  it('a DataNode killed mid-write: the pipeline is rebuilt, the write completes, the cluster heals', async () => {
    const old = crypto.randomBytes(200 * KiB);
    await put('/dn/old.bin', old);
    const oldBlock = await firstBlock('/dn/old.bin');
    const data = crypto.randomBytes(6 * PACKET + 1234);
    const out = await suite.client.create('/dn/mid-write.bin', { overwrite: false, replication: 3 });
    await out.write(data.subarray(0, 3 * PACKET));
    const uc = await firstBlock('/dn/mid-write.bin');
    const pipeline = uc.locations.map((l) => l.name);
    // A DataNode of the pipeline that also holds a replica of /dn/old.bin, so both heal stories show.
    const victim = pipeline.find((dn) => oldBlock.locations.some((l) => l.name === dn)) as string;
    expect(victim).toBeDefined();
    await killNode(suite.home, victim);
    await out.write(data.subarray(3 * PACKET));
    await out.close();
    expect(await readAll(suite.client, '/dn/mid-write.bin')).toEqual(data);
    const after = await firstBlock('/dn/mid-write.bin');
    expect(after.block.genStamp).toBeGreaterThan(uc.block.genStamp);
    expect(after.locations.map((l) => l.name)).not.toContain(victim);
    expect(
      events(suite.home).some((e) => e.event.type === 'pipeline-recovery' && e.event.bad === victim),
    ).toBe(true);
    // Survivors hold the replica under the new genstamp.
    for (const dn of after.locations.map((l) => l.name)) {
      expect(
        fs.existsSync(
          finalizedMetaPath(
            homePaths(suite.home).dataDir(dn),
            after.blockPoolId,
            after.block.blockId,
            after.block.genStamp,
          ),
        ),
      ).toBe(true);
    }

    // The victim is declared dead; every block gets back to 3 live replicas over both racks.
    await waitFor(
      'victim dead',
      () => events(suite.home).find((e) => e.event.type === 'datanode-dead' && e.event.datanode === victim),
      25_000,
    );
    for (const src of ['/dn/old.bin', '/dn/mid-write.bin']) {
      const r = await waitFor(`${src} re-replicated`, async () => {
        const x = await replicasOf(src);
        return x.live.length === 3 ? x : undefined;
      });
      expect(r.live.map((l) => l.name)).not.toContain(victim);
      expect(new Set(r.live.map((l) => l.rack)).size).toBe(2);
    }

    // Before it returns, make one of its replicas stale (an older generation stamp).
    const dataDir = homePaths(suite.home).dataDir(victim);
    const meta = finalizedMetaPath(
      dataDir,
      oldBlock.blockPoolId,
      oldBlock.block.blockId,
      oldBlock.block.genStamp,
    );
    const staleMeta = finalizedMetaPath(
      dataDir,
      oldBlock.blockPoolId,
      oldBlock.block.blockId,
      oldBlock.block.genStamp - 1,
    );
    fs.renameSync(meta, staleMeta);
    await restartNode(suite.home, victim);
    await waitFor('the stale replica deleted', () => (fs.existsSync(staleMeta) ? undefined : true));
    const r = await replicasOf('/dn/old.bin');
    expect(r.live.length).toBe(3);
    expect(await readAll(suite.client, '/dn/old.bin')).toEqual(old);
  }, 60_000);

  it('a writer that dies holding a lease: the NameNode recovers and closes the file', async () => {
    const script = `
      const { DFSClient } = await import(process.env.DFS_CLIENT_JS);
      const c = await DFSClient.connect({ home: process.env.LAB_HOME, warn: () => {} });
      const out = await c.create('/lease/dead.bin', { overwrite: false, replication: 3 });
      await out.write(Buffer.alloc(${2 * PACKET + 5000}, 7));
      console.log('written');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        LAB_HOME: suite.home,
        DFS_CLIENT_JS: path.join(repo, 'dist/cluster/client/dfs-client.js'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const bpid = (await firstBlock('/lease/two')).blockPoolId;
    try {
      // Two full packets reach every DataNode of the pipeline (the rest stays in the client's buffer).
      await waitFor('two packets on three DataNodes', () => {
        let n = 0;
        for (const dn of ['dn1', 'dn2', 'dn3', 'dn4']) {
          const dir = rbwDir(homePaths(suite.home).dataDir(dn), bpid);
          try {
            for (const f of fs.readdirSync(dir))
              if (/^blk_\d+$/.test(f) && fs.statSync(path.join(dir, f)).size === 2 * PACKET) n++;
          } catch {
            // not there yet
          }
        }
        return n >= 3 ? n : undefined;
      });
      child.kill('SIGKILL');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const status = await waitFor('the file closed by lease recovery', async () => {
      const s = await suite.client.call('getFileInfo', { src: '/lease/dead.bin' });
      return s && !(await isOpenForWrite(suite.client, '/lease/dead.bin')) ? s : undefined;
    });
    expect(status.length).toBe(2 * PACKET);
    expect(await readAll(suite.client, '/lease/dead.bin')).toEqual(Buffer.alloc(2 * PACKET, 7));
    const logged = events(suite.home)
      .filter((e) => e.event.type === 'edit-logged' && e.event.path === '/lease/dead.bin')
      .map((e) => (e.event as { op: string }).op);
    // commitBlockSynchronization closes the file with the recovered block: one OP_CLOSE, as in HDFS.
    expect(logged).toEqual(expect.arrayContaining(['OP_REASSIGN_LEASE', 'OP_CLOSE']));
    expect(logged).not.toContain('OP_UPDATE_BLOCKS');
    expect(
      events(suite.home).some(
        (e) => e.event.type === 'lease-recovered' && e.event.path === '/lease/dead.bin',
      ),
    ).toBe(true);
  }, 40_000);

  it('decommissioning: the replicas move first, then the DataNode is Decommissioned; back in service after', async () => {
    const src = '/decom/small.bin';
    const out = await suite.client.create(src, { overwrite: false, replication: 2 });
    await out.write(Buffer.alloc(100 * KiB, 5));
    await out.close();
    const before = await waitFor(`${src} on two DataNodes`, async () => {
      const r = await replicasOf(src);
      return r.live.length === 2 ? r : undefined;
    });
    const victim = (before.live[0] as { name: string }).name;
    const info = (await suite.client.call('getDatanodeReport', { type: 'ALL' })).find(
      (d) => d.name === victim,
    );
    if (!info) throw new Error(`${victim} not in the report`);
    // dfs.hosts.exclude from the lab home's hdfs-site.xml, which refreshNodes reads anew.
    const exclude = path.join(suite.home, 'dfs.exclude');
    const site = path.join(suite.home, 'hdfs-site.xml');
    fs.writeFileSync(exclude, `# leaving for maintenance\n${info.ipAddr}:${info.xferPort}\n`);
    fs.writeFileSync(
      site,
      '<configuration><property><name>dfs.hosts.exclude</name><value>dfs.exclude</value></property></configuration>\n',
    );
    try {
      const refreshed = await runLab(suite.home, 'dfsadmin', '-refreshNodes');
      expect(refreshed.stdout, refreshed.stderr).toBe('Refresh nodes successful\n');
      await waitFor(
        `${victim} decommissioned`,
        async () =>
          (await suite.client.call('getDatanodeReport', { type: 'ALL' })).find(
            (d) => d.name === victim && d.adminState === 'DECOMMISSIONED',
          ),
        30_000,
      );
      const after = await fetchBlockMap(
        { home: suite.home, description: requireDescription(suite.home) },
        src,
        {
          selfId: 'client',
        },
      );
      const block = after.files[0]?.blocks[0];
      expect(block?.live.map((r) => r.name)).not.toContain(victim);
      expect(block?.live).toHaveLength(2);
      expect(new Set(block?.live.map((r) => r.rack)).size).toBe(2);
      expect(block?.decommissioned?.map((r) => r.name)).toEqual([victim]);
      // HDFS leaves the decommissioned DataNode's replica where it is.
      expect(fs.existsSync(blockFile(victim, await firstBlock(src)))).toBe(true);
      // In progress first; the copy scheduled (its block had one other live replica); only then Decommissioned.
      const isDone = (e: StateEvent): boolean =>
        e.type === 'datanode-admin-state' && e.datanode === victim && e.adminState === 'DECOMMISSIONED';
      // The journal is written by each process on its own schedule: wait for the NameNode's line.
      const journal = await waitFor('the journal line', () => {
        const all = events(suite.home).map((e) => e.event);
        return all.some(isDone) ? all : undefined;
      });
      const leaving = journal.findIndex(
        (e) =>
          e.type === 'datanode-admin-state' &&
          e.datanode === victim &&
          e.adminState === 'DECOMMISSION_INPROGRESS',
      );
      const copied = journal.findIndex(
        (e) => e.type === 'replication-scheduled' && e.block.blockId === block?.block.blockId,
      );
      const decommissioned = journal.findIndex(isDone);
      expect(leaving).toBeGreaterThanOrEqual(0);
      expect(copied).toBeGreaterThan(leaving);
      expect(copied).toBeLessThan(decommissioned);
      expect((await runLab(suite.home, 'fsck', src)).stdout).toContain(' DecommissionedReplicas:\t1\n');

      fs.writeFileSync(exclude, '');
      expect((await runLab(suite.home, 'dfsadmin', '-refreshNodes')).code).toBe(0);
      await waitFor(`${victim} back in service`, async () =>
        (await suite.client.call('getDatanodeReport', { type: 'ALL' })).find(
          (d) => d.name === victim && d.adminState === 'NORMAL',
        ),
      );

      // An include file without the victim, and with a host that never registered: the victim is
      // refused at its next heartbeat (DisallowedDatanodeException) and exits, as BPServiceActor
      // ends its only block pool service; the report no longer lists it (not included) and lists
      // the stranger dead, on the default transfer port (DatanodeManager.getDatanodeListForReport).
      const others = (await suite.client.call('getDatanodeReport', { type: 'LIVE' })).filter(
        (d) => d.name !== victim,
      );
      fs.writeFileSync(
        path.join(suite.home, 'dfs.include'),
        [...others.map((d) => `${d.ipAddr}:${d.xferPort}`), '127.0.9.9'].join('\n') + '\n',
      );
      fs.writeFileSync(
        site,
        '<configuration><property><name>dfs.hosts</name><value>dfs.include</value></property></configuration>\n',
      );
      const pid = Number(fs.readFileSync(homePaths(suite.home).pid(victim), 'utf8').trim());
      await suite.client.call('refreshNodes', {});
      await waitFor(`${victim} (pid ${pid}) exited`, () => {
        try {
          process.kill(pid, 0);
          return undefined;
        } catch {
          return true;
        }
      });
      const dead = await suite.client.call('getDatanodeReport', { type: 'DEAD' });
      expect(dead.map((d) => `${d.ipAddr}:${d.xferPort}`)).toEqual(['127.0.9.9:9866']);
    } finally {
      fs.rmSync(site, { force: true });
    }
  }, 60_000);

  it('maintenance: the JSON hosts file puts a DataNode in maintenance once its lone replica is copied; out again when its entry goes', async () => {
    const src = '/maintenance/one.bin';
    const out = await suite.client.create(src, { overwrite: false, replication: 1 });
    await out.write(Buffer.alloc(10 * KiB, 7));
    await out.close();
    const holder = await waitFor(`${src} on a DataNode`, async () => (await replicasOf(src)).live[0]?.name);
    const info = (await suite.client.call('getDatanodeReport', { type: 'ALL' })).find(
      (d) => d.name === holder,
    );
    if (!info) throw new Error(`${holder} not in the report`);
    // CombinedHostFileManager reads dfs.hosts as the JSON file (HdfsDataNodeAdminGuide's form).
    const { site, hosts } = writeCombinedHosts(suite.home, [
      {
        hostName: info.ipAddr,
        port: info.xferPort,
        adminState: 'IN_MAINTENANCE',
        maintenanceExpireTimeInMS: Date.now() + 600_000,
      },
    ]);
    try {
      await suite.client.call('refreshNodes', {});
      await waitFor(`${holder} in maintenance`, async () =>
        (await suite.client.call('getDatanodeReport', { type: 'IN_MAINTENANCE' })).find(
          (d) => d.name === holder,
        ),
      );
      // Its block was copied first: one live replica elsewhere, the one on the holder in maintenance.
      const report = await runLab(
        suite.home,
        'dfsadmin',
        '-report',
        '-enteringmaintenance',
        '-inmaintenance',
      );
      expect(report.stdout, report.stderr).toContain('Entering maintenance datanodes (0):\n');
      expect(report.stdout).toContain(
        `In maintenance datanodes (1):\n\nName: ${info.ipAddr}:${info.xferPort} (${info.hostName})\n`,
      );
      expect(report.stdout).toContain('Decommission Status : In maintenance\n');
      const map = await fetchBlockMap(
        { home: suite.home, description: requireDescription(suite.home) },
        src,
        {
          selfId: 'client',
        },
      );
      const block = map.files[0]?.blocks[0];
      expect(block?.inMaintenance?.map((r) => r.name)).toEqual([holder]);
      expect(block?.live.map((r) => r.name)).not.toContain(holder);

      fs.writeFileSync(hosts, '[]');
      await suite.client.call('refreshNodes', {});
      const normal = await suite.client.call('getDatanodeReport', { type: 'ALL' });
      expect(normal.find((d) => d.name === holder)?.adminState).toBe('NORMAL');
    } finally {
      fs.rmSync(site, { force: true });
      fs.rmSync(hosts, { force: true });
    }
  }, 30_000);
});
