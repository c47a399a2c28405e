/**
 * The Datanodes tab's Decommissioning table in headless Chromium, on a cluster of its own (so it
 * runs in `npm run test:long`, LAB_LONG=1): two of three DataNodes go in dfs.hosts.exclude (from
 * the lab home's hdfs-site.xml) and `lab dfsadmin -refreshNodes` starts their decommissioning.
 * A block at replication 2 with both replicas on them can get only one other live replica, so both
 * stay Decommission In Progress — as they would on HDFS — and the page must show them: each in the
 * Decommissioning table, with that admin state in the In operation table, and the Overview's count.
 * Expected DataNodes come from cluster.json and the RPC's getDatanodeReport, not from the page.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import { requireDescription } from '../../cluster/home/home.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { REPO, runLab } from './lab-process.js';
import { waitFor } from './wait-for.js';
import { CHROMIUM, launchChromium } from './chromium.js';
import { BUILT, programAt } from './requirements.js';

const SCREENSHOTS = path.join(REPO, 'test-results', 'web-ui');
const MiB = 1024 * 1024;
const run = BUILT && programAt(CHROMIUM, 'apt-get install chromium') && process.env.LAB_LONG === '1';

describe.skipIf(!run)('the Decommissioning table of the NameNode web UI in Chromium', () => {
  let home = '';
  let nn = '';
  let browser: Browser;
  let page: Page;
  let client: DFSClient;

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-web-decom-'));
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await startCluster({
      home,
      datanodes: 3,
      blockSize: '1m',
      replication: 2,
      seed: 'web-decom',
      ephemeralPorts: true,
      defines: ['dfs.heartbeat.interval=1'],
    });
    nn = readNamenodeHttpAddress(home, requireDescription(home)) ?? '';
    client = await DFSClient.connect({ home, warn: () => undefined });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await client?.close();
    if (home) {
      await stopNodes(home).catch(() => []);
      fs.rmSync(home, { recursive: true, force: true });
    }
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
    const leaving = holders.map((d) => `${d.ipAddr}:${d.xferPort}`).sort();
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
    await page.screenshot({ path: path.join(SCREENSHOTS, 'datanodes-decommissioning.png'), fullPage: true });
    await page.goto(`http://${nn}/dfshealth.html?poll=${Date.now()}#tab-overview`);
    await page.locator('#summary-table').getByText('Decommissioning Nodes').waitFor();
    const summary = await page
      .locator('#summary-table tr', { hasText: 'Decommissioning Nodes' })
      .textContent();
    expect(summary).toContain('2');
  }, 120_000);
});
