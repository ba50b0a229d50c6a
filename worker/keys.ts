import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
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
}

/** Thrown when the identity provider's keys cannot be obtained: not the user's fault. */
export class KeysUnavailableError extends Error {
  override name = 'KeysUnavailableError';
}

const ASYMMETRIC = ['RS256', 'ES256'];
/** How long a JWKS fetch may take before the request answers 503. */
const JWKS_TIMEOUT_MS = 3000;
/** Keys are re-fetched at most this often, also for an unknown `kid`. */
const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;

/** One remote key set per URL for the isolate's lifetime: jose caches keys inside it. */
const remoteSets = new Map<string, JWTVerifyGetKey>();

export function jwtKeys(source: { jwksUrl?: string; jwksJson?: string; secret?: string }): JwtKeys {
  let publicKeys: JWTVerifyGetKey | undefined;
  if (source.jwksUrl) publicKeys = remoteKeys(source.jwksUrl);
  else if (source.jwksJson) publicKeys = createLocalJWKSet(parseJwks(source.jwksJson));
  const secret = source.secret ? new TextEncoder().encode(source.secret) : undefined;

  const algorithms = [...(publicKeys ? ASYMMETRIC : []), ...(secret ? ['HS256'] : [])];
  // Imported once (config objects live as long as the isolate's env), not per request.
  let hmac: Promise<CryptoKey> | undefined;
  const key: JWTVerifyGetKey = async (header, token) => {
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
    return guarded(publicKeys, header, token);
  };
  return { algorithms, key };
}

function remoteKeys(url: string): JWTVerifyGetKey {
  let set = remoteSets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), {
      timeoutDuration: JWKS_TIMEOUT_MS,
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
    });
    remoteSets.set(url, set);
  }
  return set;
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
