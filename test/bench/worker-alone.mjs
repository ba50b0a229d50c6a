/**
 * 3b. The worker's own added latency, without wrangler dev's development proxy:
 * the bundle `wrangler deploy` would upload, run by Miniflare on the workerd that
 * wrangler dev uses, in front of the same Kaleyra REST stand-in with the same 50 ms
 * latency. Requests go with Node's fetch, as to the stand-in, to the socket of
 * that workerd, where Miniflare's entry worker hands them to the token worker in
 * the same process: no second workerd, no wrangler process on the way.
 * One request at a time, to the worker and straight to the stand-in in turns, as
 * for wrangler dev (worker-load.mjs), both asking for an uncompressed answer (and
 * the worker once more with Node's default Accept-Encoding, shown apart: see the
 * child); then the cache on, hits only.
 *
 * It all runs in a child process (worker-alone-child.mjs) in its own process
 * group: the timing loop gets an event loop of its own, like the stand-in has,
 * and Miniflare's exit hook (which ends the process on SIGINT or SIGTERM at once)
 * stays out of the bench's own Ctrl-C handling. Stopping the group stops the
 * build, Miniflare and its workerd together.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { benchConfig } from './processes.mjs';

const CHILD = join(import.meta.dirname, 'worker-alone-child.mjs');
/** Enough for a p99 that is not just the slowest request or two. */
export const ALONE_REQUESTS = 300;
export const ALONE_WARMUP = 50;
const STOP_GRACE_MS = 3_000;

/**
 * Starts the measurement at once and returns `stop` straight away (a Ctrl-C may
 * come at any time); `done` resolves with the figures.
 * @param {{ vars: Record<string, string>, apiBase: string, apiKey: string, users: string[],
 *   origin: string, jwts: string[] }} options `vars` as for wrangler dev, less TOKEN_CACHE
 */
export function measureWorkerAlone(options) {
  const child = fork(CHILD, [], {
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const output = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk) => output.push(String(chunk)));
  }
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const signalGroup = (/** @type {NodeJS.Signals} */ signal) => {
    try {
      if (process.platform === 'win32') child.kill(signal);
      else process.kill(-(/** @type {number} */ (child.pid)), signal);
    } catch {
      // The group is already gone.
    }
  };
  // Last resort when the bench ends some other way: no workerd left behind.
  const onExit = () => signalGroup('SIGKILL');
  process.once('exit', onExit);

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      // The child's workerd may outlive it by a moment: make sure the group is gone.
      signalGroup('SIGKILL');
      process.off('exit', onExit);
    })());

  // Settles once the child has answered and ended by itself (Miniflare's clean-up
  // included), so that `stop` afterwards finds nothing left to stop.
  let answer;
  child.once('message', (/** @type {any} */ message) => (answer = message));
  const done = exited.then((how) => {
    if (answer?.error) throw new Error(answer.error);
    if (answer?.result) return answer.result;
    throw new Error(`the worker-alone measurement ended (${how}) early\n${output.join('').trim()}`);
  });
  child.send({
    ...options,
    config: benchConfig(),
    count: ALONE_REQUESTS,
    warmup: ALONE_WARMUP,
  });
  return { done, stop };
}
