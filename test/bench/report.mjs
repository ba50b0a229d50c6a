/** The printed table: plain text, one block per question of the benchmark. */
import { HOVER_MS, TARGET_RATIO } from './click-connected.mjs';
import { PUBLISHED_SDK } from './sdk-stand-in.mjs';

const int = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => `${Number(n).toFixed(0)} ms`;
const ms1 = (n) => `${Number(n).toFixed(1)} ms`;
const x = (n, digits = 2) => `${Number(n).toFixed(digits)}×`;

/** @param {string[][]} rows first row = header */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map(
    (r) =>
      '  ' +
      r
        .map((cell, i) =>
          i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]),
        )
        .join('   '),
  );
}

/** One line per load run that got other answers than 200. */
function statusNotes(load) {
  return Object.entries(load)
    .filter(([, r]) => Object.keys(r.statusCounts).some((status) => status !== '200'))
    .map(
      ([name, r]) =>
        `  ${name}: status counts ${Object.entries(r.statusCounts)
          .map(([status, count]) => `${status} × ${count}`)
          .join(', ')}`,
    );
}

/** Where a request's CPU went under load, when the platform lets us read it. */
function cpuNotes(load) {
  const lines = ['off', 'on']
    .filter((cache) => load[cache].cpuMsPerRequest)
    .map((cache) => {
      const c = load[cache].cpuMsPerRequest;
      return `  cache ${cache}: CPU per request ${c.runtime} ms in the worker's workerd, ${c.devProxy} ms in wrangler's dev proxy (workerd), ${c.wrangler} ms in wrangler's Node process`;
    });
  return lines.length ? ['', ...lines] : [];
}

/** The issue's target for the worker's added latency, cache off (ms). */
const ADDED_TARGET = { p50: 3, p99: 10 };

/**
 * The worker alone on workerd (worker-alone.mjs) beside wrangler dev (when that
 * ran too): what the worker adds, cache off (minus the upstream measured in the
 * same turns), and its whole latency on cache hits (no upstream call then).
 */
function aloneBlock(seq, alone) {
  const added = {
    p50: alone.off.p50 - alone.upstream.p50,
    p99: alone.off.p99 - alone.upstream.p99,
  };
  const met = added.p50 <= ADDED_TARGET.p50 && added.p99 <= ADDED_TARGET.p99;
  const pair = (p50, p99) => `${ms1(p50)} / ${ms1(p99)}`;
  const load = `${alone.loadAverage.start.toFixed(1)} → ${alone.loadAverage.end.toFixed(1)}`;
  return [
    `  The worker alone: its deploy bundle (${int(alone.bundleBytes)} B) on workerd ${alone.workerd} run by Miniflare ${alone.miniflare},`,
    `  Node's fetch straight to its socket (no dev proxy, no wrangler process), same stand-in; ${alone.upstream.n} requests each, load average ${load}`,
    ...table([
      ['one at a time', 'p50', 'p99', 'added p50', 'added p99'],
      ['upstream alone (stand-in)', ms1(alone.upstream.p50), ms1(alone.upstream.p99), '', ''],
      ['worker, cache off', ms1(alone.off.p50), ms1(alone.off.p99), ms1(added.p50), ms1(added.p99)],
      ...(alone.offGzip
        ? [
            [
              'worker, cache off, answer gzipped',
              ms1(alone.offGzip.p50),
              ms1(alone.offGzip.p99),
              ms1(alone.offGzip.p50 - alone.upstream.p50),
              ms1(alone.offGzip.p99 - alone.upstream.p99),
            ],
          ]
        : []),
      ['worker, cache on (cache hits)', ms1(alone.on.p50), ms1(alone.on.p99), '—', '—'],
      [
        'GET /health (the way in and out)',
        ms1(alone.health.fetch.p50),
        ms1(alone.health.fetch.p99),
        '',
        '',
      ],
      [
        'GET /health, Miniflare dispatchFetch',
        ms1(alone.health.dispatchFetch.p50),
        ms1(alone.health.dispatchFetch.p99),
        '',
        '',
      ],
    ]),
    ...(seq
      ? [
          '',
          ...table([
            [
              'added by the worker, p50 / p99',
              `wrangler dev (${seq.upstream.n})`,
              `alone (${alone.upstream.n})`,
            ],
            [
              'cache off: worker − upstream',
              pair(seq.off.p50 - seq.upstream.p50, seq.off.p99 - seq.upstream.p99),
              pair(added.p50, added.p99),
            ],
            [
              'cache on, hits: all of it',
              pair(seq.on.p50, seq.on.p99),
              pair(alone.on.p50, alone.on.p99),
            ],
          ]),
        ]
      : []),
    `  Uncompressed answers on both legs; "answer gzipped": the same requests with Node's default Accept-Encoding,`,
    "  which Miniflare's stand-in for the edge answers with gzip (the edge's and the client's work, not the worker's).",
    `  Target, cache off alone: ≤ ${ADDED_TARGET.p50} ms p50 and ≤ ${ADDED_TARGET.p99} ms p99 added: ${met ? 'met' : 'NOT met'}` +
      ` (p50 ${ms1(added.p50)}, p99 ${ms1(added.p99)}).`,
  ];
}

