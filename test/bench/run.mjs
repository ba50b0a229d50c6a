#!/usr/bin/env node
/**
 * `npm run bench`: measurements, not tests (no thresholds; nothing here is part of
 * `npm test`). Prints a table and writes every figure to bench-results/bench.json.
 *
 *   1. page cost before interaction (page-cost.mjs)
 *   2. critical path start → connected (critical-path.mjs)
 *   3. click → connected beside the vendor snippet, on shaped networks (click-connected.mjs)
 *   4. the worker: added latency under wrangler dev and alone on workerd, throughput,
 *      CPU-heavy steps (worker-load.mjs, worker-alone.mjs, jwt-micro.mjs)
 *   5. upstream economy: /sdk/credentials calls per page loads (economy.mjs)
 *
 * Everything listens on 127.0.0.1 on ports the OS picks; every server, browser and
 * child process is stopped on the way out, also after a failure or a Ctrl-C.
 * Takes four to six minutes on two cores.
 *
 * `npm run bench -- --worker-alone` runs only the worker alone on workerd (part of
 * 4, with its own stand-in; about a minute) and writes bench-results/worker-alone.json;
 * `npm run bench -- --click` runs only 3 (about 80 s) and writes
 * bench-results/click-connected.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { isBuildStale, runBuild } from '../../demo/server/build.mjs';
import { stopList } from '../../demo/server/stop-list.mjs';
import { launchBrowser } from './browser.mjs';
import { measureClickToConnected } from './click-connected.mjs';
import { measureCriticalPath } from './critical-path.mjs';
import { measureEconomy } from './economy.mjs';
import { measureCpuSteps } from './jwt-micro.mjs';
import { measurePageCost } from './page-cost.mjs';
import { startPageServer } from './page-server.mjs';
import { groupCpuSeconds } from './process-cpu.mjs';
import { spawnKaleyraStandIn, startWorker } from './processes.mjs';
import { formatAloneReport, formatClickReport, formatReport } from './report.mjs';
import { makeSdkStandIn } from './sdk-stand-in.mjs';
import { SITE_JWT_AUDIENCE, SITE_JWT_ISSUER, signSiteJwt } from './site-jwt.mjs';
import { round } from './stats.mjs';
import {
  loadUpstream,
  loadWorker,
  oneAtATime,
  upstreamSender,
  workerSender,
} from './worker-load.mjs';
import { measureWorkerAlone } from './worker-alone.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const UPSTREAM_LATENCY_MS = 50;
const UPSTREAM_LOAD_SECONDS = 10;
const WARMUP_REQUESTS = 20;
const ONLY_ALONE = process.argv.includes('--worker-alone');
const ONLY_CLICK = process.argv.includes('--click');
const LOAD_USERS = Array.from(
  { length: 100 },
  (_, i) => `bench_load_${String(i).padStart(3, '0')}`,
);

const running = stopList();
const cleanUp = () => running.stopAll();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping…`);
    void cleanUp().then(() => process.exit(130));
  });
}

const began = performance.now();
const step = (text) =>
  console.log(`… ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s  ${text}`);

async function main() {
  const machine = machineFacts();
  if (isBuildStale(ROOT)) {
    step('building the element (dist/ is missing or older than its sources)');
    const build = runBuild(ROOT);
    running.add(build.stop);
    await build.done;
  }

  // First, while nothing else of the bench runs: the CPU micro-benchmark.
  step('CPU-heavy steps (micro-benchmark)');
  const cpuSteps = await measureCpuSteps();

  const { sdkStandIn, server, browser } = await pagesSetup(machine);

  step('page cost before interaction');
  const pageCost = await measurePageCost({ browser, server });
  step('critical path');
  const criticalPath = await measureCriticalPath({ browser, server });
  step('click → connected, shaped networks');
  const clickToConnected = await measureClickToConnected({ browser, server });

  const economyUsers = ['economy_sequential', 'economy_concurrent'];
  const { apiKey, siteSecret, kaleyra, jwts, vars } = await workerSetup({
    origin: server.origin,
    extraUsers: economyUsers,
  });
  const [sequentialUser, concurrentUser] = await Promise.all(
    economyUsers.map(async (id) => ({ id, jwt: await signSiteJwt(siteSecret, id) })),
  );

  // Before the autocannon runs below, whose load outlasts them by a minute or more
  // (the 1-minute load average): latency one request at a time is what this step times.
  step('the worker alone on workerd (Miniflare, no dev proxy): one request at a time');
  const alone = await workerAlone({ vars, kaleyra, apiKey, origin: server.origin, jwts });

  const upstream = upstreamSender({ apiBase: kaleyra.apiBase, apiKey, users: LOAD_USERS });
  const sequential = {};
  const load = {};
  const economy = {};
  for (const cache of ['off', 'on']) {
    step(`worker with TOKEN_CACHE=${cache}: starting wrangler dev`);
    const wrangler = await startWorker({ vars: { ...vars, TOKEN_CACHE: cache } });
    running.add(wrangler.stop);
    try {
      const target = { url: wrangler.url, origin: server.origin, jwts };
      // The first requests compile and warm the worker, open the connections (and,
      // cache on, put these users' tokens in the cache): not counted. The timed ones are for the same
      // users, so with the cache on every one is a hit.
      const worker = workerSender({ ...target, jwts: jwts.slice(0, WARMUP_REQUESTS) });
      await oneAtATime({ senders: { worker, upstream }, count: WARMUP_REQUESTS });
      step(`worker with TOKEN_CACHE=${cache}: one request at a time`);
      if (cache === 'off') {
        ({ upstream: sequential.upstream, worker: sequential.off } = await oneAtATime({
          senders: { upstream, worker },
        }));
      } else {
        sequential.on = (await oneAtATime({ senders: { worker } })).worker;
      }
      step(`worker with TOKEN_CACHE=${cache}: page loads (upstream economy)`);
      economy[cache] = await measureEconomy({
        browser,
        server,
        kaleyra,
        workerUrl: wrangler.url,
        label: cache,
        sequentialUser,
        concurrentUser,
      });
      step(`worker with TOKEN_CACHE=${cache}: autocannon`);
      const cpuBefore = groupCpuSeconds(wrangler.port);
      load[cache] = await loadWorker(target);
      const cpuAfter = groupCpuSeconds(wrangler.port);
      load[cache].cpuMsPerRequest =
        cpuBefore &&
        cpuAfter &&
        Object.fromEntries(
          Object.keys(cpuAfter).map((role) => [
            role,
            round(((cpuAfter[role] - cpuBefore[role]) * 1000) / load[cache].requests, 2),
          ]),
        );
    } finally {
      await wrangler.stop();
      running.remove(wrangler.stop);
    }
  }
  step('upstream alone, autocannon');
  load.upstream = await loadUpstream({
    apiBase: kaleyra.apiBase,
    apiKey,
    users: LOAD_USERS,
    durationSeconds: UPSTREAM_LOAD_SECONDS,
  });

  machine.loadAverageEnd = os.loadavg()[0].toFixed(1);
  const results = {
    machine,
    standIn: { bytes: sdkStandIn.raw.length, gzipBytes: sdkStandIn.gzip.length },
    pageCost,
    criticalPath,
    clickToConnected,
    worker: { upstreamLatencyMs: UPSTREAM_LATENCY_MS, sequential, alone, load },
    cpuSteps,
    economy,
    seconds: Math.round((performance.now() - began) / 1000),
  };
  report('bench.json', results, formatReport);
}

/**
 * Writes `results` to bench-results/`file` and prints them as `format` words them.
 * @param {string} file @param {any} results @param {(results: any) => string} format
 */
