/**
 * 4. Upstream economy: how many /sdk/credentials calls reach Kaleyra (the
 * stand-in's call log) for
 *
 * - 100 page loads by one user, one after another in one browser tab, each
 *   until the element holds its token and the SDK (state `connecting`): one token
 *   request per load, as the element makes; the SDK's connect is left out, as it
 *   does not touch the token endpoint;
 * - 20 first loads at the same moment by one user with nothing cached, each in its
 *   own browser profile (so the browser's six-connections-per-host limit does not
 *   queue them).
 *
 * The 100 loads take well under ten minutes here; with the default token lifetime
 * (3600 s) and the cache serving a token while more than half of it is left, a
 * spread over ten minutes would be served the same way.
 */
import { waitTokenInHand } from './browser.mjs';
import { elementPage } from './pages.mjs';

export const SEQUENTIAL_LOADS = 100;
export const CONCURRENT_LOADS = 20;

/**
 * @param {{ browser: import('playwright-core').Browser,
 *   server: Awaited<ReturnType<typeof import('./page-server.mjs').startPageServer>>,
 *   kaleyra: Awaited<ReturnType<typeof import('./processes.mjs').spawnKaleyraStandIn>>,
 *   workerUrl: string, label: string,
 *   sequentialUser: { id: string, jwt: string }, concurrentUser: { id: string, jwt: string } }} options
 */
export async function measureEconomy({
  browser,
  server,
  kaleyra,
  workerUrl,
  label,
  sequentialUser,
  concurrentUser,
}) {
  const pageFor = (user) =>
    server.addPage(
      `economy-${label}-${user.id}`,
      elementPage({
        connect: 'auto',
        tokenEndpoint: `${workerUrl}/v1/token`,
        sdkSrc: '/sdk.js',
        authToken: user.jwt,
      }),
    );

  await kaleyra.clearCalls();
  const sequentialUrl = pageFor(sequentialUser);
  const context = await browser.newContext();
  let tokenRequests = 0;
  const started = performance.now();
  try {
    const page = await context.newPage();
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url() === `${workerUrl}/v1/token`) tokenRequests++;
    });
    for (let i = 0; i < SEQUENTIAL_LOADS; i++) {
      await page.goto(sequentialUrl, { waitUntil: 'load' });
      await waitTokenInHand(page);
    }
  } finally {
    await context.close();
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  const sequentialCalls = await callsFor(kaleyra, sequentialUser.id);

  await kaleyra.clearCalls();
  const concurrentUrl = pageFor(concurrentUser);
  const contexts = await Promise.all(
    Array.from({ length: CONCURRENT_LOADS }, () => browser.newContext()),
  );
  try {
    const pages = await Promise.all(contexts.map((c) => c.newPage()));
    await Promise.all(
      pages.map(async (page) => {
        await page.goto(concurrentUrl, { waitUntil: 'load' });
        await waitTokenInHand(page, 60_000);
      }),
    );
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
  const concurrentCalls = await callsFor(kaleyra, concurrentUser.id);

  return {
    sequential: {
      loads: SEQUENTIAL_LOADS,
      seconds,
      tokenRequests,
      credentialCalls: sequentialCalls,
    },
    concurrent: { loads: CONCURRENT_LOADS, credentialCalls: concurrentCalls },
  };
}

/** @param {Awaited<ReturnType<typeof import('./processes.mjs').spawnKaleyraStandIn>>} kaleyra @param {string} userId */
async function callsFor(kaleyra, userId) {
  const calls = await kaleyra.credentialCalls();
  return calls.filter((c) => c.user_id === userId).length;
}
