import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { base64url, jwtVerify, type JWTPayload } from 'jose';
import { cookieValues } from './cookie.js';
import type { AppEnv, AuthConfig, Config, GuestConfig } from './env.js';
import { ApiError } from './errors.js';
import { GuestTokenError, isGuestToken, verifyGuestToken } from './guest-token.js';
import { KeysUnavailableError } from './keys.js';
import { note } from './log.js';
import { toKaleyraUserId, userKey } from './user-id.js';

/**
 * authenticate(): the only source of the user id. Modes (AUTH_MODE):
 *
 * - `jwt`: a site JWT from `Authorization: Bearer`, or else from the
 *   SITE_JWT_COOKIE cookie.
 * - `access`: the `Cf-Access-Jwt-Assertion` header that Cloudflare Access adds
 *   in front of the worker, verified against the team's keys and the app's AUD.
 *
 * A cookie and an Access session are ambient credentials (the browser attaches
 * them to any request), so those two also need an allowed `Origin` and a
 * request that is not `Sec-Fetch-Site: cross-site` (CSRF). A bearer token is
 * never ambient: a page must hold it to send it.
 *
 * Guests (GUEST_ACCESS=turnstile, in any mode): a bearer token whose header says
 * it is a guest token takes the guest path, where only the guest key can verify
 * it (guest-token.ts); every other credential takes the site path, which
 * refuses a guest token. The header only picks the path; a site JWT dressed up
 * as a guest token fails on the guest path, and the reverse on the site path.
 *
 * Further modes (a session "whoami" URL) plug in as another branch of
 * readCredential() that yields a verified claim.
 *
 * Beyond the signature, issuer, audience and `exp`, a verified token must be
 * plausible (checkClaims): its payload well-formed UTF-8 and every string in it
 * well-formed Unicode (a lone surrogate would otherwise turn into U+FFFD when
 * hashed, so `alice\uD800` and `alice\uDFFF` would share one id); `exp`, `iat`
 * and `nbf` finite numbers; `iat` not in the future; a lifetime (exp − iat, or
 * exp − now without iat) of at most MAX_TOKEN_LIFETIME_SECONDS; and with
 * SITE_USER_CLAIM=email, `email_verified: true`.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Seven days: longer than any site session token we know of, far shorter than "forever". */
export const MAX_TOKEN_LIFETIME_SECONDS = 7 * 24 * 3600;
/** Longer than any real site JWT; refusing early keeps garbage away from the parser. */
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const { config } = c.var;
  const credential = readCredential(c, config);
  const userId = credential.guest
    ? await guestId(c, credential.token, credential.guest)
    : await siteUserId(c, credential, config);
  const key = await userKey(config, userId);
  c.set('userId', userId);
  c.set('userKey', key);
  c.set('guest', credential.guest !== undefined);
  note(c, { userHash: key.slice(0, 16) });
  await next();
});

async function siteUserId(
  c: Context<AppEnv>,
  credential: Credential,
  config: Config,
): Promise<string> {
  if (credential.ambient) requireSameSite(c);
  if (isGuestToken(credential.token)) {
    // Only reachable with guests off, or in a place guest tokens are never read from.
    note(c, { reason: 'guest_token_as_site_jwt' });
    throw unauthenticated('The credentials are invalid or expired.');
  }
  const claims = await verify(c, credential.token, config.auth);
  checkClaims(c, credential.token, claims, config.auth);
  const claim = claims[config.auth.userClaim];
  const subject =
    typeof claim === 'string' ? claim : Number.isSafeInteger(claim) ? String(claim) : '';
  if (subject === '') {
    note(c, { reason: 'user_claim_missing' });
    throw unauthenticated('The credentials do not name a user.');
  }
  return toKaleyraUserId(subject, config.userIdPrefix);
}

/**
 * The guest path: a guest token, verified with the guest key only (guest-token.ts).
 * It never creates a Kaleyra user: the guest was created on POST /v1/guest.
 */
async function guestId(c: Context<AppEnv>, token: string, guest: GuestConfig): Promise<string> {
  try {
    const id = await verifyGuestToken(guest, token, c.var.config.userIdPrefix);
    note(c, { guest: 'renewed' });
    return id;
  } catch (err) {
    if (!(err instanceof GuestTokenError)) throw err;
    note(c, { reason: err.message, guest: 'token_refused' });
    throw unauthenticated('The guest session is invalid or expired.');
  }
}

interface Credential {
  token: string;
  ambient: boolean;
  /** Set for a bearer token that says it is a guest token, with guests on: the guest path. */
  guest: GuestConfig | undefined;
}

function readCredential(c: Context<AppEnv>, config: Config): Credential {
  const { auth } = config;
  const guest = (token: string) => (isGuestToken(token) ? config.guest : undefined);
  if (auth.mode === 'access') {
    // A guest has no Access session; its guest token comes as a bearer token.
    const bearer = bearerOf(c.req.header('authorization'));
    const guestPath = bearer === undefined ? undefined : guest(bearer);
    if (bearer !== undefined && guestPath && !c.req.header('cf-access-jwt-assertion')) {
      return { token: compact(c, bearer), ambient: false, guest: guestPath };
    }
    const token = compact(c, c.req.header('cf-access-jwt-assertion'));
    return { token, ambient: true, guest: undefined };
  }
  // Refused before anything else, whichever credential the request would use.
  const cookie = auth.cookie === undefined ? undefined : onlyCookie(c, auth.cookie);
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const bearer = bearerOf(authorization);
    if (bearer === undefined) {
      note(c, { reason: 'authorization_not_bearer' });
      throw unauthenticated('Send Authorization: Bearer <token>.');
    }
    const token = compact(c, bearer);
    return { token, ambient: false, guest: guest(token) };
  }
  if (cookie !== undefined) return { token: compact(c, cookie), ambient: true, guest: undefined };
  note(c, { reason: 'no_credentials' });
  throw unauthenticated('Sign-in required.');
}

