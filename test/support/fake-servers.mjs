// Fake servers for the browser tests, served by @web/test-runner's dev server so
// that the element runs real `fetch` and real `<script>` loads with no network:
// per test, a scripted fake of our own endpoints (token, guest) and the stand-ins
// of what is out of reach (the Kaleyra SDK, Turnstile; sandbox/).
//
// Each test picks its own id and uses URLs under /fake/<id>/. They have no file
// extension, so the test runner neither caches nor transforms them.
//   POST /fake/<id>/token         the token endpoint (docs/architecture.md, Token endpoint), scripted
//   GET  /fake/<id>/sdk           the SDK stand-in (sandbox/kaleyra-sdk/bandyer-sdk.js), scripted
//   GET  /fake/<id>/bandyer-media-client.js
//                                 the file the stand-in loads at connect from beside itself
//                                 (sandbox/kaleyra-sdk/bandyer-media-client.js), not logged
//   GET  /fake/<id>/page          the script's `page`: an HTML page with its own
//                                 Content-Security-Policy header (the test runner's has none)
//                                 and any other `headers` (a Permissions-Policy, say)
//   PUT  /fake/<id>/script        {token?: Step[], sdk?: Step[], page?: {html, csp?, headers?}}:
//                                 what the next requests get
//   GET  /fake/<id>/log           every request under /fake/<id>/ with start/end times
//   /fake/<id>/turnstile/v0/…     the Turnstile stand-in (sandbox/turnstile/server.mjs):
//   /fake/<id>/__control/turnstile  api.js (the browser script), challenge, siteverify and its
//                                 control route; one stand-in per id, knowing SANDBOX_SITE
//   POST /fake/<id>/guest         the guest endpoint, with the Turnstile stand-in of the
//                                 id the script names (`turnstile`), else its own
//   GET  /fake/net/closed-port    {port}: a loopback port nothing listens on (just freed)
//   GET  /fake/net/lan-address    {address}: this machine's first non-loopback IPv4 address,
//                                 where this server also answers (a page there is not a
//                                 secure context); 404 when there is none
// A Step is {status?, body?, headers?, delayMs?, network?: true, hang?: true, extra?,
// guest?: true (a 401 with a guest offer, unless a guest credential it gave is sent),
// challenge? (the offer's challenge, default turnstile),
// user?, ttlSeconds?, append?}; steps are used in order and the last one repeats. A 200
// token step without a body answers with a fresh HS256 token for `user`; an SDK
// step's `append` is script text added after the stand-in (to set it up).
//
// The SDK stand-in is a generated bundle: before it is served, here or as the file
// /sandbox/kaleyra-sdk/bandyer-sdk.js, it is rebuilt if stale (sandbox/kaleyra-sdk/build.mjs).
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { MEDIA_CLIENT_FILE, ensureSdkStandIn } from '../../sandbox/kaleyra-sdk/build.mjs';
import { createTurnstileStandIn, SANDBOX_SITE } from '../../sandbox/turnstile/api.mjs';
import { turnstileListener } from '../../sandbox/turnstile/server.mjs';

export const TOKEN_SECRET = 'test-signing-secret';
const SDK_STANDIN_PATH = '/sandbox/kaleyra-sdk/bandyer-sdk.js';

const b64url = (value) => Buffer.from(value).toString('base64url');

/** An HS256 JWT shaped like Kaleyra's (docs/kaleyra-sdk-notes.md, Access token). */
export function mintToken(user, ttlSeconds, companyId = '00000000-0000-4000-8000-000000000001') {
  const iat = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      user,
      companyId,
      allowCamera: true,
      iat,
      exp: iat + ttlSeconds,
      iss: '@switchboard-core',
      sub: `${user}#${companyId}`,
    }),
  );
  const signature = createHmac('sha256', TOKEN_SECRET)
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}

const state = new Map();
function entry(id) {
  let e = state.get(id);
  if (!e)
    state.set(
      id,
      (e = {
        script: { token: [{}], sdk: [{}] },
        used: { token: 0, sdk: 0 },
        log: [],
        guests: new Map(),
      }),
    );
  return e;
}

