import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { readBounded } from './bounded.js';
import { ConfigError } from './errors.js';

/**
 * Which keys may verify a site JWT, and with which algorithms. The allow-list is
 * tied to the key source so that one can never stand in for the other: RS256 and
 * ES256 only against the identity provider's public keys, HS256 only against
 * SITE_JWT_SECRET. An HS256 token "signed" with a public key (algorithm
 * confusion) is therefore refused before any key is used, or, when a secret is
 * also configured, fails its signature check against that secret.
 */
export interface JwtKeys {
  algorithms: string[];
  key: JWTVerifyGetKey;
  /**
   * The key getter for one request. `waitUntil` keeps a JWKS fetch that this
   * request starts alive for the other requests waiting on it, even if this one
   * ends first.
   */
  keyFor(waitUntil: (promise: Promise<unknown>) => void): JWTVerifyGetKey;
}

/** Thrown when the identity provider's keys cannot be obtained: not the user's fault. */
export class KeysUnavailableError extends Error {
  override name = 'KeysUnavailableError';
}

const ASYMMETRIC = ['RS256', 'ES256'];

/*
 * The remote key set (SITE_JWKS_URL, or Access's certs URL). jose's
 * createRemoteJWKSet alone neither shares a fetch across requests in Workers nor
 * remembers a failure, so this small cache sits around jose's createLocalJWKSet:
 *
 * - one fetch in flight per URL and isolate; concurrent requests wait on it;
 * - no fetch starts within JWKS_COOLDOWN_MS of the end of the previous one,
 *   whatever its outcome: a provider that is down is asked at most once per
 *   cool-down (the failure is remembered), and tokens with unknown `kid`s cannot
 *   make the worker fetch more often than that either;
 * - keys younger than JWKS_MAX_AGE_MS are used as they are; older ones are
 *   refreshed, and if the refresh fails they stay in use for JWKS_GRACE_MS more
 *   (an identity provider outage of up to a day does not sign everybody out);
 *   after that the answer is 503;
 * - a redirect is never followed: the keys are trusted because of the URL they
 *   came from, and a 3xx would let whoever controls its Location (an open
 *   redirect on the provider's host, a hijacked path) choose the keys. A 3xx is
 *   a failed fetch like any other, under the same cool-down and grace rules.
 */
/** How long a JWKS fetch may take, body included. */
const JWKS_TIMEOUT_MS = 3000;
export const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_GRACE_MS = 24 * 60 * 60_000;
/** Real key sets are a few KiB; a bigger answer is not read. */
const JWKS_MAX_BYTES = 64 * 1024;

type GetKeyResult = Awaited<ReturnType<JWTVerifyGetKey>>;

class RemoteKeySet {
  private keys: JWTVerifyGetKey | undefined;
  private fetchedAt = 0;
  /** When the last fetch ended, successful or not. */
  private attemptedAt = -Infinity;
  private lastFailed = false;
  private pending: Promise<void> | undefined;

  constructor(private readonly url: string) {}

  async getKey(
    waitUntil: (promise: Promise<unknown>) => void,
    ...args: Parameters<JWTVerifyGetKey>
  ): Promise<GetKeyResult> {
    if (!this.keys || Date.now() - this.fetchedAt > JWKS_MAX_AGE_MS) await this.refresh(waitUntil);
    try {
      return await this.usable()(...args);
    } catch (err) {
      if (!isUnknownKid(err)) throw err;
      // Perhaps a key the provider has just rotated in: look again, within the cool-down.
      const before = this.fetchedAt;
      await this.refresh(waitUntil);
      if (this.fetchedAt !== before) return this.usable()(...args);
      if (this.lastFailed) throw unavailable(err);
      throw err;
    }
  }

  private usable(): JWTVerifyGetKey {
    if (!this.keys || Date.now() - this.fetchedAt > JWKS_MAX_AGE_MS + JWKS_GRACE_MS) {
      throw unavailable();
    }
    return this.keys;
  }

