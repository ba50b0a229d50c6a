import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { authenticate } from './auth.js';
import { limitBody, requireEmptyObject, requireJson } from './body.js';
import { withConfig } from './config.js';
import type { AppEnv } from './env.js';
import { ApiError, errorBody } from './errors.js';
import { note, requestLog } from './log.js';
import { checkOrigin, corsHeaders } from './origin.js';
import { limitByIp, limitByUser } from './rate-limit.js';
import { issueToken } from './token.js';

/**
 * The token worker. Routes (docs/architecture.md, Worker pipeline):
 *   POST    /v1/token   authenticate the site's user, mint a Kaleyra access token
 *   OPTIONS /v1/token   CORS preflight, allowed origins only
 *   GET     /health     liveness; reveals no configuration
 *   wrong method → 405 with Allow; anything else → 404. Every answer is JSON
 *   (or empty), `Cache-Control: no-store`, and logged as one JSON line.
 */
const app = new Hono<AppEnv>();

app.use(requestId({ limitLength: 64 }), requestLog, secureHeaders(secureHeaderOptions()));
app.use(async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});

app.get('/health', (c) => c.json({ status: 'ok' }));
app.all('/health', methodNotAllowed('GET, HEAD'));

// Every answer on /v1/token, the preflight's included, needs the configuration, an
// allowed (or absent) Origin and the CORS headers; only POST goes on to mint.
app.on(['OPTIONS', 'POST'], '/v1/token', withConfig, checkOrigin, corsHeaders);
app.post(
  '/v1/token',
  limitByIp,
  requireJson,
  limitBody,
  requireEmptyObject,
  authenticate,
  limitByUser,
  issueToken,
);
app.all('/v1/token', methodNotAllowed('POST, OPTIONS'));

app.notFound((c) => {
  note(c, { code: 'not_found' });
  return c.json(errorBody('not_found', 'No such route.'), 404);
});

app.onError((err, c) => {
  if (err instanceof ApiError) {
    note(c, { code: err.code });
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message), err.status);
  }
  note(c, { code: 'internal', problem: `unhandled ${err.name}` });
  return c.json(errorBody('internal', 'Internal error.'), 500);
});

export default app;

function methodNotAllowed(allow: string) {
  return () => {
    throw new ApiError(405, 'method_not_allowed', `Use ${allow}.`, { Allow: allow });
  };
}

/** A JSON API: nothing may be framed, embedded or run from its answers. */
function secureHeaderOptions(): Parameters<typeof secureHeaders>[0] {
  return {
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: 'DENY',
  };
}
