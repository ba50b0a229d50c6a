import { Hono, type Context, type Next } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { secureHeaders } from 'hono/secure-headers';
import { authenticate } from './auth.js';
import { emptyBody, limitBody, limitGuestBody, requireJson } from './body.js';
import { CALL_PATH, callPage, callPageRoute, pageHeaders, servesCallPage } from './call-page.js';
import { withConfig } from './config.js';
import type { AppEnv, Config } from './env.js';
import { ApiError, errorBody } from './errors.js';
import {
  createGuest,
  GUEST_PATH,
  guestOffer,
  guestRoute,
  limitGuests,
  passChallenge,
  readChallenge,
} from './guest.js';
import { note, requestLog } from './log.js';
import { checkOrigin, corsHeaders } from './origin.js';
import { limitByIp, limitByUser } from './rate-limit.js';
import { issueToken } from './token.js';

/**
 * The token worker. Routes (docs/architecture.md, Worker pipeline):
 *   POST    /v1/token   authenticate the site's user, mint a Kaleyra access token
 *   OPTIONS /v1/token   CORS preflight, allowed origins only
 *   POST    /v1/guest   a Turnstile challenge passed → a new guest and its token
 *   OPTIONS /v1/guest   CORS preflight; both /v1/guest routes are 404 unless
 *                       GUEST_ACCESS=turnstile, and then every 401 of /v1/token
 *                       carries the guest offer
 *   GET     /health     liveness; reveals no configuration
 *   GET     /call       the call page (call-page.ts): an HTML page with one element
 *                       for the target its query names; 404 unless CALL_PAGE_TARGETS
 *                       and KALEYRA_APP_ID are set, and then the page's origin is
 *                       allowed like ALLOWED_ORIGINS
 *   wrong method → 405 with Allow; anything else → 404. Paths are exact and
 *   matched as sent: `/v1/%74oken` is a 404, not another spelling of /v1/token.
 *   Every answer but the call page's is JSON (or empty) with the API's headers; every
 *   answer is `Cache-Control: no-store`, carries the worker's own X-Request-Id, and
 *   is logged as one JSON line. The element's files (/kaleyra-call/<version>/…) are
 *   static assets, served before the worker runs (wrangler.jsonc, `assets`).
 */
const app = new Hono<AppEnv>({ getPath: rawPath });

app.use(requestLog, apiHeaders, noStore);
app.use(methodNotAllowed({ app, onMethodNotAllowed }));

app.get('/health', (c) => c.json({ status: 'ok' }));

// Every answer on /v1/token, the preflight's included, needs the configuration, an
// allowed (or absent) Origin and the CORS headers; only POST goes on to mint.
app.on(['POST', 'OPTIONS'], '/v1/token', withConfig, checkOrigin, corsHeaders);
app.post(
  '/v1/token',
  limitByIp,
  requireJson,
  limitBody,
  emptyBody,
  authenticate,
  limitByUser,
  issueToken,
);

app.use(GUEST_PATH, guestRoute);
app.on(['POST', 'OPTIONS'], GUEST_PATH, withConfig, checkOrigin, corsHeaders);
app.post(
  GUEST_PATH,
  limitGuests,
  requireJson,
  limitGuestBody,
  readChallenge,
  passChallenge,
  createGuest,
  issueToken,
);

app.get(CALL_PATH, callPageRoute, pageHeaders, callPage);

app.notFound(notFound);
app.onError(errorAnswer);

export default app;

/** No answer of this API may be stored by a cache, the browser's included. */
async function noStore(c: Context<AppEnv>, next: Next): Promise<void> {
  await next();
  c.header('Cache-Control', 'no-store');
}

function notFound(c: Context<AppEnv>): Response {
  note(c, { code: 'not_found' });
  return c.json(errorBody('not_found', 'No such route.'), 404);
}

/**
 * An expected failure (ApiError) answers its status, code and message, and a 401
 * the guest offer when guests are on; anything else is a 500 that names only the
 * error's type, in the log.
 */
function errorAnswer(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) {
    note(c, { code: err.code });
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    const offer =
      err.status === 401 ? guestOffer(c.get('config') as Config | undefined) : undefined;
    return c.json(errorBody(err.code, err.message, offer), err.status);
  }
  note(c, { code: 'internal', problem: `unhandled ${err.name}` });
  return c.json(errorBody('internal', 'Internal error.'), 500);
}

/**
 * Hono's method-not-allowed: a request that found no handler (404) on a path
 * that has routes for other methods gets 405 and `Allow` with those methods
 * (GET brings HEAD). It looks the path up as the router did, in the raw
 * spelling (`c.req.path` is rawPath's), so `/v1/%74oken` stays a 404; and it
 * leaves a failure alone, so /v1/guest with guests off stays a 404 for every
 * method.
 */
function onMethodNotAllowed(c: Context<AppEnv>, methods: string[]): Response {
  const allow = methods.join(', ');
  note(c, { code: 'method_not_allowed' });
  return c.json(errorBody('method_not_allowed', `Use ${allow}.`), 405, { Allow: allow });
}

/**
 * The path exactly as the request spelled it. Hono decodes percent-escapes before
 * routing by default; a route that matches more than one spelling is one that a
 * filter in front of the worker (a WAF rule, an Access policy on a path) may
 * miss, so only the literal spelling matches.
 */
function rawPath(request: Request): string {
  return new URL(request.url).pathname;
}

/** The API's headers, on every answer but the call page's (which has its own: call-page.ts). */
async function apiHeaders(c: Context<AppEnv>, next: Next): Promise<void> {
  if (servesCallPage(c)) await next();
  else await jsonApiHeaders(c, next);
}

/** A JSON API: nothing may be framed, embedded or run from its answers. */
const jsonApiHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  xFrameOptions: 'DENY',
});