  private async refresh(waitUntil: (promise: Promise<unknown>) => void): Promise<void> {
    if (!this.pending) {
      if (Date.now() - this.attemptedAt < JWKS_COOLDOWN_MS) return;
      this.pending = this.fetchKeys().finally(() => {
        this.pending = undefined;
      });
      waitUntil(this.pending);
    }
    await this.pending;
  }

  private async fetchKeys(): Promise<void> {
    try {
      const response = await fetch(this.url, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
      });
      // `ok` is false for a 3xx too: with `redirect: 'manual'` it comes back as it is.
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        throw new Error(`JWKS answered ${response.status}`);
      }
      const jwks = JSON.parse(await readBounded(response, JWKS_MAX_BYTES)) as JSONWebKeySet;
      this.keys = createLocalJWKSet(jwks);
      this.fetchedAt = Date.now();
      this.lastFailed = false;
    } catch {
      this.lastFailed = true;
    } finally {
      this.attemptedAt = Date.now();
    }
  }
}

/** One remote key set per URL for the isolate's lifetime. */
const remoteSets = new Map<string, RemoteKeySet>();

export function jwtKeys(source: { jwksUrl?: string; jwksJson?: string; secret?: string }): JwtKeys {
  let publicKeys: ((waitUntil: (p: Promise<unknown>) => void) => JWTVerifyGetKey) | undefined;
  if (source.jwksUrl) {
    const url = source.jwksUrl;
    let set = remoteSets.get(url);
    if (!set) remoteSets.set(url, (set = new RemoteKeySet(url)));
    const remote = set;
    publicKeys = (waitUntil) => (header, token) => remote.getKey(waitUntil, header, token);
  } else if (source.jwksJson) {
    const local = createLocalJWKSet(parseJwks(source.jwksJson));
    publicKeys = () => local;
  }
  const secret = source.secret ? new TextEncoder().encode(source.secret) : undefined;

  const algorithms = [...(publicKeys ? ASYMMETRIC : []), ...(secret ? ['HS256'] : [])];
  // Imported once (config objects live as long as the isolate's env), not per request.
  let hmac: Promise<CryptoKey> | undefined;
  const keyFor = (waitUntil: (promise: Promise<unknown>) => void): JWTVerifyGetKey => {
    return async (header, token) => {
      if (header.alg === 'HS256' && secret) {
        return (hmac ??= crypto.subtle.importKey(
          'raw',
          secret,
          { name: 'HMAC', hash: 'SHA-256' },
          false,
          ['verify'],
        ));
      }
      if (!publicKeys) throw new KeysUnavailableError('no public keys are configured');
      return guarded(publicKeys(waitUntil), header, token);
    };
  };
  return { algorithms, key: keyFor(() => {}), keyFor };
}

function isUnknownKid(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY';
}

function unavailable(cause?: unknown): KeysUnavailableError {
  return new KeysUnavailableError('the JWKS could not be fetched or read', { cause });
}

/**
 * An unknown `kid` is the token's problem (401); a key set that cannot be fetched
 * or read is the identity provider's (503).
 */
async function guarded(
  keys: JWTVerifyGetKey,
  ...args: Parameters<JWTVerifyGetKey>
): Promise<Awaited<ReturnType<JWTVerifyGetKey>>> {
  try {
    return await keys(...args);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') {
      throw err;
    }
    throw new KeysUnavailableError('the JWKS could not be fetched or read', { cause: err });
  }
}

function parseJwks(json: string): JSONWebKeySet {
  let jwks: unknown;
  try {
    jwks = JSON.parse(json);
  } catch {
    throw new ConfigError('SITE_JWKS_JSON', 'is not valid JSON');
  }
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError('SITE_JWKS_JSON', 'must be a JWKS: {"keys":[...]} with at least one key');
  }
  for (const jwk of keys as Record<string, unknown>[]) {
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') {
      throw new ConfigError('SITE_JWKS_JSON', 'holds an entry that is not a JWK');
    }
    if ('d' in jwk || jwk.kty === 'oct') {
      throw new ConfigError(
        'SITE_JWKS_JSON',
        'holds a private or symmetric key: publish public keys only (HS256 uses SITE_JWT_SECRET)',
      );
    }
  }
  return jwks as JSONWebKeySet;
}
