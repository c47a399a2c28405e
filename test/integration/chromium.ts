/**
 * Debian's Chromium driven by playwright-core, as the web UI suites drive it: headless, no
 * sandbox (CI runs as root), nothing fetched from the network. `.ci/run` installs the package.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

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
