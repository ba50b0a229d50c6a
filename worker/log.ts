import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, LogFields } from './env.js';

/** The routes this worker serves; anything else is logged as `unmatched`, never by its raw path. */
const ROUTES = new Set(['/v1/token', '/v1/guest', '/health', '/call']);
/** Methods are logged only from this list: a custom method is free text from the client. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

export function note(c: Context, fields: LogFields): void {
  c.set('log', { ...c.get('log'), ...fields });
}

/** What a client's own X-Request-Id must look like to be logged (as `clientRequestId`). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives the request its id, always made here (a client's X-Request-Id is never
 * used as the id: it would let a client forge or collide with other requests'
 * log lines), and writes one JSON line per request once the response is final
 * (and has been handed over; `durationMs` ends before that):
 * { level, requestId, clientRequestId?, method, route, status, durationMs,
 *   upstreamStatus, userHash, … }.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = crypto.randomUUID();
  c.set('requestId', requestId);
  c.header('X-Request-Id', requestId);
  c.set('log', {});
  const clientRequestId = c.req.header('x-request-id');
  await next();
  const status = c.res.status;
  const line = {
    level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
    requestId,
    ...(clientRequestId !== undefined &&
      CLIENT_REQUEST_ID.test(clientRequestId) && { clientRequestId }),
    method: METHODS.has(c.req.method) ? c.req.method : 'other',
    route: ROUTES.has(c.req.path) ? c.req.path : 'unmatched',
    status,
    durationMs: Date.now() - started,
    upstreamStatus: null,
    userHash: null,
    ...c.get('log'),
  };
  const write = () => (status >= 500 ? console.error : console.log)(JSON.stringify(line));
  const ctx = executionContext(c);
  if (!ctx) return write();
  // The line is no part of the answer, so it is written once the answer has been
  // handed to the runtime: a timer's turn comes after that, and waitUntil keeps
  // the request alive for it. Writing a log line is the runtime's I/O; done first,
  // it delayed every answer (README, Performance).
  ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 0)).then(write));
});

/** The request's ExecutionContext; Hono throws when there is none (a bare `app.request()`). */
function executionContext(c: Context): Context['executionCtx'] | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
