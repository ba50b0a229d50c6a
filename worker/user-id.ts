import type { Config } from './env.js';
import { GUEST_MARKER } from './guest-token.js';
import { base32, hmacHex, hmacKey, sha256 } from './hash.js';

/**
 * From a verified identity claim to a Kaleyra user id.
 *
 * Kaleyra accepts ids of `[A-Za-z0-9._-]{1,128}`. A claim that already fits (and
 * still fits after USER_ID_PREFIX) is used as it is, so ids stay readable in
 * Kaleyra's dashboard. Any other claim (an e-mail address, a URL, non-ASCII, an
 * over-long value) is mapped to
 *
 *     USER_ID_PREFIX + "sha." + base32(SHA-256(claim as UTF-8)), first 26 characters
 *
 * i.e. 130 bits of the digest: stable, and collision-resistant. The raw claim is
 * never forwarded. A claim that itself starts with "sha." is always mapped, so a
 * user who can choose their own id (say, at sign-up) cannot pick one that equals
 * the mapped id of somebody else. Likewise a claim that starts with "guest_" (in
 * any case) is mapped: guest ids are USER_ID_PREFIX + "guest_" + …, and no site
 * identity may ever take one.
 */
export const MAPPED_MARKER = 'sha.';
/** The ids Kaleyra accepts. */
export const KALEYRA_ID = /^[A-Za-z0-9._-]{1,128}$/;

export async function toKaleyraUserId(claim: string, prefix: string): Promise<string> {
  const direct = prefix + claim;
  const reserved = claim.startsWith(MAPPED_MARKER) || reservedForGuests(direct, prefix);
  if (KALEYRA_ID.test(direct) && claim.length > 0 && !reserved) {
    return direct;
  }
  return prefix + MAPPED_MARKER + base32(await sha256(claim)).slice(0, 26);
}

/**
 * Whether `id` lies where guests' ids do: USER_ID_PREFIX, then `guest_` in any case. No
 * site identity is ever mapped there (above), and no call page target may be there.
 */
export function reservedForGuests(id: string, prefix: string): boolean {
  return (
    id.startsWith(prefix) &&
    id.slice(prefix.length, prefix.length + GUEST_MARKER.length).toLowerCase() === GUEST_MARKER
  );
}

const hmacKeys = new WeakMap<Config, Promise<CryptoKey>>();

/**
 * A keyed hash (HMAC-SHA-256 under the API key) of the Kaleyra user id and the
 * API base: the token cache key, the per-user rate-limit key, and (its first 16
 * hex digits) the log's `userHash`. Keyed, so the cache key cannot be guessed and
 * the log cannot be reversed by trying likely ids; it changes with the API key or
 * the Kaleyra environment, which is exactly when cached tokens must not be reused.
 */
export async function userKey(config: Config, userId: string): Promise<string> {
  let key = hmacKeys.get(config);
  if (!key) {
    key = hmacKey(config.apiKey);
    hmacKeys.set(config, key);
  }
  return hmacHex(await key, `${config.apiBase}\n${userId}`);
}