function report(file, results, format) {
  const output = join(ROOT, 'bench-results', file);
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(output, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${format(results)}\n`);
  console.log(`Figures in ${output}. Took ${results.seconds} s.`);
}

/**
 * The SDK stand-in, the page server that serves it with the bench's pages, and
 * Chromium (its version noted in `machine`), each stopped on the way out.
 * @param {ReturnType<typeof machineFacts>} machine
 */
async function pagesSetup(machine) {
  const sdkStandIn = await makeSdkStandIn();
  const server = await startPageServer({ sdkStandIn });
  running.add(server.close);
  const browser = await launchBrowser();
  running.add(() => browser.close());
  machine.chromium = `Chromium ${browser.version()}`;
  return { sdkStandIn, server, browser };
}

/**
 * The Kaleyra REST stand-in (answering in UPSTREAM_LATENCY_MS), the bench users' site
 * JWTs, and the worker's settings for it.
 * @param {{ origin: string, extraUsers?: string[] }} options
 */
async function workerSetup({ origin, extraUsers = [] }) {
  const apiKey = `ak_bench_${randomBytes(12).toString('hex')}`;
  const siteSecret = randomBytes(32).toString('base64url');
  const kaleyra = await spawnKaleyraStandIn({
    apiKey,
    users: [...LOAD_USERS, ...extraUsers],
    latencyMs: UPSTREAM_LATENCY_MS,
  });
  running.add(kaleyra.stop);
  const jwts = await Promise.all(LOAD_USERS.map((id) => signSiteJwt(siteSecret, id)));
  const vars = {
    KALEYRA_API_KEY: apiKey,
    KALEYRA_API_BASE: kaleyra.apiBase,
    ALLOWED_ORIGINS: origin,
    AUTH_MODE: 'jwt',
    SITE_JWT_SECRET: siteSecret,
    SITE_JWT_ISSUER,
    SITE_JWT_AUDIENCE,
    USER_ID_PREFIX: '',
    TOKEN_TTL_SECONDS: '3600',
  };
  return { apiKey, siteSecret, kaleyra, jwts, vars };
}

/**
 * worker-alone.mjs, stopped for sure.
 * @param {{ vars: Record<string, string>, kaleyra: { apiBase: string }, apiKey: string,
 *   origin: string, jwts: string[] }} options
 */
async function workerAlone({ vars, kaleyra, apiKey, origin, jwts }) {
  const aloneRun = measureWorkerAlone({
    vars,
    apiBase: kaleyra.apiBase,
    apiKey,
    users: LOAD_USERS,
    origin,
    jwts: jwts.slice(0, WARMUP_REQUESTS),
  });
  running.add(aloneRun.stop);
  try {
    return await aloneRun.done;
  } finally {
    await aloneRun.stop();
    running.remove(aloneRun.stop);
  }
}

/** `--worker-alone`: only the worker alone on workerd, with a stand-in of its own. */
async function mainAlone() {
  const machine = machineFacts();
  // No page is served: the origin is only what the worker allows and the requests send.
  const origin = 'http://127.0.0.1:9';
  const { apiKey, kaleyra, jwts, vars } = await workerSetup({ origin });
  step('the worker alone on workerd (Miniflare, no dev proxy): one request at a time');
  const alone = await workerAlone({ vars, kaleyra, apiKey, origin, jwts });
  machine.loadAverageEnd = os.loadavg()[0].toFixed(1);
  const results = {
    machine,
    worker: { upstreamLatencyMs: UPSTREAM_LATENCY_MS, alone },
    seconds: Math.round((performance.now() - began) / 1000),
  };
  report('worker-alone.json', results, formatAloneReport);
}

function machineFacts() {
  const cpus = os.cpus();
  const wrangler = JSON.parse(
    readFileSync(join(ROOT, 'node_modules/wrangler/package.json'), 'utf8'),
  ).version;
  return {
    date: new Date().toISOString(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.versions.node,
    wrangler,
    chromium: 'Chromium',
    loadAverageStart: os.loadavg()[0].toFixed(1),
    loadAverageEnd: '',
  };
}

/** `--click`: only click → connected (step 3), with the page server and browser it needs. */
async function mainClick() {
  const machine = machineFacts();
  const { server, browser } = await pagesSetup(machine);
  step('click → connected, shaped networks');
  const clickToConnected = await measureClickToConnected({ browser, server });
  machine.loadAverageEnd = os.loadavg()[0].toFixed(1);
  const results = {
    machine,
    clickToConnected,
    seconds: Math.round((performance.now() - began) / 1000),
  };
  report('click-connected.json', results, formatClickReport);
}

let failed = false;
try {
  await (ONLY_ALONE ? mainAlone() : ONLY_CLICK ? mainClick() : main());
} catch (err) {
  failed = true;
  // After a Ctrl-C, what was running fails as its browser or servers go away: not news.
  if (!running.stopping) console.error(`npm run bench failed: ${err.stack ?? err}`);
} finally {
  await cleanUp();
}
process.exit(failed ? 1 : 0);
