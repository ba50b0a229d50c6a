import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { GuestConfig } from './env.js';
import { hmacKey } from './hash.js';

/**
 * The guest token: the credential a guest's tab keeps so that a reload or a
 * token refresh is the same guest, without another challenge or Kaleyra user
 * (docs/architecture.md, Guest access). Opaque to clients; in fact an HS256 JWT
 * that names only the guest's Kaleyra id and expires GUEST_SESSION_SECONDS
 * after it was issued (every refresh issues a new one: a sliding lifetime).
 *
 * It can never pass as a site JWT, nor a site JWT as it, whatever either's
 * header says:
 * - its key is derived from GUEST_SECRET (HMAC under a fixed label), never
 *   GUEST_SECRET itself, so even a deployment that gives SITE_JWT_SECRET and
 *   GUEST_SECRET the same value has two different keys;
 * - it carries its own `typ`, issuer and audience, all required on the guest
 *   path; the site path refuses the guest `typ` outright (auth.ts);
 * - its subject must be a guest id of this deployment, and a site identity is
 *   never mapped to one (user-id.ts).
 * The header's `typ` only chooses the path; each path then proves everything.
 */
export const GUEST_TYP = 'kaleyra-call-guest+jwt';
const ISSUER = 'kaleyra-call-worker';
const AUDIENCE = 'kaleyra-call-guest';
const KEY_LABEL = 'kaleyra-call guest token key v1';

const keys = new WeakMap<GuestConfig, Promise<Uint8Array>>();

function keyOf(guest: GuestConfig): Promise<Uint8Array> {
  let key = keys.get(guest);
  if (!key) {
    key = hmacKey(guest.secret).then(
      async (k) => new Uint8Array(await crypto.subtle.sign('HMAC', k, utf8.encode(KEY_LABEL))),
    );
    keys.set(guest, key);
  }
  return key;
}

const utf8 = new TextEncoder();

/** Whether a compact JWS says it is a guest token (unverified: it only picks the path). */
export function isGuestToken(token: string): boolean {
  try {
    return decodeProtectedHeader(token).typ === GUEST_TYP;
  } catch {
    return false;
  }
}

export interface IssuedGuestToken {
  token: string;
  /** ISO 8601 UTC with milliseconds. */
  expiresAt: string;
}

export async function issueGuestToken(
  guest: GuestConfig,
  guestId: string,
): Promise<IssuedGuestToken> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + guest.sessionSeconds;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: GUEST_TYP })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(guestId)
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(await keyOf(guest));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** Why a guest token was refused, as a fixed label for the log. */
export class GuestTokenError extends Error {
  override name = 'GuestTokenError';
}

/**
 * The guest id a guest token names, or a GuestTokenError. The id must be a
 * guest id under this deployment's USER_ID_PREFIX: a token of another
 * deployment or prefix is refused even if it shares the secret.
 */
export async function verifyGuestToken(
  guest: GuestConfig,
  token: string,
  prefix: string,
): Promise<string> {
  let sub: unknown;
  let iat: unknown;
  let exp: unknown;
  try {
    ({
      payload: { sub, iat, exp },
    } = await jwtVerify(token, await keyOf(guest), {
      algorithms: ['HS256'],
      typ: GUEST_TYP,
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['sub', 'iat', 'exp'],
    }));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new GuestTokenError(typeof code === 'string' ? code : 'guest_token_rejected');
  }
  if (typeof sub !== 'string' || !isGuestId(sub, prefix)) {
    throw new GuestTokenError('guest_token_subject');
  }
  if ((exp as number) - (iat as number) > guest.sessionSeconds) {
    throw new GuestTokenError('guest_token_lifetime');
  }
  return sub;
}

export const GUEST_MARKER = 'guest_';
const GUEST_SUFFIX = /^[a-z2-7]{26}$/;

export function isGuestId(id: string, prefix: string): boolean {
  const head = prefix + GUEST_MARKER;
  return id.startsWith(head) && GUEST_SUFFIX.test(id.slice(head.length));
}
