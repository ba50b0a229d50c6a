// The Turnstile stand-in's Node host (sandbox/turnstile/server.mjs): the browser script at
// Cloudflare's path, the server routes behind it, and a siteverify outage as a dropped
// connection, over real HTTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SANDBOX_SITE } from '../../../sandbox/turnstile/api.mjs';
import { startTurnstileStandIn } from '../../../sandbox/turnstile/server.mjs';

let server;
before(async () => {
  server = await startTurnstileStandIn();
});
after(() => server.close());

test('serves the bundled browser script at /turnstile/v0/api.js', async () => {
  const response = await fetch(server.scriptUrl);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/javascript/);
  const code = await response.text();
  assert.match(code, /window\.turnstile = /);
  assert.doesNotMatch(code, /^\s*(import|export)\s/m, 'a classic script has no module syntax');
  assert.equal((await fetch(server.scriptUrl, { method: 'POST' })).status, 405);
});

test('knows the sandbox site: its token passes its siteverify once', async () => {
  const challenge = await fetch(`${server.url}/turnstile/v0/challenge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:8080' },
    body: JSON.stringify({
      sitekey: SANDBOX_SITE.sitekey,
      action: 'kaleyra-call',
      hostname: 'localhost',
    }),
  });
  assert.equal(challenge.headers.get('access-control-allow-origin'), 'http://localhost:8080');
  const { token } = await challenge.json();
  const verify = () =>
    fetch(server.siteverifyUrl, {
      method: 'POST',
      body: new URLSearchParams({ secret: SANDBOX_SITE.secret, response: token }),
    }).then((r) => r.json());
  const first = await verify();
  assert.match(first.challenge_ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(first, {
    success: true,
    'error-codes': [],
    challenge_ts: first.challenge_ts,
    hostname: 'localhost',
    action: 'kaleyra-call',
    cdata: '',
  });
  assert.deepEqual(await verify(), { success: false, 'error-codes': ['timeout-or-duplicate'] });
});

test('a siteverify outage drops the connection: the caller sees a network error', async () => {
  server.standIn.control.setSiteverify({ mode: 'outage', times: 1 });
  await assert.rejects(
    fetch(server.siteverifyUrl, {
      method: 'POST',
      body: new URLSearchParams({ secret: SANDBOX_SITE.secret, response: 'x' }),
    }),
    TypeError,
  );
  const after = await fetch(server.siteverifyUrl, {
    method: 'POST',
    body: new URLSearchParams({ secret: SANDBOX_SITE.secret, response: 'x' }),
  });
  assert.equal(after.status, 200);
});
