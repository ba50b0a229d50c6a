/**
 * 3. The worker under `wrangler dev`, in front of the Kaleyra REST stand-in:
 *
 * - added latency: requests one at a time, to the worker and straight to the
 *   stand-in in turns; the worker's percentiles minus the upstream's;
 * - throughput: autocannon (bounded: 50 connections for 20 s, 127.0.0.1 only),
 *   each request signed in as one of the bench users in turn.
 */
import autocannon from 'autocannon';
import { summarize } from './stats.mjs';
import { tokenRequestHeaders } from './site-jwt.mjs';

export const SEQUENTIAL_REQUESTS = 150;
export const LOAD = { connections: 50, durationSeconds: 20 };

/**
 * Latencies (ms) of `count` requests per sender, one request at a time, the
 * senders taking turns (in alternating order), so that a busy moment of the
 * shared machine falls on both alike.
 * @param {{ senders: Record<string, (i: number) => Promise<Response>>, count?: number }} options
 */
export async function oneAtATime({ senders, count = SEQUENTIAL_REQUESTS }) {
  const names = Object.keys(senders);
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < count; i++) {
    for (const name of i % 2 ? [...names].reverse() : names) {
      const start = performance.now();
      const res = await senders[name](i);
      await res.arrayBuffer();
      const ms = performance.now() - start;
      if (res.status !== 200) throw new Error(`${name} request ${i} answered ${res.status}`);
      times[name].push(ms);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarize(times[name])]));
}

/** A token request to the worker, signed in as the bench users in turn. @param {{ url: string, origin: string, jwts: string[] }} target */
export function workerSender({ url, origin, jwts }) {
  return (/** @type {number} */ i) =>
    fetch(`${url}/v1/token`, {
      method: 'POST',
      headers: tokenRequestHeaders(origin, jwts[i % jwts.length]),
      body: '{}',
    });
}

/**
 * A credentials call straight to the stand-in; `headers` are added to the call's own.
 * @param {{ apiBase: string, apiKey: string, users: string[], headers?: Record<string, string> }} upstream
 */
export function upstreamSender({ apiBase, apiKey, users, headers = {} }) {
  return (/** @type {number} */ i) =>
    fetch(`${apiBase}/sdk/credentials`, {
      method: 'POST',
      headers: { apikey: apiKey, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ user_id: users[i % users.length], expires_in: 3600 }),
    });
}

/**
 * autocannon against the worker's token route.
 * @param {{ url: string, origin: string, jwts: string[], durationSeconds?: number }} options
 */
export function loadWorker({ url, origin, jwts, durationSeconds = LOAD.durationSeconds }) {
  let next = 0;
  return run({
    url: `${url}/v1/token`,
    durationSeconds,
    request: () => ({
      method: 'POST',
      headers: tokenRequestHeaders(origin, jwts[next++ % jwts.length]),
      body: '{}',
    }),
  });
}

/**
 * autocannon straight to the stand-in: what the upstream alone gives at the same load.
 * @param {{ apiBase: string, apiKey: string, users: string[], durationSeconds: number }} options
 */
export function loadUpstream({ apiBase, apiKey, users, durationSeconds }) {
  let next = 0;
  return run({
    url: `${apiBase}/sdk/credentials`,
    durationSeconds,
    request: () => ({
      method: 'POST',
      headers: { apikey: apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: users[next++ % users.length], expires_in: 3600 }),
    }),
  });
}

/**
 * @param {{ url: string, durationSeconds: number,
 *   request: () => { method: string, headers: Record<string, string>, body: string } }} options
 */
async function run({ url, durationSeconds, request }) {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error('the load generator only loads 127.0.0.1');
  const result = await autocannon({
    url,
    connections: LOAD.connections,
    duration: durationSeconds,
    timeout: 10,
    requests: [{ setupRequest: (req) => ({ ...req, path: target.pathname, ...request() }) }],
  });
  return {
    connections: result.connections,
    durationSeconds: result.duration,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    statusCounts: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, count]),
    ),
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
