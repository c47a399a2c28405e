/**
 * Debian's Chromium driven by playwright-core, as the web UI suites drive it: headless, no
 * sandbox (CI runs as root), nothing fetched from the network. `.ci/run` installs the package.
 * The suites each boot a cluster of their own in a fresh lab home and open one page on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import { requireDescription } from '../../cluster/home/home.js';
import type { StartClusterOptions } from '../../cluster/launcher/launcher.js';
import { REPO, removeTestCluster, startTestCluster } from './lab-process.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Where every web suite saves the pages it looked at. */
export const SCREENSHOTS = path.join(REPO, 'test-results', 'web-ui');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}

/** A running cluster in its own lab home, its NameNode's HTTP address, and a Chromium page. */
export interface WebCluster {
  home: string;
  nn: string;
  browser: Browser;
  page: Page;
}

/**
 * Boots `cluster` as startTestCluster does, in a home named after `homePrefix`, and opens a page of
 * `viewport`; a boot that fails stops what it started.
 */
export async function startWebCluster(
  cluster: Omit<StartClusterOptions, 'home' | 'ephemeralPorts'>,
  { homePrefix, viewport }: { homePrefix: string; viewport: { width: number; height: number } },
): Promise<WebCluster> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const home = await startTestCluster(homePrefix, cluster);
  try {
    const nn = readNamenodeHttpAddress(home, requireDescription(home)) ?? '';
    const browser = await launchChromium();
    return { home, nn, browser, page: await browser.newPage({ viewport }) };
  } catch (error) {
    await removeTestCluster(home);
    throw error;
  }
}

/** Closes the browser, stops the cluster and removes its home. */
export async function stopWebCluster(web: WebCluster | undefined): Promise<void> {
  if (web === undefined) return;
  await web.browser.close();
  await removeTestCluster(web.home);
}
