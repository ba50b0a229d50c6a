import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';

/**
 * Fields a request may add to its log line. Only fixed labels, numbers and
 * hashes go here: never a header value, a token, a cookie, the API key, a
 * vendor's text or a raw user id.
 */
export interface LogFields {
  /** The error code answered, for failures. */
  code?: string;
  /** Kaleyra's HTTP status, or `timeout` / `network` / `invalid_response`. */
  upstreamStatus?: number | string;
  upstreamAttempts?: number;
  /** Where the token came from: `upstream`, `cache`, or `shared` (a concurrent request's call). */
  tokenSource?: string;
  /** A keyed hash of the Kaleyra user id (see user-id.ts). */
  userHash?: string;
  /** Why authentication failed, as a fixed label such as jose's error code. */
  reason?: string;
  /** For the operator: a misconfiguration or an unexpected error, naming the setting. */
  problem?: string;
  warning?: string;
}

/** The routes this worker serves; anything else is logged as `unmatched`, never by its raw path. */
const ROUTES = new Set(['/v1/token', '/health']);
/** Methods are logged only from this list: a custom method is free text from the client. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export function note(c: Context<AppEnv>, fields: LogFields): void {
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
