import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { jsonBody, MAX_GUEST_BODY_BYTES, type ValidJson } from './body.js';
import { guestAccess } from './config.js';
import type { AppEnv, Config, GuestConfig } from './env.js';
import { ApiError, type GuestOffer } from './errors.js';
import { GUEST_MARKER } from './guest-token.js';
import { base32 } from './hash.js';
import { createKaleyraUser, UpstreamError } from './kaleyra-api.js';
import { note } from './log.js';
import { ownOrigin } from './origin.js';
import { clientIp, enforceGuestLimit } from './rate-limit.js';
import { verifyTurnstile } from './turnstile.js';
import { userKey } from './user-id.js';

/**
 * POST /v1/guest (docs/architecture.md, Guest access): a visitor who is signed
 * in nowhere proves to be a person with a Turnstile challenge and becomes a
 * guest: a new Kaleyra `basic` user, a token for it, and a guest token to come
 * back with. In order, and each step only after the previous one passed:
 *
 *   guestRoute        404 unless GUEST_ACCESS=turnstile
 *   limitGuests       GUEST_LIMITER per client IP, every POST counted (429)
 *   readChallenge     body exactly {"turnstile": "<token>"} (400)
 *   passChallenge     siteverify says pass (403 / 503 / 500); nothing reaches
 *                     Kaleyra before this
 *   createGuest       POST /v2/users for a fresh guest id (502 / 503 / 504)
 *   issueToken        the token answer plus guest_token (token.ts)
 */
export const GUEST_PATH = '/v1/guest';
/** Turnstile tokens are at most 2048 characters. */
const MAX_TURNSTILE_LENGTH = 2048;
/** 26 base32 characters: 130 random bits. */
const GUEST_ID_BYTES = 17;

/**
 * With guests off, the route does not exist, whatever else is configured (a
 * broken setting included): the only place that decides it, from GUEST_ACCESS
 * alone, before the configuration is read.
 */
export const guestRoute = createMiddleware<AppEnv>(async (c, next) => {
  if (guestAccess(c.env) === 'off') throw new ApiError(404, 'not_found', 'No such route.');
  await next();
});

export const limitGuests = createMiddleware<AppEnv>(async (c, next) => {
  await enforceGuestLimit(guestSettings(c).limiter, c.req.header('cf-connecting-ip'));
  await next();
});

export interface ChallengeBody {
  turnstile: string;
}

const CHALLENGE = 'The body must be {"turnstile": "<widget token>"}.';

export const readChallenge = jsonBody(MAX_GUEST_BODY_BYTES, CHALLENGE, (body): ChallengeBody => {
  const refuse = () => new ApiError(400, 'bad_request', CHALLENGE);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw refuse();
  const token = (body as { turnstile?: unknown }).turnstile;
  if (Object.keys(body).length !== 1 || typeof token !== 'string') throw refuse();
  if (token === '' || token.length > MAX_TURNSTILE_LENGTH) throw refuse();
  return { turnstile: token };
});

export const passChallenge = createMiddleware<AppEnv, string, ValidJson<ChallengeBody>>(
  async (c, next) => {
    const guest = guestSettings(c);
    // While the call page is on, a challenge solved on it (the worker's own host) counts too.
    const hostnames = c.var.config.callPage
      ? new Set([...guest.hostnames, new URL(ownOrigin(c)).hostname])
      : guest.hostnames;
    const verdict = await verifyTurnstile(guest, hostnames, {
      response: c.req.valid('json').turnstile,
      remoteip: clientIp(c.req.header('cf-connecting-ip')),
    });
    note(c, { turnstile: verdict.labels });
    switch (verdict.outcome) {
      case 'pass':
        return next();
      case 'refused':
        note(c, { guest: 'challenge_failed' });
        throw new ApiError(403, 'challenge_failed', 'The challenge was not passed; try it again.');
      case 'unavailable':
        note(c, { guest: 'challenge_unavailable' });
        throw new ApiError(503, 'unavailable', 'The challenge cannot be checked right now.');
      case 'misconfigured':
        note(c, {
          guest: 'challenge_unavailable',
          problem: 'misconfiguration: TURNSTILE_SECRET_KEY is refused by siteverify',
        });
        throw new ApiError(500, 'internal', 'The token service is not available.');
    }
  },
);

export const createGuest = createMiddleware<AppEnv>(async (c, next) => {
  const { config } = c.var;
  const userId = config.userIdPrefix + GUEST_MARKER + newGuestSuffix();
  try {
    const user = await createKaleyraUser({
      apiBase: config.apiBase,
      apiKey: config.apiKey,
      userId,
    });
    note(c, { guest: user.created ? 'created' : 'existing' });
  } catch (err) {
    if (err instanceof UpstreamError) {
      note(c, {
        guest: 'user_not_created',
        upstreamStatus: err.upstreamStatus,
        upstreamAttempts: err.attempts,
      });
    }
    throw err;
  }
  const key = await userKey(config, userId);
  c.set('userId', userId);
  c.set('userKey', key);
  c.set('guest', true);
  note(c, { userHash: key.slice(0, 16) });
  await next();
});

/** The offer a 401 carries when guests are allowed, else undefined. */
export function guestOffer(config: Config | undefined): GuestOffer | undefined {
  if (!config?.guest) return undefined;
  return { endpoint: GUEST_PATH, challenge: 'turnstile', sitekey: config.guest.siteKey };
}

function newGuestSuffix(): string {
  return base32(crypto.getRandomValues(new Uint8Array(GUEST_ID_BYTES))).slice(0, 26);
}

/**
 * The guest settings. Behind guestRoute they are always there: with
 * GUEST_ACCESS=turnstile the configuration either has them or fails as a whole
 * (config.ts, readGuest).
 */
function guestSettings(c: Context<AppEnv>): GuestConfig {
  const { guest } = c.var.config;
  if (!guest) throw new Error('guest settings missing behind guestRoute');
  return guest;
}
