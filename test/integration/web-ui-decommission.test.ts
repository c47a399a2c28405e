/**
 * The Datanodes tab's Decommissioning table in headless Chromium, on a cluster of its own (so it
 * runs in `npm run test:long`, LAB_LONG=1): two of three DataNodes go in dfs.hosts.exclude (from
 * the lab home's hdfs-site.xml) and `lab dfsadmin -refreshNodes` starts their decommissioning.
 * A block at replication 2 with both replicas on them can get only one other live replica, so both
 * stay Decommission In Progress — as they would on HDFS — and the page must show them: each in the
 * Decommissioning table, with that admin state in the In operation table, and the Overview's count.
 * Then the third DataNode, the only one left in service, takes a block at replication 1 and goes
 * IN_MAINTENANCE through the combined hosts file (CombinedHostFileManager): with nowhere to copy
 * its block it stays Entering Maintenance, and the page shows it as dfshealth.html does (the
 * Entering Maintenance table, the entering-maintenance icon, the Overview's count).
 * Expected DataNodes come from cluster.json and the RPC's getDatanodeReport, not from the page.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { runLab } from './lab-process.js';
import { waitFor } from './wait-for.js';
import { writeCombinedHosts, type HostsEntry } from './combined-hosts.js';
import { CHROMIUM, SCREENSHOTS, startWebCluster, stopWebCluster, type WebCluster } from './chromium.js';
import { BUILT, programAt } from './requirements.js';

const MiB = 1024 * 1024;
const run = BUILT && programAt(CHROMIUM, 'apt-get install chromium') && process.env.LAB_LONG === '1';

describe.skipIf(!run)('the Decommissioning and Entering Maintenance tables in Chromium', () => {
  let leaving: string[] = [];
  let home = '';
  let nn = '';
  let cluster: WebCluster | undefined;
  let page: Page;
  let client: DFSClient;

  beforeAll(async () => {
    cluster = await startWebCluster(
      {
        datanodes: 3,
        blockSize: '1m',
        replication: 2,
        seed: 'web-decom',
        defines: ['dfs.heartbeat.interval=1'],
      },
      { homePrefix: 'lab-web-decom-', viewport: { width: 1280, height: 900 } },
    );
    ({ home, nn, page } = cluster);
    client = await DFSClient.connect({ home, warn: () => undefined });
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await stopWebCluster(cluster);
  });

  it('lists the DataNodes -refreshNodes started decommissioning, while their blocks wait', async () => {
    const out = await client.create('/decom/a.bin', { replication: 2 });
    await out.write(randomBytes(MiB / 2));
    await out.close();
    const holders = await waitFor('the block on two DataNodes', async () => {
      const located = await client.call('getBlockLocations', {
        src: '/decom/a.bin',
        offset: 0,
        length: MiB,
        readerHost: '',
      });
      const locations = located?.blocks[0]?.locations ?? [];
      return locations.length === 2 ? locations : undefined;
    });
    leaving = holders.map((d) => `${d.ipAddr}:${d.xferPort}`).sort();
    fs.writeFileSync(path.join(home, 'dfs.exclude'), `${leaving.join('\n')}\n`);
    fs.writeFileSync(
      path.join(home, 'hdfs-site.xml'),
      '<configuration><property><name>dfs.hosts.exclude</name><value>dfs.exclude</value></property></configuration>\n',
    );
    const refreshed = await runLab(home, 'dfsadmin', '-refreshNodes');
    expect(refreshed.stdout, refreshed.stderr).toBe('Refresh nodes successful\n');

    const rows = await waitFor(
      'the Decommissioning table to list both DataNodes',
      async () => {
        await page.goto(`http://${nn}/dfshealth.html?poll=${Date.now()}#tab-datanode`);
        await page.locator('#datanodes-table tr.datanode').nth(2).waitFor();
        const found = await page.locator('#decom-datanodes-table tr.decommissioning').allTextContents();
        return found.length === 2 ? found : undefined;
      },
      60_000,
    );
    for (const [i, addr] of leaving.entries()) expect(rows[i]).toContain(addr);
    // The RPC's report says the same: both in progress, the third in service.
    const report = await client.call('getDatanodeReport', { type: 'LIVE' });
    const stateOf = (addr: string) => report.find((d) => `${d.ipAddr}:${d.xferPort}` === addr)?.adminState;
    expect(leaving.map(stateOf)).toEqual(['DECOMMISSION_INPROGRESS', 'DECOMMISSION_INPROGRESS']);
    const inOperation = await page.locator('#datanodes-table tr.datanode').allTextContents();
    for (const addr of leaving) {
      expect(inOperation.find((r) => r.includes(addr))).toContain('Decommission In Progress');
    }
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'datanodes-decommissioning.png'),
      fullPage: true,
    });
    await page.goto(`http://${nn}/dfshealth.html?poll=${Date.now()}#tab-overview`);
    await page.locator('#summary-table').getByText('Decommissioning Nodes').waitFor();
    const summary = await page
      .locator('#summary-table tr', { hasText: 'Decommissioning Nodes' })
      .textContent();
    expect(summary).toContain('2');
  }, 120_000);

  it('shows the DataNode entering maintenance as dfshealth.html does: its table, its icon, the Overview count', async () => {
    // The decommissioning DataNodes take no new block: the file lands on the third, in service.
    const out = await client.create('/maintenance/b.bin', { replication: 1 });
    await out.write(randomBytes(MiB / 4));
    await out.close();
    const report = await client.call('getDatanodeReport', { type: 'LIVE' });
    const third = report.find((d) => !leaving.includes(`${d.ipAddr}:${d.xferPort}`));
    if (!third) throw new Error('no DataNode left in service');
    const entry = (d: { ipAddr: string; xferPort: number }, adminState: HostsEntry['adminState']) => ({
      hostName: d.ipAddr,
      port: d.xferPort,
      adminState,
      ...(adminState === 'IN_MAINTENANCE' ? { maintenanceExpireTimeInMS: Date.now() + 3_600_000 } : {}),
    });
    const hosts = [
      ...report.filter((d) => d !== third).map((d) => entry(d, 'DECOMMISSIONED')),
      entry(third, 'IN_MAINTENANCE'),
    ];
    writeCombinedHosts(home, hosts);
    const refreshed = await runLab(home, 'dfsadmin', '-refreshNodes');
    expect(refreshed.stdout, refreshed.stderr).toBe('Refresh nodes successful\n');
    const addr = `${third.ipAddr}:${third.xferPort}`;
    const rows = await waitFor(
      'the Entering Maintenance table to list the third DataNode',
      async () => {
        await page.goto(`http://${nn}/dfshealth.html?poll=${Date.now()}#tab-datanode`);
        await page.locator('#datanodes-table tr.datanode').nth(2).waitFor();
        const found = await page
          .locator('#maintenance-datanodes-table tr.entering-maintenance')
          .allTextContents();
        return found.length === 1 ? found : undefined;
      },
      60_000,
    );
    expect(rows[0]).toContain(addr);
    const stateNow = (await client.call('getDatanodeReport', { type: 'LIVE' })).find(
      (d) => d === third || `${d.ipAddr}:${d.xferPort}` === addr,
    );
    expect(stateNow?.adminState).toBe('ENTERING_MAINTENANCE');
    // dfshealth.js's augment_live_nodes: the node cell's icon class follows the admin state.
    expect(
      await page.locator('#datanodes-table td.dfshealth-node-entering-maintenance').allTextContents(),
    ).toEqual([expect.stringContaining(addr)]);
    expect(await page.locator('#datanodes-table td.dfshealth-node-decommissioning').count()).toBe(2);
    expect(await page.locator('#maintenance-none').isVisible()).toBe(false);
    await page.screenshot({
      path: path.join(SCREENSHOTS, 'datanodes-entering-maintenance.png'),
      fullPage: true,
    });
    await page.goto(`http://${nn}/dfshealth.html?poll=${Date.now()}#tab-overview`);
    await page.locator('#summary-table').getByText('Entering Maintenance Nodes').waitFor();
    const count = await page
      .locator('#summary-table tr', { hasText: 'Entering Maintenance Nodes' })
      .textContent();
    expect(count).toMatch(/Entering Maintenance Nodes\s*1$/);
    const live = await page.locator('#summary-table tr', { hasText: 'Live Nodes' }).textContent();
    expect(live).toMatch(/3 \(Decommissioned: 0, In Maintenance: 0\)$/);
  }, 120_000);
});
