import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

/**
 * Refuses a request whose `Origin` is not one of ALLOWED_ORIGINS (exact match;
 * `null` never matches), or, while the call page is on, the worker's own origin
 * (the page's). A request without `Origin` (a server, a mobile app) may
 * pass here; cookie and Access modes require one later, in auth.ts. Preflights
 * must carry an allowed origin.
 */
export const checkOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header('origin');
  const preflight = c.req.method === 'OPTIONS';
  if ((origin === undefined && preflight) || (origin !== undefined && !allowed(c, origin))) {
    throw new ApiError(403, 'origin_not_allowed', 'This origin may not call the token endpoint.', {
      Vary: 'Origin',
    });
  }
  await next();
});

export function allowed(c: Context<AppEnv>, origin: string): boolean {
  const { config } = c.var;
  return (
    config.allowedOrigins.has(origin) || (config.callPage !== undefined && origin === ownOrigin(c))
  );
}

/**
 * The origin this request was made to: the worker's own, where its call page lives. On
 * Cloudflare it is one of the worker's own host names (the route that reached it).
 */
export function ownOrigin(c: Context): string {
  return new URL(c.req.url).origin;
}

/**
 * Hono's CORS for the allowed origins (the call page's own included while it is on):
 * answers preflights (204) and adds
 * `Access-Control-Allow-Origin: <that origin>` and `Vary: Origin` to every
 * response, errors included, so the element can read the error JSON.
 * Credentials are allowed because cookie and Access modes need them; no origin
 * outside the list ever gets these headers, and `*` is never sent. The allowed
 * origins are read from the request's configuration, so one instance serves
 * every deployment.
 */
export const corsHeaders = cors({
  origin: (origin, c) => (allowed(c, origin) ? origin : null),
  allowMethods: ['POST'],
  allowHeaders: ['Authorization', 'Content-Type'],
  exposeHeaders: ['Retry-After', 'X-Request-Id'],
  credentials: true,
  maxAge: 600,
});
