import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { jwtVerify, type JWTPayload } from 'jose';
import type { AppEnv, AuthConfig } from './env.js';
import { ApiError } from './errors.js';
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
 * Further modes (a session "whoami" URL, anonymous guests) plug in as another
 * branch of readCredential() that yields a verified claim.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Longer than any real site JWT; refusing early keeps garbage away from the parser. */
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const { config } = c.var;
  const credential = readCredential(c, config.auth);
  if (credential.ambient) requireSameSite(c);
  const claims = await verify(c, credential.token, config.auth);
  const claim = claims[config.auth.userClaim];
  const subject =
    typeof claim === 'string' ? claim : Number.isSafeInteger(claim) ? String(claim) : '';
  if (subject === '') {
    note(c, { reason: 'user_claim_missing' });
    throw unauthenticated('The credentials do not name a user.');
  }
  const userId = await toKaleyraUserId(subject, config.userIdPrefix);
  const key = await userKey(config, userId);
  c.set('userId', userId);
  c.set('userKey', key);
  note(c, { userHash: key.slice(0, 16) });
  await next();
});

interface Credential {
  token: string;
  ambient: boolean;
}

function readCredential(c: Context<AppEnv>, auth: AuthConfig): Credential {
  if (auth.mode === 'access') {
    return { token: compact(c, c.req.header('cf-access-jwt-assertion')), ambient: true };
  }
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) {
      note(c, { reason: 'authorization_not_bearer' });
      throw unauthenticated('Send Authorization: Bearer <token>.');
    }
    return { token: compact(c, match[1]), ambient: false };
  }
  if (auth.cookie) {
    const cookie = getCookie(c, auth.cookie);
    if (cookie !== undefined) return { token: compact(c, cookie), ambient: true };
  }
  note(c, { reason: 'no_credentials' });
  throw unauthenticated('Sign-in required.');
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

function requireSameSite(c: Context<AppEnv>): void {
  // checkOrigin has already refused an Origin outside the list; here it must exist.
  if (c.req.header('origin') === undefined) {
    note(c, { reason: 'ambient_credentials_without_origin' });
    throw new ApiError(403, 'origin_not_allowed', 'This request must come from an allowed origin.');
  }
  if (c.req.header('sec-fetch-site')?.toLowerCase() === 'cross-site') {
    note(c, { reason: 'ambient_credentials_cross_site' });
    throw new ApiError(403, 'forbidden', 'Cross-site requests cannot use session cookies.');
  }
}

async function verify(c: Context<AppEnv>, token: string, auth: AuthConfig): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, auth.keys.key, {
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

function unauthenticated(message: string): ApiError {
  return new ApiError(401, 'unauthenticated', message);
}
