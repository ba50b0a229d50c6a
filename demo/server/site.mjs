import { createAdaptorServer } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import {
  SDK_STANDIN_BUNDLE,
  MEDIA_CLIENT_FILE,
  ensureSdkStandIn,
} from '../../sandbox/kaleyra-sdk/build.mjs';
import { addRelay } from '../../sandbox/kaleyra-sdk/relay.mjs';
import { DEMO_USERS, ON_CALL_CLINICIAN, demoUser } from './users.mjs';

/**
 * The demo site: what a CMS would serve, plus the sandbox's helpers.
 *
 *   GET  /                        the "Talk to a doctor" page (demo/site/index.html): patients
 *                                 and the doctor sign in
 *   GET  /marker                  a page with only a marker and the script tag (marker.html)
 *   GET  /ask                     the public "Ask the clinic" page (demo/site/ask.html): no
 *                                 sign-in; a visitor calls the doctor as a guest
 *   GET  /site/…                  its script, styles and icon
 *   GET  /dist/kaleyra-call.js    the element's CDN build (waits for a build in progress),
 *        /dist/kaleyra-call.runtime.<en|it|es>.js  and the runtime it loads when a call starts
 *   GET  /sandbox/bandyer-sdk.js  the SDK stand-in (sandbox mode; the element's `sdk-src`, as
 *                                 SDK_STAND_IN_SRC: its clients meet through the relay below)
 *        /sandbox/bandyer-media-client.js  and the media client it loads beside itself (calls)
 *   GET|POST /sandbox/bus         the stand-in's relay between its clients
 *                                 (sandbox/kaleyra-sdk/relay.mjs): the staff page, the public
 *                                 page and the worker's call page meet there, in any browser
 *   POST /login  {userId}         the site-login stand-in: a site JWT in the body and a cookie
 *   POST /logout                  clears the cookie
 *   GET|POST /sandbox/token-endpoint  {broken}: make the Kaleyra API behind the worker fail
 *
 * The page's token endpoint is the worker on its own port: a separate origin, as
 * in production (a workers.dev or api. host next to the site), so the worker's
 * CORS allow-list and the cookie's same-site rules are exercised for real. It is
 * built from the Host the visitor used (localhost or 127.0.0.1) so the cookie,
 * which belongs to the host name, reaches the worker.
 *
 * A Hono app, served by @hono/node-server (its serveStatic for the files). Every
 * answer is `Cache-Control: no-store`; a POST must be same-origin JSON of at most
 * 1 KB; another method on a path is 405, an unknown path 404.
 */
const LOCAL_HOSTS = ['localhost', '127.0.0.1'];
const MAX_BODY_BYTES = 1024;
/** The SDK stand-in as the site's pages load it: its clients meet on the relay (/sandbox/bus). */
export const SDK_STAND_IN_SRC = '/sandbox/bandyer-sdk.js?bus=server';

/**
 * @param {{
 *   root: string,
 *   port: number,
 *   mode: 'sandbox' | 'real',
 *   workerPort: number,
 *   kaleyra: { appId: string, region: string, environment: string },
 *   login: ReturnType<typeof import('./site-login.mjs').createSiteLogin>,
 *   build: Promise<void>,
 *   kaleyraStandIn?: ReturnType<typeof import('../../sandbox/kaleyra-rest/api.mjs').createKaleyraStandIn>,
 *   guests?: { challengeSrc?: string, controlUrl?: string },
 *   callPage: string,
 * }} options
 */
export async function startSite(options) {
  const server = createAdaptorServer({ fetch: siteApp(options).fetch });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve(undefined));
  });
  return {
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        /** @type {import('node:http').Server} */ (server).closeAllConnections();
      }),
  };
}