function nextStep(e, kind) {
  const steps = e.script[kind];
  const step = steps[Math.min(e.used[kind], steps.length - 1)] ?? {};
  e.used[kind]++;
  return step;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const turnstiles = new Map();
/** The id's Turnstile stand-in: `{standIn, listener}`. */
function turnstileFor(id) {
  let t = turnstiles.get(id);
  if (!t) {
    const standIn = createTurnstileStandIn({ sites: [SANDBOX_SITE] });
    t = { standIn, listener: turnstileListener(standIn) };
    turnstiles.set(id, t);
  }
  return t;
}

/** A token answer for `user`, as the fake endpoint mints them. */
function tokenAnswer(user, ttl, extra) {
  return {
    access_token: mintToken(user, ttl),
    expires_at: new Date(Date.now() + ttl * 1000).toISOString(),
    user_id: user,
    ...extra,
  };
}

/**
 * POST /fake/<id>/guest {turnstile}: the guest endpoint, a small stand-in of the
 * worker's: the widget's token is checked with the id's Turnstile stand-in
 * (siteverify with the sandbox site's secret, action `kaleyra-call`); a pass
 * makes a guest and answers its token with a guest credential; anything else is
 * 403 challenge_failed.
 */
async function guestEndpoint(ctx, e, id) {
  const record = {
    kind: 'guest',
    method: ctx.method,
    headers: { ...ctx.headers },
    start: Date.now(),
  };
  e.log.push(record);
  let response;
  try {
    response = JSON.parse(await readBody(ctx.req)).turnstile;
  } catch {
    response = undefined;
  }
  const verdict = await (
    await turnstileFor(e.script.turnstile ?? id).standIn.fetch(
      new Request('http://turnstile.test/turnstile/v0/siteverify', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ secret: SANDBOX_SITE.secret, response }),
      }),
    )
  ).json();
  ctx.type = 'application/json';
  ctx.set('Cache-Control', 'no-store');
  if (!verdict.success || verdict.action !== 'kaleyra-call') {
    ctx.status = 403;
    ctx.body = JSON.stringify({ error: { code: 'challenge_failed', message: 'refused' } });
  } else {
    const user = `guest_${e.guests.size + 1}`;
    ctx.body = JSON.stringify(guestAnswer(e, user));
  }
  record.end = Date.now();
}

/** A guest's token answer, with a new guest credential (the old ones stay valid here). */
function guestAnswer(e, user) {
  const credential = `gt-${user}-${Math.random().toString(36).slice(2)}`;
  e.guests.set(credential, user);
  return {
    ...tokenAnswer(user, 3600),
    guest_token: credential,
    guest_expires_at: new Date(Date.now() + 4 * 3600_000).toISOString(),
  };
}

/** A loopback port that was free a moment ago: a server that is not there. */
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** This machine's first non-internal IPv4 address, if any. */
const lanAddress = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((i) => i?.family === 'IPv4' && !i.internal)?.address;

