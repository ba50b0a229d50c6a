#!/usr/bin/env node
/**
 * The Turnstile stand-in (api.mjs) behind a Node HTTP server, with the bundled browser
 * script (build.mjs) at `/turnstile/v0/api.js`: the stand-in of
 * https://challenges.cloudflare.com for `npm start` and `npm run sandbox:turnstile`. Listens on
 * 127.0.0.1 only.
 *
 *   node sandbox/turnstile/server.mjs
 *     TURNSTILE_STANDIN_PORT   port (default 0: any free port; the URLs are printed)
 *
 * It knows the sandbox site (SANDBOX_SITE in api.mjs) and Cloudflare's test keys.
 * Point the page's script at <url>/turnstile/v0/api.js and the worker's siteverify calls at
 * <url>/turnstile/v0/siteverify.
 */
import { getRequestListener } from '@hono/node-server';
import { readFile } from 'node:fs/promises';
import { listen } from '../support/listen.mjs';
import { fileURLToPath } from 'node:url';
import { ensureTurnstileScript } from './build.mjs';
import { createTurnstileStandIn, SANDBOX_SITE, TurnstileDisconnect } from './api.mjs';

export const SCRIPT_PATH = '/turnstile/v0/api.js';

/**
 * A Node request listener for a stand-in: its routes plus the browser script. The siteverify
 * `outage` without status drops the connection with no HTTP answer; any other failure is a 500.
 * @param {ReturnType<typeof createTurnstileStandIn>} standIn
 */
export function turnstileListener(standIn) {
  return getRequestListener(
    async (request, { incoming }) => {
      if (new URL(request.url).pathname === SCRIPT_PATH) return script(request);
      return standIn.fetch(request).catch((err) => {
        if (err instanceof TurnstileDisconnect) incoming.socket.destroy();
        throw err;
      });
    },
    {
      errorHandler: (err) =>
        err instanceof TurnstileDisconnect
          ? undefined
          : new Response('stand-in error', {
              status: 500,
              headers: { 'content-type': 'text/plain' },
            }),
    },
  );
}

/** @param {Request} request */
async function script(request) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method Not Allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  const code = await readFile(await ensureTurnstileScript(), 'utf8');
  return new Response(request.method === 'HEAD' ? null : code, {
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/**
 * @param {{ port?: number, host?: string } & Parameters<typeof createTurnstileStandIn>[0]} [options]
 * @returns {Promise<{ url: string, scriptUrl: string, siteverifyUrl: string,
 *   standIn: ReturnType<typeof createTurnstileStandIn>, close: () => Promise<void> }>}
 */
export async function startTurnstileStandIn({ port = 0, host = '127.0.0.1', ...options } = {}) {
  const standIn = createTurnstileStandIn({ sites: [SANDBOX_SITE], ...options });
  const { server, url } = await listen(turnstileListener(standIn), port, host);
  return {
    url,
    scriptUrl: `${url}${SCRIPT_PATH}`,
    siteverifyUrl: `${url}/turnstile/v0/siteverify`,
    standIn,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = await startTurnstileStandIn({
    port: Number(process.env.TURNSTILE_STANDIN_PORT ?? 0),
  });
  console.log(`Turnstile stand-in: script ${started.scriptUrl}`);
  console.log(`  siteverify ${started.siteverifyUrl}  site key ${SANDBOX_SITE.sitekey}`);
  console.log('  (Ctrl-C to stop)');
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => started.close().then(() => process.exit(0)));
  }
}
