/**
 * The worker tests' "internet": every fetch made inside the test isolate (the
 * worker's calls to Kaleyra and to JWKS URLs, and the tests' own control calls)
 * is routed here by Miniflare's `outboundService`, so the worker's real fetch
 * path runs unchanged.
 *
 *   <name>.kaleyra.test   a fresh Kaleyra REST emulator per host name, so each
 *                         test has its own users, faults and call log
 *   <host>.bandyer.com    the same, for the real Kaleyra host names, so tests can
 *                         see which host a default configuration calls
 *   <name>.idp.test       an identity provider's JWKS endpoint:
 *                           PUT  /jwks.json        store the key set to serve
 *                           GET  /jwks.json        serve it (counted); also at
 *                                /cdn-cgi/access/certs, like Cloudflare Access
 *                           POST /__control/mode   {mode: "ok" | "down" | "hang"}
 *                           GET  /__control/count  {fetches}
 *   anything else         502, so a stray call fails loudly
 */
import { createKaleyraEmulator } from '../../../demo/sandbox/kaleyra-api.mjs';

const emulators = new Map();
const idps = new Map();

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.hostname.endsWith('.kaleyra.test') || url.hostname.endsWith('.bandyer.com')) {
      let emulator = emulators.get(url.hostname);
      if (!emulator) {
        emulator = createKaleyraEmulator({
          apiKey: env.KALEYRA_API_KEY,
          signingSecret: env.KALEYRA_SIGNING_SECRET,
        });
        emulators.set(url.hostname, emulator);
      }
      return emulator.fetch(request);
    }
    if (url.hostname.endsWith('.idp.test')) return identityProvider(request, url);
    return new Response(`test outbound: no route to ${url.hostname}`, { status: 502 });
  },
};

async function identityProvider(request, url) {
  let idp = idps.get(url.hostname);
  if (!idp) {
    idp = { jwks: null, fetches: 0, mode: 'ok' };
    idps.set(url.hostname, idp);
  }
  const route = `${request.method} ${url.pathname}`;
  if (route === 'PUT /jwks.json') {
    idp.jwks = await request.text();
    return new Response(null, { status: 204 });
  }
  if (route === 'POST /__control/mode') {
    idp.mode = (await request.json()).mode;
    return new Response(null, { status: 204 });
  }
  if (route === 'GET /__control/count') return Response.json({ fetches: idp.fetches });
  if (route === 'GET /jwks.json' || route === 'GET /cdn-cgi/access/certs') {
    idp.fetches++;
    if (idp.mode === 'hang') await new Promise((resolve) => setTimeout(resolve, 10_000));
    if (idp.mode !== 'ok' || idp.jwks === null) return new Response('unavailable', { status: 503 });
    return new Response(idp.jwks, { headers: { 'content-type': 'application/json' } });
  }
  return new Response('not found', { status: 404 });
}
