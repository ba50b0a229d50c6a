/**
 * The worker tests' "internet": every fetch made inside the test isolate (the
 * worker's calls to Kaleyra and to JWKS URLs, and the tests' own control calls)
 * is routed here by Miniflare's `outboundService`, so the worker's real fetch
 * path runs unchanged.
 *
 *   <name>.kaleyra.test   a fresh Kaleyra REST stand-in per host name, so each
 *                         test has its own users, faults and call log
 *                         plus POST /__control/clock {offsetMs}: the stand-in's
 *                         clock runs that far ahead, so a test that moves the
 *                         worker's clock can move Kaleyra's with it
 *   <host>.bandyer.com    the same, for the real Kaleyra host names, so tests can
 *                         see which host a default configuration calls
 *   <name>.rogue.test     a Kaleyra that answers /v2/sdk/credentials as scripted
 *                         (a look-alike the stand-in cannot be: huge or odd answers),
 *                         and POST /v2/users as scripted (201 unless told otherwise):
 *                           POST /__control/answer  {kind: "stream", bytes}: a 200 whose
 *                                                   body is made only as it is read
 *                                                   {kind: "token", expiresAt?, pad?}: a
 *                                                   valid-looking token for the user asked
 *                                                   for; expiresAt is an ISO string or a
 *                                                   number of seconds from now; pad adds
 *                                                   that many bytes of an extra field
 *                           POST /__control/users   {answers: [{status?, retryAfter?} |
 *                                                   {hang: true} | {disconnect: true}]}: the
 *                                                   next POST /v2/users answers, in order
 *                           GET  /__control/sent    {calls, bytesSent, cancelled, users}
 *                                                   (users: the bodies POST /v2/users got)
 *   <name>.turnstile.test the Turnstile stand-in (sandbox/turnstile/api.mjs), one per
 *                         host name, knowing one site: TURNSTILE_SITE_KEY with
 *                         TURNSTILE_SECRET_KEY. Its own routes (siteverify, challenge,
 *                         /__control/turnstile) plus POST /__control/clock {offsetMs}: its
 *                         clock runs that far ahead (to expire a token)
 *   <name>.siteverify.test a siteverify that answers as scripted, for answers the stand-in
 *                         never gives: POST /__control/answer {status, contentType, body};
 *                         GET /__control/count {calls}
 *   <name>.idp.test       an identity provider's JWKS endpoint:
 *                           PUT  /jwks.json        store the key set to serve
 *                           GET  /jwks.json        serve it (counted); also at
 *                                /cdn-cgi/access/certs, like Cloudflare Access
 *                           POST /__control/mode   {mode: "ok" | "down" | "hang" | "slow"}
 *                                                  (slow: served after 200 ms), or
 *                                                  {mode: "redirect", location}: a 302 to
 *                                                  `location` instead of the keys
 *                           GET  /__control/count  {fetches}
 *   anything else         502, so a stray call fails loudly
 */
import { createKaleyraStandIn } from '../../../sandbox/kaleyra-rest/api.mjs';
import { createTurnstileStandIn } from '../../../sandbox/turnstile/api.mjs';

const kaleyraStandIns = new Map();
const clocks = new Map();
const idps = new Map();
const rogues = new Map();
const turnstiles = new Map();
const siteverifies = new Map();

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.hostname.endsWith('.kaleyra.test') || url.hostname.endsWith('.bandyer.com')) {
      const host = url.hostname;
      if (request.method === 'POST' && url.pathname === '/__control/clock') {
        clocks.set(host, Number((await request.json()).offsetMs) || 0);
        return new Response(null, { status: 204 });
      }
      let standIn = kaleyraStandIns.get(host);
      if (!standIn) {
        standIn = createKaleyraStandIn({
          apiKey: env.KALEYRA_API_KEY,
          signingSecret: env.KALEYRA_SIGNING_SECRET,
          now: () => Date.now() + (clocks.get(host) ?? 0),
        });
        kaleyraStandIns.set(host, standIn);
      }
      return standIn.fetch(request);
    }
    if (url.hostname.endsWith('.idp.test')) return identityProvider(request, url);
    if (url.hostname.endsWith('.rogue.test')) return rogueKaleyra(request, url);
    if (url.hostname.endsWith('.turnstile.test')) return turnstile(request, url, env);
    if (url.hostname.endsWith('.siteverify.test')) return scriptedSiteverify(request, url);
    return new Response(`test outbound: no route to ${url.hostname}`, { status: 502 });
  },
};

