import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { EMULATOR_BUNDLE, ensureEmulator } from '../sandbox/sdk-emulator/build.mjs';
import { DEMO_USERS, ON_CALL_CLINICIAN, demoUser } from './users.mjs';

/**
 * The demo site: what a CMS would serve, plus the sandbox's helpers.
 *
 *   GET  /                        the "Talk to a doctor" page (demo/site/index.html)
 *   GET  /site/…                  its script, styles and icon
 *   GET  /dist/kaleyra-call.js    the element's CDN build (waits for a build in progress)
 *   GET  /sandbox/bandyer-sdk.js  the SDK emulator (sandbox mode; the element's `sdk-src`)
 *   POST /login  {userId}         the site-login stand-in: a site JWT in the body and a cookie
 *   POST /logout                  clears the cookie
 *   GET|POST /sandbox/token-endpoint  {broken}: make the Kaleyra API behind the worker fail
 *
 * The page's token endpoint is the worker on its own port: a separate origin, as
 * in production (a workers.dev or api. host next to the site), so the worker's
 * CORS allow-list and the cookie's same-site rules are exercised for real. It is
 * built from the Host the visitor used (localhost or 127.0.0.1) so the cookie,
 * which belongs to the host name, reaches the worker.
 */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};
const LOCAL_HOSTS = ['localhost', '127.0.0.1'];
const MAX_BODY_BYTES = 1024;

/**
 * @param {{
 *   root: string,
 *   port: number,
 *   mode: 'sandbox' | 'real',
 *   workerPort: number,
 *   kaleyra: { appId: string, region: string, environment: string },
 *   login: ReturnType<typeof import('./site-login.mjs').createSiteLogin>,
 *   build: Promise<void>,
 *   emulator?: ReturnType<typeof import('../sandbox/kaleyra-api.mjs').createKaleyraEmulator>,
 * }} options
 */