export function fakeServers() {
  return async function fakeServerMiddleware(ctx, next) {
    if (ctx.path === '/fake/net/closed-port' || ctx.path === '/fake/net/lan-address') {
      const address = ctx.path.endsWith('lan-address') ? lanAddress() : undefined;
      ctx.type = 'application/json';
      ctx.set('Cache-Control', 'no-store');
      if (ctx.path.endsWith('closed-port')) ctx.body = JSON.stringify({ port: await closedPort() });
      else if (address) ctx.body = JSON.stringify({ address });
      else ctx.status = 404;
      return;
    }
    if (ctx.path === SDK_STANDIN_PATH) {
      await ensureSdkStandIn();
      return next();
    }
    const turnstile = /^\/fake\/([\w-]+)(\/turnstile\/v0\/[\w.]+|\/__control\/turnstile)$/.exec(
      ctx.path,
    );
    if (turnstile) {
      // The stand-in answers on Node's own request and response, at its own paths.
      ctx.req.url = `${turnstile[2]}${ctx.search}`;
      ctx.respond = false;
      await turnstileFor(turnstile[1]).listener(ctx.req, ctx.res);
      return;
    }
    const match =
      /^\/fake\/([\w-]+)\/(token|guest|sdk|script|log|page|bandyer-media-client\.js)$/.exec(
        ctx.path,
      );
    if (!match) return next();
    const [, id, what] = match;
    const e = entry(id);

    if (what === 'bandyer-media-client.js') {
      ctx.type = 'text/javascript';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await readFile(MEDIA_CLIENT_FILE, 'utf8');
      return;
    }
    if (what === 'guest') return guestEndpoint(ctx, e, id);
    if (what === 'page') {
      if (!e.script.page) {
        ctx.status = 404;
        ctx.body = 'no page scripted';
        return;
      }
      ctx.type = 'text/html';
      ctx.set('Cache-Control', 'no-store');
      if (e.script.page.csp) ctx.set('Content-Security-Policy', e.script.page.csp);
      for (const [name, value] of Object.entries(e.script.page.headers ?? {})) ctx.set(name, value);
      ctx.body = e.script.page.html;
      return;
    }
    if (what === 'script') {
      const body = JSON.parse((await readBody(ctx.req)) || '{}');
      e.script = {
        token: body.token ?? [{}],
        sdk: body.sdk ?? [{}],
        page: body.page,
        turnstile: body.turnstile,
      };
      e.used = { token: 0, sdk: 0 };
      e.log = [];
      ctx.status = 204;
      return;
    }
    if (what === 'log') {
      ctx.type = 'application/json';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = JSON.stringify(e.log);
      return;
    }

    const kind = what;
    if (kind === 'token' && ctx.method === 'GET') {
      // The element's second look after a failed token request (a request
      // without CORS: is the server there at all?). Unreachable while the last
      // token request met a network failure; else there, refusing the method.
      e.log.push({ kind: 'probe', method: 'GET', headers: { ...ctx.headers }, start: Date.now() });
      if (e.unreachable) {
        ctx.req.socket.end('XYZ\r\n\r\n');
        ctx.respond = false;
        return;
      }
      ctx.status = 405;
      ctx.body = '';
      return;
    }
    const record = {
      kind,
      method: ctx.method,
      headers: { ...ctx.headers },
      body: kind === 'token' ? await readBody(ctx.req) : undefined,
      start: Date.now(),
      end: undefined,
    };
    e.log.push(record);
    const step = nextStep(e, kind);
    if (step.delayMs) await sleep(step.delayMs);
    if (step.hang) await sleep(600_000);
    if (kind === 'token') e.unreachable = !!step.network;
    if (step.network) {
      // Bytes that are not HTTP: fetch fails with a network error. (A bare close
      // is retried by Chromium on a reused connection, hiding the failure.)
      ctx.req.socket.end('XYZ\r\n\r\n');
      ctx.respond = false;
      record.end = Date.now();
      return;
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.status = step.status ?? 200;
    if (kind === 'sdk') {
      ctx.type = 'text/javascript';
      ctx.body =
        ctx.status === 200
          ? (step.body ?? (await readFile(await ensureSdkStandIn(), 'utf8'))) +
            (step.append ? `\n${step.append}\n` : '')
          : 'not found';
    } else {
      ctx.type = 'application/json';
      const bearer = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1];
      if (step.guest && e.guests.has(bearer)) {
        // A known guest: its token, and a renewed credential.
        ctx.status = 200;
        ctx.body = JSON.stringify(guestAnswer(e, e.guests.get(bearer)));
      } else if (step.guest) {
        ctx.status = 401;
        ctx.body = JSON.stringify({
          error: {
            code: 'unauthenticated',
            message: 'Sign-in required.',
            guest: {
              endpoint: 'guest',
              challenge: step.challenge ?? 'turnstile',
              sitekey: SANDBOX_SITE.sitekey,
            },
          },
        });
      } else if (step.body !== undefined) {
        ctx.body = typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
      } else {
        ctx.body = JSON.stringify(
          tokenAnswer(step.user ?? 'user_1', step.ttlSeconds ?? 3600, step.extra),
        );
      }
    }
    // Last, so that a step's headers (a Content-Type, say) win over the defaults above.
    for (const [name, value] of Object.entries(step.headers ?? {})) ctx.set(name, value);
    record.end = Date.now();
  };
}