/**
 * The token of `Authorization: Bearer <token>` (RFC 6750 §2.1): the scheme in
 * any case (RFC 9110 §11.1), one or more spaces, exactly one token. A tab, a
 * second token, or two Authorization lines (joined by ", ") are no bearer token.
 */
function bearerOf(authorization: string | undefined): string | undefined {
  return /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1];
}

/**
 * The value of the credential cookie, or undefined without one (pairs read as
 * RFC 6265 defines them: cookie.ts). A cookie sent more than once is refused: a
 * sibling subdomain can plant a second cookie of the same name (for its own
 * domain or path), and the browser then sends both in an order the worker cannot
 * trust (cookie tossing). Names are compared exactly, as browsers do (names are
 * case-sensitive), so `SITE_JWT` is another cookie than `site_jwt` and is ignored.
 */
function onlyCookie(c: Context<AppEnv>, name: string): string | undefined {
  const values = cookieValues(c.req.header('cookie') ?? '', name);
  if (values.length > 1) {
    note(c, { reason: 'cookie_repeated' });
    throw new ApiError(400, 'bad_request', 'The sign-in cookie was sent more than once.');
  }
  return values[0];
}

function compact(c: Context<AppEnv>, token: string | undefined): string {
  if (token === undefined) {
    note(c, { reason: 'no_credentials' });
    throw unauthenticated('Sign-in required.');
  }
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    note(c, { reason: 'malformed_token' });
    throw unauthenticated('The credentials are not a valid token.');
  }
  return token;
}

/** The Sec-Fetch-Site values that say a request is not cross-site. */
const SAME_SITE = new Set(['same-origin', 'same-site', 'none']);

function requireSameSite(c: Context<AppEnv>): void {
  // checkOrigin has already refused an Origin outside the list; here it must exist.
  if (c.req.header('origin') === undefined) {
    note(c, { reason: 'ambient_credentials_without_origin' });
    throw new ApiError(403, 'origin_not_allowed', 'This request must come from an allowed origin.');
  }
  const site = c.req.header('sec-fetch-site')?.toLowerCase();
  // Browsers send `cross-site` or one of SAME_SITE, or (older ones) no header; anything
  // else, two lines joined by ", " included, is no promise that it is not cross-site.
  if (site !== undefined && !SAME_SITE.has(site)) {
    note(c, { reason: 'ambient_credentials_cross_site' });
    throw new ApiError(403, 'forbidden', 'Cross-site requests cannot use session cookies.');
  }
}

async function verify(c: Context<AppEnv>, token: string, auth: AuthConfig): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, auth.keys.keyFor(waitUntil(c)), {
      algorithms: auth.keys.algorithms,
      issuer: auth.issuer,
      audience: auth.audience,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    return payload;
  } catch (err) {
    if (err instanceof KeysUnavailableError) {
      note(c, { reason: 'jwks_unavailable' });
      throw new ApiError(503, 'unavailable', 'Sign-in cannot be checked right now.', {
        'Retry-After': '30',
      });
    }
    const code = (err as { code?: unknown }).code;
    note(c, { reason: typeof code === 'string' ? code : 'token_rejected' });
    throw unauthenticated('The credentials are invalid or expired.');
  }
}

function checkClaims(
  c: Context<AppEnv>,
  token: string,
  claims: JWTPayload,
  auth: AuthConfig,
): void {
  const refuse = (reason: string): never => {
    note(c, { reason });
    throw unauthenticated('The credentials are invalid or expired.');
  };
  try {
    utf8.decode(base64url.decode(token.split('.')[1] ?? ''));
  } catch {
    refuse('claims_not_utf8');
  }
  if (!wellFormed(claims)) refuse('claims_not_well_formed');

  const { exp, iat, nbf } = claims;
  const now = Date.now() / 1000;
  if (![exp, iat ?? 0, nbf ?? 0].every(Number.isFinite)) refuse('time_claim_not_finite');
  const expires = exp as number;
  if (iat !== undefined && iat > now + CLOCK_TOLERANCE_SECONDS) refuse('issued_in_future');
  if (
    expires - (iat ?? now) > MAX_TOKEN_LIFETIME_SECONDS ||
    expires - now > MAX_TOKEN_LIFETIME_SECONDS
  ) {
    refuse('lifetime_implausible');
  }
  if (auth.userClaim === 'email' && claims.email_verified !== true) refuse('email_not_verified');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Whether every string in `value` (keys included) is well-formed Unicode: no lone surrogate. */
function wellFormed(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (typeof value !== 'object' || value === null) return true;
  if (depth > 16) return false;
  return Object.entries(value).every(([k, v]) => k.isWellFormed() && wellFormed(v, depth + 1));
}

function waitUntil(c: Context<AppEnv>): (promise: Promise<unknown>) => void {
  return (promise) => c.executionCtx.waitUntil(promise);
}

function unauthenticated(message: string): ApiError {
  return new ApiError(401, 'unauthenticated', message);
}