/**
 * Click → connected (click-connected.mjs): one table per network profile, and
 * issue 14's target, the hover case on the fast profile against the eager snippet.
 */
function clickBlock({ profiles, loadAverage }) {
  const fast = profiles.find((p) => p.name === 'fast');
  const hover = fast.cases.find((c) => c.name === 'hover');
  const met = hover.vsEager <= TARGET_RATIO;
  const runs = profiles[0].cases[0].runsMs.length;
  return [
    ...profiles.flatMap((p) => [
      `  ${p.name}: ${p.downMbps} Mbit/s down, ${p.upMbps} up, ${p.latencyMs} ms added to every request`,
      ...table([
        [
          'page, action',
          'median',
          'spread',
          '÷ eager',
          'before interaction',
          'SDK done at',
          'SDK in before',
          'SDK fetches',
        ],
        ...p.cases.map((c) => [
          c.label,
          ms(c.medianMs),
          ms(c.spreadMs),
          x(c.vsEager),
          `${c.requestsBefore} req, ${int(c.bytesBefore)} B`,
          ms(c.sdkDoneMedianMs),
          `${c.sdkDoneBeforeStart}/${runs}`,
          String(c.sdkDownloads),
        ]),
      ]),
      '',
    ]),
    `  From the click (the page's first sight of it) or the scroll to \`kaleyra-call-ready\` (the eager page: its connect()`,
    `  resolved), the page loaded and its network quiet first; ${runs} runs each, a fresh browser context each. "SDK done at":`,
    `  when the SDK download finished, from the click (median; negative: before it); "SDK in before": runs in which it`,
    `  finished before the click; "SDK fetches": the most SDK downloads in a run (1: the warm-up's preload served the`,
    `  script tag). The pointer rested a median ${ms(hover.pointerMedianMs)} before the click (fast profile). The SDK stand-in's`,
    `  connect makes no network round trip. Load average ${loadAverage.start.toFixed(1)} → ${loadAverage.end.toFixed(1)} during these runs.`,
    `  Target: after a ${HOVER_MS} ms hover, fast profile, ≤ ${TARGET_RATIO}× the eager snippet: ${met ? 'met' : 'NOT met'} (${x(hover.vsEager)}).`,
  ];
}

/**
 * A report's first lines: its title, the machine (with the `tools` the run used)
 * and the load around it.
 * @param {string} title @param {any} machine @param {string[]} tools
 */
function header(title, machine, tools) {
  return [
    title,
    `machine: ${[`${machine.cpus} × ${machine.cpuModel}`, `${machine.memoryGiB} GiB`, machine.os, `Node ${machine.node}`, ...tools].join(', ')}`,
    `load average (1 min) at start ${machine.loadAverageStart}, at end ${machine.loadAverageEnd} (a shared machine: other work ran alongside)`,
    '',
  ];
}

/** @param {any} results what `npm run bench -- --worker-alone` measured */
export function formatAloneReport({ machine, worker }) {
  return [
    ...header(`kaleyra-call benchmark, the worker alone only, ${machine.date}`, machine, [
      `wrangler ${machine.wrangler}`,
    ]),
    `Kaleyra REST stand-in answering in ${worker.upstreamLatencyMs} ms, 127.0.0.1`,
    ...aloneBlock(undefined, worker.alone),
  ].join('\n');
}

/** @param {any} results what `npm run bench -- --click` measured */
export function formatClickReport({ machine, clickToConnected }) {
  return [
    ...header(`kaleyra-call benchmark, click → connected only, ${machine.date}`, machine, [
      machine.chromium,
    ]),
    ...clickBlock(clickToConnected),
  ].join('\n');
}

