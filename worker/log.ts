import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, LogFields } from './env.js';

/** The routes this worker serves; anything else is logged as `unmatched`, never by its raw path. */
const ROUTES = new Set(['/v1/token', '/health']);
/** Methods are logged only from this list: a custom method is free text from the client. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export function note(c: Context, fields: LogFields): void {
  c.set('log', { ...c.get('log'), ...fields });
}

/**
 * One JSON line per request, written once the response is final:
 * { level, requestId, method, route, status, durationMs, upstreamStatus, userHash, … }.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  c.set('log', {});
  await next();
  const status = c.res.status;
  const line = {
    level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
    requestId: c.get('requestId'),
    method: METHODS.has(c.req.method) ? c.req.method : 'other',
    route: ROUTES.has(c.req.path) ? c.req.path : 'unmatched',
    status,
    durationMs: Date.now() - started,
    upstreamStatus: null,
    userHash: null,
    ...c.get('log'),
  };
  (status >= 500 ? console.error : console.log)(JSON.stringify(line));
});