export async function startSite(options) {
  const { root, port } = options;
  const siteDir = join(root, 'demo/site');
  const statics = new Map([
    ['/dist/kaleyra-call.js', join(root, 'dist/kaleyra-call.js')],
    ['/dist/kaleyra-call.js.map', join(root, 'dist/kaleyra-call.js.map')],
  ]);
  if (options.mode === 'sandbox') {
    statics.set('/sandbox/bandyer-sdk.js', EMULATOR_BUNDLE);
  }
  const distDir = join(root, 'dist') + sep;
  let broken = false;

  const routes = {
    'GET /': (req, res) => sendPage(req, res),
    'POST /login': async (req, res) => {
      const body = await readJson(req);
      const user = typeof body?.userId === 'string' ? demoUser(body.userId) : undefined;
      if (!user) return sendJson(res, 400, { error: 'unknown user' });
      const { token, expiresAt, cookie } = await options.login.signIn(user);
      sendJson(res, 200, { user, token, expiresAt }, { 'Set-Cookie': cookie });
    },
    'POST /logout': (_req, res) =>
      sendJson(res, 200, { signedOut: true }, { 'Set-Cookie': options.login.signOutCookie }),
    'GET /sandbox/token-endpoint': (_req, res) => tokenEndpointState(res),
    'POST /sandbox/token-endpoint': async (req, res) => {
      const emulator = options.emulator;
      if (!emulator) return sendJson(res, 409, { error: 'real mode: nothing to break' });
      const body = await readJson(req);
      if (typeof body?.broken !== 'boolean') return sendJson(res, 400, { error: 'send {broken}' });
      broken = body.broken;
      emulator.control.clearFaults();
      // Kaleyra answers 503 to every mint: the worker retries once, then answers
      // 502 upstream_error, and the element retries with backoff.
      if (broken) emulator.control.addFaults([{ kind: 'status', status: 503, times: 1e9 }]);
      tokenEndpointState(res);
    },
  };

  function tokenEndpointState(res) {
    sendJson(res, 200, { available: Boolean(options.emulator), broken });
  }

  function sendPage(req, res) {
    const host =
      LOCAL_HOSTS.find((name) => req.headers.host?.startsWith(`${name}:`)) ?? 'localhost';
    const { appId, region, environment } = options.kaleyra;
    const sandbox = options.mode === 'sandbox';
    const config = {
      mode: options.mode,
      users: DEMO_USERS,
      onCall: ON_CALL_CLINICIAN,
      // The emulated Kaleyra server checks the tokens its REST twin signed. The key is
      // the emulator's own, made at each start: no credential of anybody's.
      emulator: sandbox
        ? { signingSecret: options.emulator?.control.signingSecret, appId }
        : undefined,
    };
    let html = render(readFileSync(join(siteDir, 'index.html'), 'utf8'), {
      appId: escape(appId),
      region: escape(region),
      environment: escape(environment),
      tokenEndpoint: escape(`http://${host}:${options.workerPort}/v1/token`),
      sdkSrc: sandbox ? '/sandbox/bandyer-sdk.js' : '',
      onCall: escape(ON_CALL_CLINICIAN),
      config: JSON.stringify(config).replaceAll('<', '\\u003c'),
    });
    // Real mode loads the SDK from Kaleyra's CDN, the element's default: no sdk-src.
    if (!sandbox) html = html.replace(/\s+sdk-src=""/, '');
    send(res, 200, TYPES['.html'], html);
  }

  async function sendFile(res, path) {
    if (path.startsWith(distDir)) {
      // A build in progress: wait for it. A failed one is reported in the terminal.
      try {
        await options.build;
      } catch {
        return send(res, 503, 'text/plain', 'The element failed to build: see the terminal.');
      }
    }
    if (path === EMULATOR_BUNDLE) {
      // Generated from demo/sandbox/sdk-emulator/: rebuilt here when stale.
      try {
        await ensureEmulator();
      } catch (err) {
        console.error(`[site] the SDK emulator failed to build: ${err.message}`);
        return send(res, 503, 'text/plain', 'The SDK emulator failed to build: see the terminal.');
      }
    }
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return send(res, 404, 'text/plain', 'Not found');
    }
    if (!stat.isFile()) return send(res, 404, 'text/plain', 'Not found');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    createReadStream(path).pipe(res);
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // HEAD is GET without the body (node:http drops it).
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = routes[`${method} ${url.pathname}`];
    if (route) {
      if (req.method === 'POST' && !sameOrigin(req)) {
        return sendJson(res, 403, { error: 'cross-origin request' });
      }
      return route(req, res);
    }
    if (method !== 'GET') {
      return send(res, 405, 'text/plain', 'Method not allowed');
    }
    const file = statics.get(url.pathname) ?? siteFile(siteDir, url.pathname);
    if (file) return sendFile(res, file);
    send(res, 404, 'text/plain', 'Not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error(`[site] ${req.method} ${req.url?.split('?')[0]} failed: ${err.message}`);
      if (!res.headersSent) send(res, 500, 'text/plain', 'Internal error');
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

/** /site/<name> → demo/site/<name>, never outside it. */
function siteFile(siteDir, pathname) {
  if (!pathname.startsWith('/site/')) return undefined;
  const file = normalize(join(siteDir, decodeURIComponent(pathname.slice('/site/'.length))));
  return file.startsWith(siteDir + sep) ? file : undefined;
}

/** Forms of other sites may not sign a visitor in or break the sandbox. */
function sameOrigin(req) {
  const origin = req.headers.origin;
  const json = (req.headers['content-type'] ?? '').startsWith('application/json');
  return json && (origin === undefined || origin === `http://${req.headers.host}`);
}

async function readJson(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return undefined;
  }
}

function render(template, values) {
  return template.replace(/\{\{(\w+)\}\}/g, (match, name) =>
    Object.hasOwn(values, name) ? values[name] : match,
  );
}

function escape(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

function sendJson(res, status, body, headers = {}) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}