/** @param {any} results everything run.mjs measured */
export function formatReport(results) {
  const { machine, pageCost, criticalPath, clickToConnected, worker, economy, cpuSteps, standIn } =
    results;
  const out = [];
  out.push(
    ...header(`kaleyra-call benchmarks, ${machine.date}`, machine, [
      machine.chromium,
      `wrangler ${machine.wrangler}`,
    ]),
    "1. Page cost before interaction (Chromium network log, fresh profile, everything but the page's own HTML)",
  );
  out.push(
    ...table([
      ['page', 'requests', 'bytes', 'eager ÷ this', 'after interaction'],
      ...pageCost.map((r) => [
        r.label,
        String(r.requests),
        int(r.bytes),
        x(r.eagerBytesRatio, 1),
        r.afterInteraction
          ? `${r.afterInteraction.requests} req, ${int(r.afterInteraction.bytes)} B`
          : '—',
      ]),
    ]),
    `  SDK: the SDK stand-in padded to ${int(standIn.bytes)} bytes (${int(standIn.gzipBytes)} gzip), not Kaleyra's`,
    `  bundle; the published ${PUBLISHED_SDK.version} is ${int(PUBLISHED_SDK.bytes)} bytes, ${int(PUBLISHED_SDK.gzipBytes)} gzip. Kaleyra's CDN is unreachable here.`,
    '',
    `2. Critical path, start (\`loading\`) → \`connected\`, ${criticalPath[0].runsMs.length} runs each`,
  );
  out.push(
    ...table([
      [
        'latencies (token / script / connect)',
        'median',
        'spread',
        '÷ ideal',
        '÷ sequential',
        '÷ ideal*',
        'element',
        'parallel',
      ],
      ...criticalPath.map((r) => [
        `${r.tokenMs} / ${r.scriptMs} / ${r.connectMs} ms (ideal ${r.idealMs}, seq. ${r.sequentialMs})`,
        ms(r.medianMs),
        ms(r.spreadMs),
        x(r.vsIdeal),
        x(r.vsSequential),
        x(r.vsIdealWithMeasuredConnect),
        ms(r.elementOwnMedianMs),
        r.parallelInEveryRun ? 'yes' : 'NO',
      ]),
    ]),
    `  ideal = max(token, script) + connect; sequential = token + script + connect. The SDK stand-in's connect took a median`,
    `  ${criticalPath.map((r) => ms(r.standInConnectMedianMs)).join(' / ')} for its injected 100 ms (it renders its widget first): ÷ ideal* puts that real`,
    `  time in the ideal. "element" = the element's own time (download done → connect called, incl. the SDK`,
    `  script's execution; connect settled → ready). "parallel": token and script were in flight together.`,
    '',
    `3. Click → connected, beside the vendor snippet, network shaped by Chromium, SDK stand-in`,
    ...clickBlock(clickToConnected),
    '',
    `4. Worker under wrangler dev, Kaleyra REST stand-in answering in ${worker.upstreamLatencyMs} ms, 127.0.0.1`,
  );
  const seq = worker.sequential;
  out.push(
    ...table([
      [`one at a time (${seq.upstream.n} requests)`, 'p50', 'p99', 'added p50', 'added p99'],
      ['upstream alone (stand-in)', ms(seq.upstream.p50), ms(seq.upstream.p99), '', ''],
      [
        'worker, cache off',
        ms(seq.off.p50),
        ms(seq.off.p99),
        ms(seq.off.p50 - seq.upstream.p50),
        ms(seq.off.p99 - seq.upstream.p99),
      ],
      ['worker, cache on (cache hits)', ms(seq.on.p50), ms(seq.on.p99), '—', '—'],
    ]),
    '',
    ...aloneBlock(seq, worker.alone),
    '',
    ...table([
      [
        `autocannon, ${worker.load.off.connections} connections`,
        'req/s',
        'p50',
        'p99',
        'requests',
        'non-2xx',
        'errors',
        'timeouts',
      ],
      ...[
        ['upstream alone (stand-in)', worker.load.upstream],
        ['worker, cache off', worker.load.off],
        ['worker, cache on', worker.load.on],
      ].map(([name, r]) => [
        `${name}, ${r.durationSeconds} s`,
        int(r.requestsPerSecond),
        ms(r.latencyMs.p50),
        ms(r.latencyMs.p99),
        int(r.requests),
        int(r.non2xx),
        int(r.errors),
        int(r.timeouts),
      ]),
    ]),
    ...statusNotes(worker.load),
    ...cpuNotes(worker.load),
    '',
    "  CPU-heavy steps (Node micro-benchmark of the worker's code; µs per call)",
    ...table([
      ['step', 'CPU, best batch', 'CPU, median', 'wall, median'],
      ...cpuSteps.map((s) => [
        s.step,
        String(s.cpuBestMicroseconds),
        String(s.cpuMedianMicroseconds),
        String(s.wallMedianMicroseconds),
      ]),
    ]),
    '',
    '5. Upstream economy: /sdk/credentials calls that reached Kaleyra (the REST stand-in)',
  );
  out.push(
    ...table([
      ['scenario', 'cache off', 'cache on'],
      [
        `${economy.off.sequential.loads} page loads by one user, one after another`,
        String(economy.off.sequential.credentialCalls),
        String(economy.on.sequential.credentialCalls),
      ],
      [
        `${economy.off.concurrent.loads} concurrent first loads by one user`,
        String(economy.off.concurrent.credentialCalls),
        String(economy.on.concurrent.credentialCalls),
      ],
    ]),
    `  The ${economy.off.sequential.loads} loads made ${economy.off.sequential.tokenRequests} and ${economy.on.sequential.tokenRequests} token requests to the worker; they took ${economy.off.sequential.seconds} s and ${economy.on.sequential.seconds} s, not ten minutes:`,
    '  tokens live 3600 s and the cache serves one while more than half its life is left, so ten minutes count the same.',
    "  Cache off, the worker's single flight still shares one call among the requests that arrive while it is in",
    '  flight: how many do depends on how the 20 loads spread out, so that figure varies from run to run.',
  );
  return out.join('\n');
}
