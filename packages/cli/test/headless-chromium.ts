import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); playwright-core drives it, and downloads no browser of its own. */
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Debian's chromium, installed when missing (as root or with passwordless sudo, as `.ci/run`
 * does): a test that needs a browser installs it. Throws, saying how to install it, otherwise.
 */
export function debianChromium(): string {
  const found = CHROMIUM_PATHS.find((path) => existsSync(path));
  if (found) return found;
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const install = (args: string[]) => spawnSync(asRoot[0] ?? 'apt-get', [...asRoot.slice(1), ...(asRoot.length > 0 ? ['apt-get'] : []), ...args], {
    stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).status === 0;
  if (!install(['install', '-y', '-q', '--no-install-recommends', 'chromium'])) {
    install(['update', '-q']);
    install(['install', '-y', '-q', '--no-install-recommends', 'chromium']);
  }
  const installed = CHROMIUM_PATHS.find((path) => existsSync(path));
  if (!installed) throw new Error('this test needs Debian\'s chromium: apt-get install chromium (it could not be installed here)');
  return installed;
}

/**
 * Headless chromium that reaches only 127.0.0.1: every other host name resolves to nothing, and
 * the browser's own background traffic (updates, safe browsing, metrics) is off.
 */
export function launchLoopbackChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: debianChromium(),
    headless: true,
    args: [
      // Tests run as root in a container, where chromium's own sandbox cannot start.
      '--no-sandbox',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      '--disable-background-networking', '--disable-component-update', '--disable-domain-reliability', '--disable-sync', '--no-first-run',
    ],
  });
}
