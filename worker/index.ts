import { Hono } from 'hono';
import { ApiError, errorBody } from './errors.js';
import type { AppEnv } from './env.js';

/**
 * The token worker. Routes (SPEC §4.1):
 *   GET  /health    liveness; reveals no configuration
 *   *               JSON 404
 */
const app = new Hono<AppEnv>();

app.use(async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
});

app.get('/health', (c) => c.json({ status: 'ok' }));

app.notFound((c) => c.json(errorBody('not_found', 'No such route.'), 404));

app.onError((err, c) => {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message), err.status);
  }
  console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', name: err.name }));
  return c.json(errorBody('internal', 'Internal error.'), 500);
});

export default app;