/** The site's routes (see the top of this file). @param {Parameters<typeof startSite>[0]} options */
export function siteApp(options) {
  const { root } = options;
  const siteDir = join(root, 'demo/site');
  const sandbox = options.mode === 'sandbox';
  let broken = false;

  const app = new Hono();

  app.use(async (c, next) => {
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
  });

  app.get('/', (c) => c.html(page(c.req.header('host'))));
  app.get('/ask', (c) => c.html(publicPage(c.req.header('host'))));
  app.get('/marker', (c) => c.html(markerPage(c.req.header('host'))));

  app.post('/login', sameOrigin, smallBody('unknown user'), async (c) => {
    const body = await readJson(c);
    const user = typeof body?.userId === 'string' ? demoUser(body.userId) : undefined;
    if (!user) return c.json({ error: 'unknown user' }, 400);
    const { token, expiresAt, cookie } = await options.login.signIn(user);
    c.header('Set-Cookie', cookie);
    return c.json({ user, token, expiresAt });
  });
  app.post('/logout', sameOrigin, (c) => {
    c.header('Set-Cookie', options.login.signOutCookie);
    return c.json({ signedOut: true });
  });

  const tokenEndpointState = (c) => c.json({ available: Boolean(options.kaleyraStandIn), broken });
  app.get('/sandbox/token-endpoint', tokenEndpointState);
  app.post(
    '/sandbox/token-endpoint',
    sameOrigin,
    (c, next) =>
      options.kaleyraStandIn ? next() : c.json({ error: 'real mode: nothing to break' }, 409),
    smallBody('send {broken}'),
    async (c) => {
      const standIn = /** @type {NonNullable<typeof options.kaleyraStandIn>} */ (
        options.kaleyraStandIn
      );
      const body = await readJson(c);
      if (typeof body?.broken !== 'boolean') return c.json({ error: 'send {broken}' }, 400);
      broken = body.broken;
      standIn.control.clearFaults();
      // Kaleyra answers 503 to every mint: the worker retries once, then answers
      // 502 upstream_error, and the element retries with backoff.
      if (broken) standIn.control.addFaults([{ kind: 'status', status: 503, times: 1e9 }]);
      return tokenEndpointState(c);
    },
  );

  // The element's CDN build: a build in progress is waited for; a failed one is
  // reported in the terminal.
  const built = async (c, next) => {
    try {
      await options.build;
    } catch {
      return c.text('The element failed to build: see the terminal.', 503);
    }
    return next();
  };
  for (const file of [
    'dist/kaleyra-call.js',
    'dist/kaleyra-call.js.map',
    'dist/kaleyra-call.iife.js',
    'dist/kaleyra-call.iife.js.map',
    ...['en', 'it', 'es'].flatMap((language) => [
      `dist/kaleyra-call.runtime.${language}.js`,
      `dist/kaleyra-call.runtime.${language}.js.map`,
    ]),
  ]) {
    app.get(`/${file}`, built, serveStatic({ path: join(root, file) }));
  }

  if (sandbox) {
    // Generated from sandbox/kaleyra-sdk/browser/: rebuilt here when stale.
    const sdkStandInBuilt = async (c, next) => {
      try {
        await ensureSdkStandIn();
      } catch (err) {
        console.error(`[site] the SDK stand-in failed to build: ${err.message}`);
        return c.text('The SDK stand-in failed to build: see the terminal.', 503);
      }
      return next();
    };
    app.get('/sandbox/bandyer-sdk.js', sdkStandInBuilt, serveStatic({ path: SDK_STANDIN_BUNDLE }));
    app.get('/sandbox/bandyer-media-client.js', serveStatic({ path: MEDIA_CLIENT_FILE }));
    addRelay(app, '/sandbox/bus');
  }

  // /site/<name> → demo/site/<name>; serveStatic refuses paths that climb out.
  app.get(
    '/site/*',
    serveStatic({ root: siteDir, rewriteRequestPath: (path) => path.slice('/site'.length) }),
  );

  app.notFound((c) =>
    c.req.method === 'GET' || c.req.method === 'HEAD'
      ? c.text('Not found', 404)
      : c.text('Method not allowed', 405),
  );
  app.onError((err, c) => {
    console.error(`[site] ${c.req.method} ${c.req.path} failed: ${err.message}`);
    return c.text('Internal error', 500);
  });

  /** The worker's token endpoint, on the host name the visitor used (see the top). */
  function tokenEndpoint(hostHeader) {
    const host = LOCAL_HOSTS.find((name) => hostHeader?.startsWith(`${name}:`)) ?? 'localhost';
    return `http://${host}:${options.workerPort}/v1/token`;
  }

  function page(hostHeader) {
    const { appId, region, environment } = options.kaleyra;
    const config = {
      mode: options.mode,
      users: DEMO_USERS,
      onCall: ON_CALL_CLINICIAN,
      sdkStandIn: sdkStandInConfig(),
    };
    const html = render(readFileSync(join(siteDir, 'index.html'), 'utf8'), {
      appId: escape(appId),
      region: escape(region),
      environment: escape(environment),
      tokenEndpoint: escape(tokenEndpoint(hostHeader)),
      sdkSrc: sandbox ? SDK_STAND_IN_SRC : '',
      onCall: escape(ON_CALL_CLINICIAN),
      config: JSON.stringify(config).replaceAll('<', '\\u003c'),
    });
    // Real mode loads the SDK from Kaleyra's CDN, the element's default: no sdk-src.
    return sandbox ? html : html.replace(/\s+sdk-src=""/, '');
  }

  /**
   * The public page: the tag needs only its token endpoint (the worker names the app), the
   * doctor to call and, here, where the SDK and the challenge come from. Without guests (real
   * mode without Turnstile keys) the page still shows, and its console says why a call fails.
   */
  function publicPage(hostHeader) {
    const doctor = demoUser(ON_CALL_CLINICIAN);
    const config = {
      mode: options.mode,
      doctor: { id: doctor?.id, name: doctor?.name },
      guests: options.guests
        ? { on: true, controlUrl: options.guests.controlUrl ?? null }
        : { on: false, controlUrl: null },
      sdkStandIn: sdkStandInConfig(),
    };
    const html = render(readFileSync(join(siteDir, 'ask.html'), 'utf8'), {
      ...guestElement(hostHeader),
      callPage: escape(options.callPage),
      config: JSON.stringify(config).replaceAll('<', '\\u003c'),
    });
    return withoutEmptySources(html);
  }

  /**
   * A page with only a marker and the script tag that carries the endpoint (and, here, where
   * the SDK and the challenge come from): what a CMS that strips tags and scripts keeps.
   */
  function markerPage(hostHeader) {
    const html = render(
      readFileSync(join(siteDir, 'marker.html'), 'utf8'),
      guestElement(hostHeader),
    );
    return withoutEmptySources(html);
  }

  /**
   * What the public pages' element (a tag, or the marker's script) is given: the token
   * endpoint, the doctor to call and, here, where the SDK and the challenge come from.
   */
  function guestElement(hostHeader) {
    return {
      tokenEndpoint: escape(tokenEndpoint(hostHeader)),
      callWith: escape(ON_CALL_CLINICIAN),
      challengeSrc: escape(options.guests?.challengeSrc ?? ''),
      sdkSrc: sandbox ? SDK_STAND_IN_SRC : '',
    };
  }

  /**
   * The SDK stand-in, playing Kaleyra's server, checks the tokens its REST twin signed. The
   * key is the stand-in's own, made at each start: no credential of anybody's.
   */
  function sdkStandInConfig() {
    return sandbox
      ? {
          signingSecret: options.kaleyraStandIn?.control.signingSecret,
          appId: options.kaleyra.appId,
        }
      : undefined;
  }

  return app;
}

/** Forms of other sites may not sign a visitor in or break the sandbox. */
async function sameOrigin(c, next) {
  const origin = c.req.header('origin');
  const json = (c.req.header('content-type') ?? '').startsWith('application/json');
  if (json && (origin === undefined || origin === `http://${c.req.header('host')}`)) {
    return next();
  }
  return c.json({ error: 'cross-origin request' }, 403);
}

/** A body over MAX_BODY_BYTES is refused like one that is not JSON: 400 `error`. */
const smallBody = (error) =>
  bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error }, 400) });

async function readJson(c) {
  try {
    return JSON.parse((await c.req.text()) || '{}');
  } catch {
    return undefined;
  }
}

function render(template, values) {
  return template.replace(/\{\{(\w+)\}\}/g, (match, name) =>
    Object.hasOwn(values, name) ? values[name] : match,
  );
}

/**
 * Unset, the element uses its defaults (Kaleyra's CDN SDK, Cloudflare's Turnstile): an
 * empty `sdk-src` or `challenge-src`, as an attribute or a `data-` one, is left out.
 */
function withoutEmptySources(html) {
  return html.replace(/\s+(?:data-)?(?:sdk|challenge)-src=""/g, '');
}

function escape(text) {
  return String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}
