#!/usr/bin/env node
/**
 * The Kaleyra REST emulator (kaleyra-api.mjs) behind a Node HTTP server, for
 * `npm start` and `npm run sandbox:kaleyra`. Listens on 127.0.0.1 only.
 *
 *   node demo/sandbox/kaleyra-api-server.mjs
 *     KALEYRA_EMULATOR_PORT   port (default 0: any free port; the URL is printed)
 *     KALEYRA_API_KEY         key the emulator accepts (default ak_sandbox_local)
 *     KALEYRA_EMULATOR_USERS  comma-separated user ids registered at start
 *
 * Point the worker at it with KALEYRA_API_BASE=<printed URL>.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createKaleyraEmulator, EmulatorDisconnect } from './kaleyra-api.mjs';

/**
 * @param {{ port?: number, host?: string } & Parameters<typeof createKaleyraEmulator>[0]} options
 * @returns {Promise<{ url: string, apiBase: string, emulator: ReturnType<typeof createKaleyraEmulator>, close: () => Promise<void> }>}
 */
export async function startKaleyraEmulator({ port = 0, host = '127.0.0.1', ...options }) {
  const emulator = createKaleyraEmulator(options);
  const server = createServer(async (req, res) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      const request = new Request(`http://${host}${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value ?? '']).map((v) => [name, v]),
        ),
        body: body.length && req.method !== 'GET' && req.method !== 'HEAD' ? body : undefined,
        signal: abort.signal,
      });
      const response = await emulator.fetch(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      if (err instanceof EmulatorDisconnect) req.socket.destroy();
      else if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'text/plain' }).end('emulator error');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  return {
    url,
    apiBase: `${url}/v2`,
    emulator,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const users = (process.env.KALEYRA_EMULATOR_USERS ?? '').split(',').filter(Boolean);
  const started = await startKaleyraEmulator({
    port: Number(process.env.KALEYRA_EMULATOR_PORT ?? 0),
    apiKey: process.env.KALEYRA_API_KEY || 'ak_sandbox_local',
    users,
  });
  console.log(`Kaleyra emulator: KALEYRA_API_BASE=${started.apiBase}  (Ctrl-C to stop)`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => started.close().then(() => process.exit(0)));
  }
}
