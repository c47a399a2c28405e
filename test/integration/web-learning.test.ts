/**
 * The learning pages of `lab web` in headless Chromium, on a cluster of its own (so it runs in
 * `npm run test:long`, LAB_LONG=1): while the server runs the NameNode's web UI links to it; after
 * a `lab fs -put` the trace page draws the put with its addBlock calls and the DataNodes that
 * `lab fsck -files -blocks -locations` names as the block's holders; a second put is drawn without
 * reloading the page (the change stream); the rack tree puts each DataNode under the rack
 * cluster.json gives it. When the server stops, the NameNode's page no longer links to it.
 * Screenshots go to test-results/web-ui/ with the other web UI pages.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDescription } from '../../cluster/home/home.js';
import { startLabWeb, type LabWebServer } from '../../lab/web/server.js';
import { CHROMIUM, SCREENSHOTS, startWebCluster, stopWebCluster, type WebCluster } from './chromium.js';
import { runLab } from './lab-process.js';
import { BUILT, programAt } from './requirements.js';

const MiB = 1024 * 1024;
const run = BUILT && programAt(CHROMIUM, 'apt-get install chromium') && process.env.LAB_LONG === '1';

describe.skipIf(!run)('the learning pages of lab web in Chromium', () => {
  let home = '';
  let nn = '';
  let web: LabWebServer | undefined;
  let cluster: WebCluster | undefined;
  let page: Page;

  beforeAll(async () => {
    cluster = await startWebCluster(
      { datanodes: 3, racks: 2, blockSize: '1m', replication: 2, seed: 'web-learning' },
      { homePrefix: 'lab-web-learning-', viewport: { width: 1400, height: 1000 } },
    );
    ({ home, nn, page } = cluster);
    web = await startLabWeb({ home });
  }, 120_000);

  afterAll(async () => {
    await web?.close();
    await stopWebCluster(cluster);
  });

  const put = async (name: string): Promise<void> => {
    const local = path.join(home, name);
    fs.writeFileSync(local, randomBytes(MiB + MiB / 2));
    const outcome = await runLab(home, 'fs', '-put', local, `/learn/${name}`);
    expect(outcome.code, outcome.stderr).toBe(0);
  };

  it("draws the last put from the NameNode UI's link: its addBlocks and the DataNodes fsck names", async () => {
    expect((await runLab(home, 'fs', '-mkdir', '/learn')).code).toBe(0);
    await put('a.bin');
    // Asked before the page is open: fsck is an operation too, and the page draws the last one.
    const fsck = await runLab(home, 'fsck', '/learn/a.bin', '-files', '-blocks', '-locations');
    const holders = [...fsck.stdout.matchAll(/DatanodeInfoWithStorage\[([\d.]+:\d+),/g)].map((m) => m[1]);
    await page.goto(`http://${nn}/`);
    await page.locator('#nav-overview').waitFor();
    expect(await page.locator('#nav-learning').getAttribute('href')).toBe(web?.url);
    await page.goto(`${web?.url}trace?kind=put`);
    await page.locator('#trace-diagram svg').waitFor();
    const diagram = (await page.locator('#trace-diagram svg').textContent()) ?? '';
    // Two 1 MB blocks of a 1.5 MB file: the client asks the NameNode for each one.
    expect(diagram.match(/addBlock src=\/learn\/a\.bin\._COPYING_/g)).toHaveLength(2);
    const idOf = (addr: string) =>
      requireDescription(home).datanodes.find((d) => `${d.host}:${d.port}` === addr)?.id;
    const lanes = await page.locator('#trace-diagram svg text[text-anchor="middle"]').allTextContents();
    expect(holders.length).toBe(4);
    for (const addr of holders) expect(lanes).toContain(idOf(addr ?? ''));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'learning-trace.png'), fullPage: true });

    // Live: the next put is drawn on the open page, which is not reloaded.
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 1));
    await put('b.bin');
    await page.locator('#operations li.chosen', { hasText: '/learn/b.bin' }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(1);
  }, 90_000);

  it('puts each DataNode under its rack on the rack tree', async () => {
    await page.click('#nav-topology');
    await page.locator('#rack-tree li.datanode').nth(2).waitFor();
    for (const dn of requireDescription(home).datanodes) {
      const rack = await page
        .locator(`#rack-tree li.datanode[data-id="${dn.id}"]`)
        .evaluate((e) => e.closest('li.rack')?.getAttribute('data-rack'));
      expect(rack).toBe(dn.rack);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'learning-topology.png'), fullPage: true });
    await page.click('#nav-progress');
    await page.locator('#progress-summary').waitFor();
    expect(await page.locator('#progress-summary').textContent()).toBe(
      'No progress yet: start with `lab exercises`.',
    );
  });

  it('is no longer linked from the NameNode UI once it stops', async () => {
    await web?.close();
    web = undefined;
    await page.goto(`http://${nn}/?after=stop`);
    await page.locator('#nav-overview').waitFor();
    expect(await page.locator('#nav-learning').count()).toBe(0);
  });
});
