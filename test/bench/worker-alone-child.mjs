/**
 * The child process of worker-alone.mjs (see there for why a child): builds the
 * worker bundle, runs it on workerd through Miniflare, times it one request at a
 * time against the Kaleyra REST stand-in, and sends the figures back over IPC.
 *
 * Its settings (secrets and site JWTs included) arrive as the one IPC message,
 * never on the command line or in the environment; its output is kept only to
 * explain a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { tokenRequestHeaders } from './site-jwt.mjs';
import { oneAtATime, upstreamSender } from './worker-load.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
/** Longer than the worker's own 5 s upstream timeout: a request that takes this long is stuck. */
const REQUEST_TIMEOUT_MS = 15_000;

// The Miniflare (and so the workerd) that wrangler itself runs, not another copy.
const fromWrangler = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'));
const miniflarePath = fromWrangler.resolve('miniflare');
const fromMiniflare = createRequire(miniflarePath);
const versionOf = (/** @type {NodeRequire} */ req, /** @type {string} */ name) =>
  JSON.parse(readFileSync(req.resolve(`${name}/package.json`), 'utf8')).version;

/** Workerd's own lines and the worker's log lines (one per request): the last few, for errors. */
const recent = [];
const keep = (/** @type {string} */ line) => {
  recent.push(line);
  if (recent.length > 20) recent.shift();
};

const outdir = mkdtempSync(join(os.tmpdir(), 'kaleyra-call-bench-bundle-'));
/** @type {any} */
let mf;
// Miniflare's own exit hook kills its workerd; this one removes the bundle. A
// signal before Miniflare exists (during the build) must end the process too.
process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => process.exit(128 + os.constants.signals[signal]));
}

process.once('message', async (/** @type {any} */ options) => {
  let reply;
  try {
    reply = { result: await measure(options) };
  } catch (err) {
    const message = `${err?.stack ?? err}${recent.length ? `\nworkerd's last lines:\n${recent.join('\n')}` : ''}`;
    reply = { error: message };
  }
  // Before answering: the parent stops the process group once it has the answer and
  // this process has ended, and Miniflare removes its temporary folder on dispose.
  await mf?.dispose();
  process.send?.(reply);
  process.disconnect?.();
});

/**
 * @param {{ config: any, vars: Record<string, string>, apiBase: string, apiKey: string,
 *   users: string[], origin: string, jwts: string[], count: number, warmup: number }} options
 */
async function measure({ config, vars, apiBase, apiKey, users, origin, jwts, count, warmup }) {
  const loadAverageStart = os.loadavg()[0];
  const began = performance.now();
  const bundle = buildBundle(config);
  const { Miniflare } = await import(pathToFileURL(miniflarePath).href);
  const options = (/** @type {string} */ cache) => ({
    modules: true,
    scriptPath: bundle,
    modulesRoot: dirname(bundle),
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    bindings: { ...config.vars, ...vars, TOKEN_CACHE: cache },
    ratelimits: Object.fromEntries(
      (config.ratelimits ?? []).map((/** @type {any} */ l) => [l.name, { simple: l.simple }]),
    ),
    host: '127.0.0.1',
    port: 0,
    // Nothing from the internet (Request.cf falls back to a fixed object), and no
    // request log in this process: the worker's own log line is workerd's work.
    cf: false,
    logRequests: false,
    // Read, or workerd stops at its next log line once the pipe's buffer is full.
    handleRuntimeStdio: (/** @type {import('node:stream').Readable[]} */ ...streams) => {
      for (const stream of streams) createInterface({ input: stream }).on('line', keep);
    },
  });
  mf = new Miniflare(options('off'));

  let url = await mf.ready;
  // Both legs ask for an uncompressed answer. Miniflare's entry worker stands in
  // for Cloudflare's edge and gzips a JSON answer for a client that accepts gzip
  // (Node's fetch does), while the stand-in never compresses: left as it is, the
  // worker's figure would also hold a compression and a decompression that the
  // stand-in's does not, which are the edge's work and the client's, not the worker's.
  const identity = { 'accept-encoding': 'identity' };
  const upstream = upstreamSender({ apiBase, apiKey, users, headers: identity });
  // Node's own fetch, the client that times the upstream too, so the subtraction
  // cancels the client's cost; to Miniflare's socket, which is workerd's own, where
  // Miniflare's entry worker hands the request to the token worker in the same process.
  const tokenRequest = (/** @type {Record<string, string>} */ extra) => (/** @type {number} */ i) =>
    fetch(new URL('/v1/token', url), {
      method: 'POST',
      headers: { ...tokenRequestHeaders(origin, jwts[i % jwts.length]), ...extra },
      body: '{}',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  const worker = tokenRequest(identity);
  // The same request with Node's default Accept-Encoding: how much the edge's
  // compression (as Miniflare emulates it) adds on top, shown apart.
  const workerGzip = tokenRequest({});

  // Not counted: compiling the worker, its first JIT tiers, the connections (to
  // the stand-in and to workerd), and with the cache on, filling the cache for
  // these users, so that every timed request is a hit.
  await oneAtATime({ senders: { worker, upstream, workerGzip }, count: warmup });
  const off = await oneAtATime({ senders: { upstream, worker, workerGzip }, count });

  await mf.setOptions(options('on'));
  url = await mf.ready; // a new workerd, perhaps on another port
  await oneAtATime({ senders: { worker }, count: warmup });
  const on = (await oneAtATime({ senders: { worker }, count })).worker;

  // The same round trip into workerd and back with next to no work in the worker:
  // how much of the figures above is the way in and out rather than the token route;
  // also through Miniflare's dispatchFetch, which takes its own client to the same socket.
  const timeout = () => ({ headers: identity, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const health = {
    fetch: () => fetch(new URL('/health', url), timeout()),
    dispatchFetch: () => mf.dispatchFetch(new URL('/health', url), timeout()),
  };
  await oneAtATime({ senders: health, count: warmup });
  const roundTrip = await oneAtATime({ senders: health, count });

  return {
    method: 'Node fetch to the Miniflare socket',
    miniflare: versionOf(fromWrangler, 'miniflare'),
    workerd: versionOf(fromMiniflare, 'workerd'),
    bundleBytes: readFileSync(bundle).length,
    warmup,
    upstream: off.upstream,
    off: off.worker,
    offGzip: off.workerGzip,
    on,
    health: roundTrip,
    loadAverage: { start: loadAverageStart, end: os.loadavg()[0] },
    seconds: (performance.now() - began) / 1000,
  };
}

/**
 * The bundle `wrangler deploy` would upload (as test/node/size-budget.test.mjs
 * builds it), from a copy of wrangler.jsonc so the repository's stays untouched.
 * @param {any} config
 */
function buildBundle(config) {
  const wrangler = join(dirname(fromWrangler.resolve('wrangler/package.json')), 'bin/wrangler.js');
  const configPath = join(outdir, 'wrangler.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const out = join(outdir, 'bundle');
  const run = spawnSync(
    process.execPath,
    [wrangler, 'deploy', '--dry-run', '--config', configPath, '--outdir', out],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0' },
    },
  );
  if (run.status !== 0) {
    throw new Error(`wrangler deploy --dry-run failed:\n${run.stdout}\n${run.stderr}`);
  }
  const bundles = readdirSync(out).filter((f) => f.endsWith('.js'));
  if (bundles.length !== 1) throw new Error(`expected one worker bundle, found ${bundles}`);
  return join(out, bundles[0]);
}
