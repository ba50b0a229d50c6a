/**
 * 2. Critical path: with latencies injected at the bench server (token endpoint,
 * SDK script) and in the SDK stand-in (client.connect), the time from the
 * element's start (its change to `loading`) to `kaleyra-call-ready`, divided by
 * the ideal max(token, script) + connect and by the sequential token + script +
 * connect. A fresh browser profile per run, so the script is really fetched.
 *
 * The stand-in's connect costs more than its injected delay (it renders the
 * widget and announces presence before resolving), so each run also records the
 * connect's real duration and the element's own share of the total.
 */
import { waitReady } from './browser.mjs';
import { elementPage } from './pages.mjs';
import { median, round } from './stats.mjs';

export const LATENCY_SETS = [
  { name: 'script slower', tokenMs: 300, scriptMs: 600, connectMs: 100 },
  { name: 'token slower', tokenMs: 900, scriptMs: 300, connectMs: 100 },
];
export const RUNS = 5;

/**
 * @param {{ browser: import('playwright-core').Browser,
 *   server: Awaited<ReturnType<typeof import('./page-server.mjs').startPageServer>> }} options
 */
export async function measureCriticalPath({ browser, server }) {
  const results = [];
  for (const set of LATENCY_SETS) {
    const ideal = Math.max(set.tokenMs, set.scriptMs) + set.connectMs;
    const sequential = set.tokenMs + set.scriptMs + set.connectMs;
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const name = `critical-${set.tokenMs}-${set.scriptMs}-${run}`;
      const url = server.addPage(
        name,
        elementPage({
          connect: 'auto',
          tokenEndpoint: `/token?delay=${set.tokenMs}&user=critical_user`,
          sdkSrc: `/sdk.js?delay=${set.scriptMs}&connectMs=${set.connectMs}&run=${name}`,
        }),
      );
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        server.clearLog();
        await page.goto(url, { waitUntil: 'load' });
        const bench = await waitReady(page);
        const start = bench.states.find((s) => s.state === 'loading');
        if (!start) throw new Error('the element never reported `loading`');
        if (!bench.connect) throw new Error('client.connect was not timed');
        const fetched = await page.evaluate(() =>
          Math.max(
            ...performance
              .getEntriesByType('resource')
              .filter((e) => /\/(token|sdk\.js)\?/.test(e.name))
              .map((e) => /** @type {PerformanceResourceTiming} */ (e).responseEnd),
          ),
        );
        runs.push({
          ms: bench.ready - start.at,
          connectMs: bench.connect.end - bench.connect.start,
          // The element's own time: from the later of the two downloads to its
          // connect call (this includes the SDK script's execution), and from
          // connect settling to `kaleyra-call-ready`.
          elementMs: bench.connect.start - fetched + (bench.ready - bench.connect.end),
          overlapped: overlapped(server.log()),
        });
      } finally {
        await context.close();
      }
    }
    const times = runs.map((r) => r.ms);
    const measured = median(times);
    results.push({
      ...set,
      idealMs: ideal,
      sequentialMs: sequential,
      runsMs: times.map((t) => round(t, 1)),
      medianMs: round(measured, 1),
      spreadMs: round(Math.max(...times) - Math.min(...times), 1),
      standInConnectMedianMs: round(median(runs.map((r) => r.connectMs)), 1),
      elementOwnMedianMs: round(median(runs.map((r) => r.elementMs)), 1),
      vsIdeal: round(measured / ideal, 3),
      vsSequential: round(measured / sequential, 3),
      // The same ratio with the stand-in's real connect time in the ideal.
      vsIdealWithMeasuredConnect: round(
        median(runs.map((r) => r.ms / (Math.max(set.tokenMs, set.scriptMs) + r.connectMs))),
        3,
      ),
      parallelInEveryRun: runs.every((r) => r.overlapped),
    });
  }
  return results;
}

/** True when the token request and the SDK request were in flight at the same time. */
function overlapped(log) {
  const token = log.find((r) => r.path === '/token');
  const sdk = log.find((r) => r.path === '/sdk.js');
  return Boolean(token && sdk && token.start < sdk.end && sdk.start < token.end);
}
