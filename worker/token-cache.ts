import type { KaleyraToken, Minted } from './kaleyra-api.js';

/**
 * Page navigations must not mint a new token each time. Two layers:
 *
 * 1. Single flight: concurrent requests for the same user in one isolate share
 *    one lookup-and-mint. The shared promise settles with plain data, and the
 *    request that started it keeps it alive with waitUntil, so the others are not
 *    left waiting when that request is cancelled.
 * 2. Cache API (per data centre): a token with more than half its lifetime left
 *    is served again. The entry expires by itself at half-life (max-age), and the
 *    age is checked again on read. Its key is a keyed hash of the user id (see
 *    user-id.ts), never the raw id. An entry is served only if it names the
 *    very user asked for: the zone's cache is shared with every other worker on
 *    the zone, so what comes back from it is checked like any other input.
 *    TOKEN_CACHE=off turns this layer off; the single flight stays, since
 *    sharing one in-flight call is always safe.
 *
 * Note: the Cache API does nothing on *.workers.dev hostnames; it works on a
 * custom domain or route.
 */
export type TokenSource = 'upstream' | 'cache' | 'shared';

export interface Served {
  token: KaleyraToken;
  source: TokenSource;
  upstreamStatus?: number;
  attempts?: number;
}

export interface TokenLookup {
  /** Keyed hash identifying the user (and Kaleyra environment). */
  key: string;
  /** The Kaleyra user id the token must be for. */
  userId: string;
  /** Origin under which cache entries are stored (the worker's own). */
  origin: string;
  useCache: boolean;
  mint: () => Promise<Minted>;
  waitUntil: (promise: Promise<unknown>) => void;
}

interface CacheEntry {
  access_token: string;
  expires_at: string;
  user_id: string;
  fresh_until: number;
}

const flights = new Map<string, Promise<Served>>();

export function getToken(lookup: TokenLookup): Promise<Served> {
  const running = flights.get(lookup.key);
  if (running) return running.then((served) => ({ token: served.token, source: 'shared' }));
  const flight = lookupOrMint(lookup).finally(() => flights.delete(lookup.key));
  flights.set(lookup.key, flight);
  lookup.waitUntil(flight.catch(() => {}));
  return flight;
}

async function lookupOrMint(lookup: TokenLookup): Promise<Served> {
  const url = `${lookup.origin}/__token-cache/${lookup.key}`;
  if (lookup.useCache) {
    const cached = await readEntry(url, lookup.userId);
    if (cached) return { token: cached, source: 'cache' };
  }
  const minted = await lookup.mint();
  if (lookup.useCache) await writeEntry(url, minted.token);
  return { ...minted, source: 'upstream' };
}

async function readEntry(url: string, userId: string): Promise<KaleyraToken | undefined> {
  try {
    const hit = await caches.default.match(url);
    if (!hit) return undefined;
    const entry = (await hit.json()) as CacheEntry;
    if (!(Date.now() < entry.fresh_until) || entry.user_id !== userId) return undefined;
    if (typeof entry.access_token !== 'string' || !(Date.parse(entry.expires_at) > Date.now())) {
      return undefined;
    }
    return { accessToken: entry.access_token, expiresAt: entry.expires_at, userId: entry.user_id };
  } catch {
    // The cache only saves a call; a broken entry or cache means minting anew.
    return undefined;
  }
}

async function writeEntry(url: string, token: KaleyraToken): Promise<void> {
  const now = Date.now();
  const expires = Date.parse(token.expiresAt);
  const freshUntil = now + (expires - now) / 2;
  const maxAge = Math.floor((freshUntil - now) / 1000);
  if (maxAge < 1) return;
  const entry: CacheEntry = {
    access_token: token.accessToken,
    expires_at: token.expiresAt,
    user_id: token.userId,
    fresh_until: freshUntil,
  };
  try {
    await caches.default.put(
      url,
      new Response(JSON.stringify(entry), {
        headers: { 'content-type': 'application/json', 'cache-control': `max-age=${maxAge}` },
      }),
    );
  } catch {
    // Not cached this time; the next request mints again.
  }
}
