#!/usr/bin/env node
/**
 * The Kaleyra REST stand-in (api.mjs) behind a Node HTTP server, for
 * `npm start` and `npm run sandbox:kaleyra`. Listens on 127.0.0.1 only.
 *
 *   node sandbox/kaleyra-rest/server.mjs
 *     KALEYRA_STANDIN_PORT   port (default 0: any free port; the URL is printed)
 *     KALEYRA_API_KEY        key the stand-in accepts (default ak_sandbox_local)
 *     KALEYRA_STANDIN_USERS  comma-separated user ids registered at start
 *
 * Point the worker at it with KALEYRA_API_BASE=<printed URL>.
 */
import { getRequestListener } from '@hono/node-server';
import { listen } from '../support/listen.mjs';
import { fileURLToPath } from 'node:url';
import { createKaleyraStandIn, KaleyraDisconnect } from './api.mjs';

/**
 * @param {{ port?: number, host?: string } & Parameters<typeof createKaleyraStandIn>[0]} options
 * @returns {Promise<{ url: string, apiBase: string, standIn: ReturnType<typeof createKaleyraStandIn>, close: () => Promise<void> }>}
 */
export async function startKaleyraStandIn({ port = 0, host = '127.0.0.1', ...options }) {
  const standIn = createKaleyraStandIn(options);
  // @hono/node-server turns each request into a Request whose signal aborts when
  // the caller hangs up (a `timeout` fault then stops waiting). The `disconnect`
  // fault drops the connection with no HTTP answer; any other failure is a 500.
  const listener = getRequestListener(
    (request, { incoming }) =>
      standIn.fetch(request).catch((err) => {
        if (err instanceof KaleyraDisconnect) incoming.socket.destroy();
        throw err;
      }),
    {
      hostname: host,
      errorHandler: (err) =>
        err instanceof KaleyraDisconnect
          ? undefined
          : new Response('stand-in error', {
              status: 500,
              headers: { 'content-type': 'text/plain' },
            }),
    },
  );
  const { server, url } = await listen(listener, port, host);
  return {
    url,
    apiBase: `${url}/v2`,
    standIn,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const users = (process.env.KALEYRA_STANDIN_USERS ?? '').split(',').filter(Boolean);
  const started = await startKaleyraStandIn({
    port: Number(process.env.KALEYRA_STANDIN_PORT ?? 0),
    apiKey: process.env.KALEYRA_API_KEY || 'ak_sandbox_local',
    users,
  });
  console.log(`Kaleyra REST stand-in: KALEYRA_API_BASE=${started.apiBase}  (Ctrl-C to stop)`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => started.close().then(() => process.exit(0)));
  }
}