async function identityProvider(request, url) {
  let idp = idps.get(url.hostname);
  if (!idp) {
    idp = { jwks: null, fetches: 0, mode: 'ok', location: null };
    idps.set(url.hostname, idp);
  }
  const route = `${request.method} ${url.pathname}`;
  if (route === 'PUT /jwks.json') {
    idp.jwks = await request.text();
    return new Response(null, { status: 204 });
  }
  if (route === 'POST /__control/mode') {
    ({ mode: idp.mode, location: idp.location = null } = await request.json());
    return new Response(null, { status: 204 });
  }
  if (route === 'GET /__control/count') return Response.json({ fetches: idp.fetches });
  if (route === 'GET /jwks.json' || route === 'GET /cdn-cgi/access/certs') {
    idp.fetches++;
    if (idp.mode === 'hang') await new Promise((resolve) => setTimeout(resolve, 10_000));
    if (idp.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 200));
    if (idp.mode === 'redirect') return Response.redirect(idp.location, 302);
    if ((idp.mode !== 'ok' && idp.mode !== 'slow') || idp.jwks === null)
      return new Response('unavailable', { status: 503 });
    return new Response(idp.jwks, { headers: { 'content-type': 'application/json' } });
  }
  return new Response('not found', { status: 404 });
}

async function rogueKaleyra(request, url) {
  let rogue = rogues.get(url.hostname);
  if (!rogue) {
    rogue = {
      answer: { kind: 'token' },
      calls: 0,
      bytesSent: 0,
      cancelled: false,
      users: [],
      userAnswers: [],
    };
    rogues.set(url.hostname, rogue);
  }
  const route = `${request.method} ${url.pathname}`;
  if (route === 'POST /__control/answer') {
    rogue.answer = await request.json();
    return new Response(null, { status: 204 });
  }
  if (route === 'GET /__control/sent') {
    const { calls, bytesSent, cancelled, users } = rogue;
    return Response.json({ calls, bytesSent, cancelled, users });
  }
  if (route === 'POST /__control/users') {
    rogue.userAnswers = (await request.json()).answers;
    return new Response(null, { status: 204 });
  }
  if (route === 'POST /v2/users') {
    rogue.users.push(await request.json());
    const answer = rogue.userAnswers.shift() ?? { status: 201 };
    if (answer.hang) await new Promise((resolve) => setTimeout(resolve, 10_000));
    if (answer.disconnect) throw new Error('rogue Kaleyra dropped the connection');
    return Response.json(
      { error: 'scripted', message: 'rogue Kaleyra internal text' },
      {
        status: answer.status ?? 201,
        headers: answer.retryAfter ? { 'retry-after': String(answer.retryAfter) } : {},
      },
    );
  }
  if (route !== 'POST /v2/sdk/credentials') return new Response('not found', { status: 404 });
  rogue.calls++;
  const { user_id: userId, expires_in: expiresIn } = await request.json();
  const { answer } = rogue;
  if (answer.kind === 'stream') {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    const prefix = new TextEncoder().encode('{"access_token":"');
    let first = true;
    const body = new ReadableStream(
      {
        pull(controller) {
          if (rogue.bytesSent >= answer.bytes) return controller.close();
          const part = first ? prefix : chunk;
          first = false;
          rogue.bytesSent += part.byteLength;
          controller.enqueue(part);
        },
        cancel() {
          rogue.cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { headers: { 'content-type': 'application/json' } });
  }
  const expiresAt =
    typeof answer.expiresAt === 'string'
      ? answer.expiresAt
      : new Date(Date.now() + (answer.expiresAt ?? expiresIn) * 1000).toISOString();
  const text = JSON.stringify({
    access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJyb2d1ZSI6dHJ1ZX0.c2lnbmF0dXJl',
    expires_at: expiresAt,
    user_id: userId,
    ...(answer.pad && { pad: 'p'.repeat(answer.pad) }),
  });
  rogue.bytesSent += text.length;
  return new Response(text, { headers: { 'content-type': 'application/json' } });
}

function turnstile(request, url, env) {
  const host = url.hostname;
  if (request.method === 'POST' && url.pathname === '/__control/clock') {
    return request.json().then(({ offsetMs }) => {
      clocks.set(host, Number(offsetMs) || 0);
      return new Response(null, { status: 204 });
    });
  }
  let standIn = turnstiles.get(host);
  if (!standIn) {
    standIn = createTurnstileStandIn({
      sites: [{ sitekey: env.TURNSTILE_SITE_KEY, secret: env.TURNSTILE_SECRET_KEY }],
      now: () => Date.now() + (clocks.get(host) ?? 0),
    });
    turnstiles.set(host, standIn);
  }
  return standIn.fetch(request);
}

async function scriptedSiteverify(request, url) {
  let stub = siteverifies.get(url.hostname);
  if (!stub) {
    stub = { calls: 0, answer: { status: 200, contentType: 'application/json', body: '{}' } };
    siteverifies.set(url.hostname, stub);
  }
  const route = `${request.method} ${url.pathname}`;
  if (route === 'POST /__control/answer') {
    stub.answer = await request.json();
    return new Response(null, { status: 204 });
  }
  if (route === 'GET /__control/count') return Response.json({ calls: stub.calls });
  stub.calls++;
  await request.text();
  const { status, contentType, body } = stub.answer;
  return new Response(body, { status, headers: { 'content-type': contentType } });
}
