/**
 * The NameNode's web UI in headless Chromium (Debian's /usr/bin/chromium through playwright-core),
 * on a real cluster: Overview counts the live DataNodes and follows a DataNode that is killed and
 * declared dead; the Datanodes tab lists each with its HTTP address; Browse shows a file's blocks
 * with the DataNodes `lab fsck -files -blocks -locations` names, under their racks on the rack tree
 * with the distance between them; an upload through the page lands
 * in HDFS byte for byte; Snapshot lists what `lab lsSnapshottableDir` lists. Each page is saved as a
 * screenshot in test-results/web-ui/.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { killNode } from '../../cluster/launcher/launcher.js';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import { requireDescription } from '../../cluster/home/home.js';
import { runLab } from './lab-process.js';
import { waitFor } from './wait-for.js';
import { CHROMIUM, SCREENSHOTS, startWebCluster, stopWebCluster, type WebCluster } from './chromium.js';
import { BUILT, programAt } from './requirements.js';

const MiB = 1024 * 1024;
const chromium = programAt(CHROMIUM, 'apt-get install chromium');

describe.skipIf(!BUILT || !chromium)('the NameNode web UI in Chromium', () => {
  let home = '';
  let nn = '';
  let cluster: WebCluster | undefined;
  let page: Page;
  const data = randomBytes(MiB + MiB / 2);

  beforeAll(async () => {
    cluster = await startWebCluster(
      {
        datanodes: 3,
        racks: 2,
        blockSize: '1m',
        replication: 2,
        seed: 'web-ui',
        defines: ['dfs.heartbeat.interval=1', 'dfs.namenode.heartbeat.recheck-interval=500'],
      },
      { homePrefix: 'lab-web-ui-', viewport: { width: 1280, height: 900 } },
    );
    ({ home, nn, page } = cluster);
    const client = await DFSClient.connect({ home, warn: () => undefined });
    try {
      const stream = await client.create('/data/a.bin');
      await stream.write(data);
      await stream.close();
    } finally {
      await client.close();
    }
  }, 120_000);

  afterAll(() => stopWebCluster(cluster));

  it('Overview shows the cluster id and three live DataNodes', async () => {
    await page.goto(`http://${nn}/`);
    await page.locator('#live-nodes').getByText('3').waitFor();
    const version = fs.readFileSync(path.join(home, 'dfs', 'name', 'current', 'VERSION'), 'utf8');
    expect(await page.locator('#cluster-id').textContent()).toBe(/^clusterID=(.*)$/m.exec(version)?.[1]);
    expect(await page.locator('#dead-nodes').textContent()).toBe('0');
    // dfshealth.html's Summary lines: /data, /data/a.bin and / are 3 objects, a.bin's 2 blocks 2 more.
    expect(await page.locator('#security').textContent()).toBe('Security is off.');
    expect(await page.locator('#safemode').textContent()).toBe('Safemode is off.');
    expect(await page.locator('#objects').textContent()).toBe(
      '3 files and directories, 2 blocks (2 replicated blocks, 0 erasure coded block groups) = 5 total filesystem object(s).',
    );
    expect(await page.locator('#missing-blocks').isHidden()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'overview.png'), fullPage: true });
  });

  it('Datanodes lists each DataNode with its HTTP address', async () => {
    await page.click('#nav-datanode');
    await page.locator('#datanodes-table tr.datanode').nth(2).waitFor();
    const rows = await page.locator('#datanodes-table tr.datanode').allTextContents();
    for (const dn of requireDescription(home).datanodes) {
      expect(
        rows.some((r) => r.includes(`${dn.host}:${dn.port}`) && r.includes(`${dn.host}:${dn.httpPort}`)),
      ).toBe(true);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'datanodes.png'), fullPage: true });
  });

  it("Browse shows a file's blocks with the DataNodes fsck names", async () => {
    const fsck = await runLab(home, 'fsck', '/data/a.bin', '-files', '-blocks', '-locations');
    expect(fsck.code).toBe(0);
    // `0. BP-…:blk_<id>_<gs> len=<n> Live_repl=2  [DatanodeInfoWithStorage[<ip:port>,DS-…,DISK], …]`
    const blocks = [...fsck.stdout.matchAll(/^\d+\. \S+:blk_(\d+)_(\d+) len=(\d+) .*$/gm)].map((m) => ({
      id: m[1],
      genStamp: m[2],
      size: m[3],
      replicas: [...m[0].matchAll(/DatanodeInfoWithStorage\[([\d.]+:\d+),/g)].map((r) => r[1]).sort(),
    }));
    expect(blocks).toHaveLength(2);
    await page.goto(`http://${nn}/explorer.html#tab-explorer/data`);
    await page.locator('#explorer-table a.entry', { hasText: 'a.bin' }).click();
    await page.locator('#file-info').waitFor();
    for (const [index, block] of blocks.entries()) {
      await page.selectOption('#block-select', String(index));
      await page.locator('#block-id', { hasText: block.id ?? '' }).waitFor();
      expect(await page.locator('#block-genstamp').textContent()).toBe(block.genStamp);
      expect(await page.locator('#block-size').textContent()).toBe(block.size);
      const shown = await page.locator('#block-locations li').allTextContents();
      expect(shown.map((t) => /\(([\d.]+:\d+),/.exec(t)?.[1]).sort()).toEqual(block.replicas);
      // The rack tree: every live DataNode under the rack cluster.json gives it, the replicas marked.
      const datanodes = requireDescription(home).datanodes;
      const rackOf = (addr: string) => datanodes.find((d) => `${d.host}:${d.port}` === addr)?.rack;
      const marked = page.locator('#rack-tree li.datanode.replica');
      await page.locator(`#rack-tree li.replica[data-addr="${block.replicas[0]}"]`).waitFor();
      expect((await marked.evaluateAll((els) => els.map((e) => e.getAttribute('data-addr')))).sort()).toEqual(
        block.replicas,
      );
      for (const addr of block.replicas) {
        const rack = await page
          .locator(`#rack-tree li.datanode[data-addr="${addr}"]`)
          .evaluate((e) => e.closest('li.rack')?.getAttribute('data-rack'));
        expect(rack).toBe(rackOf(addr ?? ''));
      }
      expect(await page.locator('#rack-tree li.datanode').count()).toBe(datanodes.length);
      // NetworkTopology.getDistance between the two replicas: 2 on one rack, 4 across racks.
      const [a = '', b = ''] = block.replicas;
      expect(await page.locator('#replica-distances tr.distance td:nth-child(3)').allTextContents()).toEqual([
        rackOf(a) === rackOf(b) ? '2' : '4',
      ]);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'browse-file.png'), fullPage: true });
  });

  it('an upload through the page lands in HDFS', async () => {
    const local = path.join(home, 'upload.bin');
    fs.writeFileSync(local, data);
    await page.goto(`http://${nn}/explorer.html#tab-explorer/data`);
    await page.locator('#explorer-table a.entry', { hasText: 'a.bin' }).waitFor();
    await page.setInputFiles('#upload-file', local);
    await page.click('#upload-button');
    await page.locator('#upload-status', { hasText: 'uploaded /data/upload.bin' }).waitFor();
    await page.locator('#explorer-table a.entry', { hasText: 'upload.bin' }).waitFor();
    const back = path.join(home, 'upload.back');
    expect((await runLab(home, 'fs', '-get', '/data/upload.bin', back)).code).toBe(0);
    expect(fs.readFileSync(back).equals(data)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'browse-directory.png'), fullPage: true });
  });

  it('Snapshot lists the snapshottable directories lsSnapshottableDir lists, and their snapshots', async () => {
    const client = await DFSClient.connect({ home, warn: () => undefined });
    try {
      await client.call('allowSnapshot', { snapshotRoot: '/data' });
      await client.call('createSnapshot', { snapshotRoot: '/data', snapshotName: 'before' });
      await client.call('createSnapshot', { snapshotRoot: '/data', snapshotName: 'after' });
    } finally {
      await client.close();
    }
    const ls = await runLab(home, 'lsSnapshottableDir');
    // SnapshottableDirectoryStatus.print: mode, replication, owner, group, length, date, time, count, quota, path.
    const [mode, , owner, group, , , , count, quota, dir] = ls.stdout.trim().split(/\s+/);
    await page.goto(`http://${nn}/dfshealth.html#tab-snapshot`);
    await page.locator('#snapshots-table tr.snapshot').nth(1).waitFor();
    expect(await page.locator('#snapshottable-count').textContent()).toBe('1');
    const cells = await page.locator('#snapshottable-table tr.snapshottable td').allTextContents();
    expect([cells[0], cells[1], cells[2], cells[4], cells[5], cells[6]]).toEqual([
      dir,
      count,
      quota,
      mode?.slice(1),
      owner,
      group,
    ]);
    // DirectorySnapshottableFeature keeps a directory's snapshots by name.
    const rows = page.locator('#snapshots-table tr.snapshot');
    expect(await rows.locator('td:nth-child(1)').allTextContents()).toEqual(['after', 'before']);
    expect(await rows.locator('td:nth-child(2)').allTextContents()).toEqual([
      '/data/.snapshot/after',
      '/data/.snapshot/before',
    ]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'snapshot.png'), fullPage: true });
  });

  it("a DataNode's page and the Secondary NameNode's page answer on their HTTP ports", async () => {
    const description = requireDescription(home);
    const dn = description.datanodes[0];
    await page.goto(`http://${dn?.host}:${dn?.httpPort}/`);
    expect(await page.locator('#datanode-info').textContent()).toContain(
      `${dn?.host}:${dn?.port}`.split(':')[1],
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'datanode.png'), fullPage: true });
    await page.goto(`http://${description.secondary?.host}:${description.secondary?.port}/`);
    expect(await page.locator('#namenode-address').textContent()).toBe(
      `${description.namenode.host}:${description.namenode.port}`,
    );
    // dfs.namenode.checkpoint.period's default, 1 hour, and .txns's, 1,000,000.
    expect(await page.locator('#checkpoint-period').textContent()).toBe('3600 seconds');
    expect(await page.locator('#checkpoint-txns').textContent()).toBe('1000000');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'secondary.png'), fullPage: true });
  });

  it('Startup Progress shows what a restarted NameNode loaded and the blocks it awaited', async () => {
    expect((await runLab(home, 'restart', 'nn')).code).toBe(0);
    nn = readNamenodeHttpAddress(home, requireDescription(home)) ?? '';
    // The edits written since the format, finalized on the restart: edits_<first>-<last>.
    const current = path.join(home, 'dfs', 'name', 'current');
    const segments = fs
      .readdirSync(current)
      .map((f) => /^edits_(\d+)-(\d+)$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null);
    expect(segments.length).toBeGreaterThan(0);
    const edits = segments.reduce((sum, m) => sum + Number(m[2]) - Number(m[1]) + 1, 0);
    const fsck = await runLab(home, 'fsck', '/');
    const blocks = Number(/Total blocks \(validated\):\s+(\d+)/.exec(fsck.stdout)?.[1]);
    expect(blocks).toBeGreaterThan(0);
    await waitFor(
      'Startup Progress to show safe mode complete',
      async () => {
        await page.goto(`http://${nn}/dfshealth.html?poll=${Date.now()}#tab-startup-progress`);
        await page.locator('tr.phase[data-phase="SafeMode"]').waitFor();
        return (await page.locator('tr.phase[data-phase="SafeMode"]').getAttribute('data-status')) ===
          'COMPLETE'
          ? true
          : undefined;
      },
      60_000,
    );
    const counts = async (phase: string): Promise<[number, number][]> => {
      const steps = page.locator(`tr.step[data-phase="${phase}"]`);
      const out: [number, number][] = [];
      for (let i = 0; i < (await steps.count()); i++) {
        const row = steps.nth(i);
        out.push([
          Number(await row.locator('.step-count').textContent()),
          Number(await row.locator('.step-total').textContent()),
        ]);
      }
      return out;
    };
    const loaded = await counts('LoadingEdits');
    expect(loaded.reduce((sum, [count]) => sum + count, 0)).toBe(edits);
    expect(loaded.every(([count, total]) => count === total)).toBe(true);
    expect(await counts('SafeMode')).toEqual([[blocks, blocks]]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'startup-progress.png'), fullPage: true });
  }, 90_000);

  it('Overview follows a DataNode that is killed and declared dead', async () => {
    await killNode(home, 'dn3');
    await waitFor(
      'the Overview to show 2 live and 1 dead DataNode',
      async () => {
        // A new query each time: the same URL with only a hash would not load the page again.
        await page.goto(`http://${nn}/dfshealth.html?poll=${Date.now()}#tab-overview`);
        await page.locator('#live-nodes').waitFor();
        const live = await page.locator('#live-nodes').textContent();
        const dead = await page.locator('#dead-nodes').textContent();
        return live === '2' && dead === '1' ? true : undefined;
      },
      60_000,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'overview-dead-node.png'), fullPage: true });
  }, 90_000);
});
