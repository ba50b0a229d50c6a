// Finds the browser for the Chromium tests. Tools never download a browser of
// their own: CHROME_PATH wins, else the system's Chromium or Chrome. When there
// is none, `ensureChromium()` installs Debian's `chromium` package if it can
// (root, apt-get); otherwise it says in one line what to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
];

const HOW_TO =
  'No Chromium found: run `sudo apt-get install -y chromium` (Debian/Ubuntu), or set CHROME_PATH to a Chromium or Chrome binary.';

/** The browser to use, or undefined. A CHROME_PATH that does not exist is not silently replaced. */
export function findChromium() {
  if (process.env.CHROME_PATH) {
    return existsSync(process.env.CHROME_PATH) ? process.env.CHROME_PATH : undefined;
  }
  return SYSTEM_BROWSERS.find((p) => existsSync(p));
}

/** The browser to use; exits with the one-line advice when there is none. */
export function chromiumPath() {
  const found = findChromium();
  if (!found) {
    console.error(HOW_TO);
    process.exit(1);
  }
  return found;
}

/**
 * Makes sure a browser is there before the browser tests: installs Debian's
 * `chromium` when none is found and this process may (root, apt-get present,
 * no CHROME_PATH given). Returns the path, or undefined after printing the advice.
 */
export function ensureChromium() {
  const found = findChromium();
  if (found || process.env.CHROME_PATH) {
    if (!found) console.error(`CHROME_PATH=${process.env.CHROME_PATH} does not exist. ${HOW_TO}`);
    return found;
  }
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    console.error(HOW_TO);
    return undefined;
  }
  console.log('No Chromium found: installing Debian’s chromium package (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (run.status !== 0) {
      console.error(`apt-get ${args.join(' ')} failed. ${HOW_TO}`);
      return undefined;
    }
  }
  return findChromium() ?? (console.error(HOW_TO), undefined);
}
