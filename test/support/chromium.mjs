// Finds the system Chromium for browser tests. Tools never download a browser:
// CHROME_PATH wins, else Debian's /usr/bin/chromium.
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

export function chromiumPath() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) {
    console.error(
      'No Chromium found: install it with `apt-get install -y chromium`, or set CHROME_PATH to a Chromium/Chrome binary.',
    );
    process.exit(1);
  }
  return found;
}
