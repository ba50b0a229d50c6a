/**
 * 1. Page cost before interaction: the requests and bytes a page makes beyond its
 * own HTML document, in a fresh Chromium profile, until the network has been quiet
 * for a second after `load`. Compared with the vendor snippet's eager pattern.
 *
 * Each element page is then used (the launcher clicked, the element scrolled into
 * view) and must reach `connected`: a page that never starts would otherwise
 * measure as "free".
 */
import { eagerSnippetPage, elementPage } from './pages.mjs';
import { networkLog, waitReady } from './browser.mjs';

const QUIET_MS = 1000;
const SETTLE_LIMIT_MS = 30_000;
const STANDIN = '/sdk-stand-in.js';

const VARIANTS = [
  { name: 'eager', label: 'vendor snippet, SDK in <head> (stand-in)' },
  { name: 'click', label: '<kaleyra-call connect="click">' },
  { name: 'visible', label: '<kaleyra-call connect="visible">, below the fold' },
  { name: 'auto', label: '<kaleyra-call connect="auto">' },
];

/**
 * @param {{ browser: import('playwright-core').Browser,
 *   server: Awaited<ReturnType<typeof import('./page-server.mjs').startPageServer>> }} options
 */
export async function measurePageCost({ browser, server }) {
  const rows = [];
  for (const variant of VARIANTS) {
    const html =
      variant.name === 'eager'
        ? eagerSnippetPage(STANDIN)
        : elementPage({
            connect: variant.name,
            tokenEndpoint: '/token?user=cost_user',
            sdkSrc: STANDIN,
            belowFold: variant.name === 'visible',
          });
    const url = server.addPage(`cost-${variant.name}`, html);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const log = await networkLog(page);
      await page.goto(url, { waitUntil: 'load' });
      if (variant.name === 'auto') await waitReady(page);
      await log.quiet(QUIET_MS, SETTLE_LIMIT_MS);
      const before = tally(log.entries());

      let after = null;
      if (variant.name === 'click' || variant.name === 'visible') {
        if (variant.name === 'click') await page.locator('kaleyra-call [part="launcher"]').click();
        else await page.locator('kaleyra-call').scrollIntoViewIfNeeded();
        await waitReady(page);
        await log.quiet(QUIET_MS, SETTLE_LIMIT_MS);
        after = tally(log.entries());
      } else if (variant.name === 'eager') {
        const loaded = await page.evaluate(() => typeof globalThis.BandyerSDK === 'object');
        if (!loaded) throw new Error('the eager page did not get window.BandyerSDK');
      }
      rows.push({ page: variant.name, label: variant.label, ...before, afterInteraction: after });
    } finally {
      await context.close();
    }
  }
  const eager = rows.find((r) => r.page === 'eager');
  for (const row of rows) row.eagerBytesRatio = eager.bytes / row.bytes;
  return rows;
}

/**
 * Everything but the page's own document: what the snippet or the element adds.
 * @param {import('./browser.mjs').NetworkEntry[]} entries
 */
export function tally(entries) {
  const added = entries.filter((e) => e.type !== 'Document');
  const failed = added.filter((e) => e.failed);
  if (failed.length) throw new Error(`request failed: ${failed.map((e) => e.url).join(', ')}`);
  return {
    requests: added.length,
    bytes: added.reduce((sum, e) => sum + e.bytes, 0),
    urls: added.map((e) => `${e.method} ${new URL(e.url).pathname}`),
  };
}
