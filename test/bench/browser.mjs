/**
 * Chromium for the bench: the system browser (test/support/chromium.mjs), driven
 * by playwright-core, and a network log read from the DevTools protocol, whose
 * `encodedDataLength` is the bytes that crossed the wire (headers included,
 * compressed bodies as compressed).
 */
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';

export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ entries: () => NetworkEntry[], quiet: (ms: number, maxMs: number) => Promise<void> }>}
 * @typedef {{ url: string, method: string, type: string, bytes: number, done: boolean, failed: boolean }} NetworkEntry
 */
export async function networkLog(page) {
  const cdp = await page.context().newCDPSession(page);
  /** @type {Map<string, NetworkEntry>} */
  const requests = new Map();
  let lastActivity = performance.now();
  cdp.on('Network.requestWillBeSent', (e) => {
    lastActivity = performance.now();
    requests.set(e.requestId, {
      url: e.request.url,
      method: e.request.method,
      type: e.type ?? 'Other',
      bytes: 0,
      done: false,
      failed: false,
    });
  });
  cdp.on('Network.loadingFinished', (e) => {
    lastActivity = performance.now();
    const entry = requests.get(e.requestId);
    if (entry) Object.assign(entry, { bytes: e.encodedDataLength, done: true });
  });
  cdp.on('Network.loadingFailed', (e) => {
    lastActivity = performance.now();
    const entry = requests.get(e.requestId);
    if (entry) Object.assign(entry, { done: true, failed: true });
  });
  await cdp.send('Network.enable');
  return {
    entries: () => [...requests.values()].filter((r) => !r.url.startsWith('data:')),
    /** Resolves once nothing is in flight and nothing happened for `ms`. */
    async quiet(ms, maxMs) {
      const deadline = performance.now() + maxMs;
      for (;;) {
        const busy = [...requests.values()].some((r) => !r.done);
        if (!busy && performance.now() - lastActivity >= ms) return;
        if (performance.now() > deadline) {
          throw new Error(`the network did not settle within ${maxMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/**
 * Shapes the page's network with Chromium's own throttling (the DevTools
 * protocol's `Network.emulateNetworkConditions`): `latencyMs` is added to every
 * request (not per connection or per round trip), and the throughput is shared
 * by all of the page's requests.
 * @param {import('playwright-core').Page} page
 * @param {{ downMbps: number, upMbps: number, latencyMs: number }} profile
 */
export async function shapeNetwork(page, { downMbps, upMbps, latencyMs }) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: latencyMs,
    downloadThroughput: (downMbps * 1e6) / 8, // bytes per second
    uploadThroughput: (upMbps * 1e6) / 8,
  });
}

/**
 * Waits for `kaleyra-call-ready` (or an error, which fails the measurement).
 * @param {import('playwright-core').Page} page @param {number} [timeoutMs]
 */
export function waitReady(page, timeoutMs = 20_000) {
  return waitFor(page, () => globalThis.__bench.ready !== null, timeoutMs);
}

/**
 * Waits for the element to hold a token and the SDK (state `connecting`).
 * @param {import('playwright-core').Page} page @param {number} [timeoutMs]
 */
export function waitTokenInHand(page, timeoutMs = 20_000) {
  return waitFor(
    page,
    () => globalThis.__bench.states.some((s) => s.state === 'connecting'),
    timeoutMs,
  );
}

/**
 * @param {import('playwright-core').Page} page @param {() => boolean} done
 * @param {number} timeoutMs
 */
async function waitFor(page, done, timeoutMs) {
  await page.waitForFunction(`globalThis.__bench.error !== null || (${done.toString()})()`, null, {
    timeout: timeoutMs,
    polling: 10,
  });
  const bench = await page.evaluate(() => globalThis.__bench);
  if (bench.error) {
    throw new Error(`the element failed: phase ${bench.error.phase}, code ${bench.error.code}`);
  }
  return bench;
}
