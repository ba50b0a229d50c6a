/**
 * The two server processes of the worker benchmarks, each stopped for sure:
 *
 * - the Kaleyra REST stand-in (sandbox/kaleyra-rest/server.mjs) in its own
 *   Node process, so that its work never shares an event loop with the load
 *   generator, answering every credentials call after a fixed latency (a
 *   `latency` fault queued for practically every call);
 * - the token worker under `wrangler dev` (demo/server/worker.mjs does the
 *   launching and the process-group cleanup), run from a temporary folder that
 *   holds a copy of wrangler.jsonc with the rate limits raised, so a load test
 *   measures the worker rather than its 429s. The repository's wrangler.jsonc is
 *   not touched.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import ts from 'typescript';
import { launchWorker } from '../../demo/server/worker.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const KALEYRA_STANDIN_SERVER = join(ROOT, 'sandbox/kaleyra-rest/server.mjs');
const START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;
/** High enough that no benchmark reaches it (the binding's `period` must be 10 or 60). */
const BENCH_RATE_LIMIT = { limit: 1_000_000_000, period: 60 };

/**
 * @param {{ apiKey: string, users: string[], latencyMs: number }} options
 */
export async function spawnKaleyraStandIn({ apiKey, users, latencyMs }) {
  const child = spawn(process.execPath, [KALEYRA_STANDIN_SERVER], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      KALEYRA_STANDIN_PORT: '0',
      KALEYRA_API_KEY: apiKey,
      KALEYRA_STANDIN_USERS: users.join(','),
    },
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    const apiBase = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the Kaleyra REST stand-in did not start')),
        START_TIMEOUT_MS,
      );
      createInterface({ input: child.stdout }).on('line', (line) => {
        const match = /KALEYRA_API_BASE=(\S+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`the Kaleyra REST stand-in exited (${code})`)));
    });
    const origin = new URL(apiBase).origin;
    await control(origin, 'POST', '/__control/faults', {
      faults: [{ kind: 'latency', ms: latencyMs, times: Number.MAX_SAFE_INTEGER }],
    });
    return {
      apiBase,
      /** The /sdk/credentials calls since the last `clearCalls`. */
      credentialCalls: async () => {
        const { calls } = await control(origin, 'GET', '/__control/calls');
        return calls.filter(
          (/** @type {{ path: string }} */ c) => c.path === '/v2/sdk/credentials',
        );
      },
      clearCalls: () => control(origin, 'DELETE', '/__control/calls'),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** @param {string} origin @param {string} method @param {string} path @param {unknown} [body] */
async function control(origin, method, path, body) {
  const res = await fetch(origin + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`Kaleyra REST stand-in ${method} ${path}: ${res.status}`);
  return res.json();
}

/**
 * @param {{ vars: Record<string, string> }} options
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void> }>}
 */
export async function startWorker({ vars }) {
  const dir = mkdtempSync(join(tmpdir(), 'kaleyra-call-bench-'));
  // Also when the bench ends while wrangler is still starting (a Ctrl-C): the
  // launcher's own exit hook stops the process group, this one removes the folder.
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const recent = [];
  let worker;
  try {
    writeFileSync(join(dir, 'wrangler.jsonc'), JSON.stringify(benchConfig(), null, 2));
    const port = await freePort();
    worker = launchWorker({
      root: dir,
      port,
      vars,
      // The worker logs one line per request: kept only to explain a failure.
      log: (line) => {
        recent.push(line);
        if (recent.length > 20) recent.shift();
      },
    });
    await worker.ready;
    const stop = async () => {
      await worker.stop();
      removeDir();
      process.off('exit', removeDir);
    };
    return { url: `http://127.0.0.1:${port}`, port, stop };
  } catch (err) {
    await worker?.stop();
    removeDir();
    process.off('exit', removeDir);
    throw new Error(`${err.message}\n${recent.join('\n')}`, { cause: err });
  }
}

/**
 * wrangler.jsonc with an absolute `main` (the copy lives elsewhere) and raised limits.
 * Also what worker-alone.mjs gives Miniflare, so both ways of running the worker
 * have the same settings.
 */
export function benchConfig() {
  const text = readFileSync(join(ROOT, 'wrangler.jsonc'), 'utf8');
  const { config, error } = ts.parseConfigFileTextToJson('wrangler.jsonc', text);
  if (error || !config) throw new Error('wrangler.jsonc could not be read');
  delete config.$schema;
  config.main = join(ROOT, config.main);
  config.ratelimits = (config.ratelimits ?? []).map((/** @type {any} */ limiter) => ({
    ...limiter,
    simple: BENCH_RATE_LIMIT,
  }));
  return config;
}

/** A port the OS says is free right now (wrangler needs a number, not 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
