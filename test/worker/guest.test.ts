import { describe, expect, inject, it } from 'vitest';
import { configFor } from '../../worker/config';
import { issueGuestToken } from '../../worker/guest-token';
import { capturedLines } from './support/log-capture';
import {
  claims,
  GUEST_HEADER,
  guestClaims,
  signAsGuest,
  errorOf,
  guestSetup,
  hs256,
  ORIGIN,
  randomIp,
  recordingLimiter,
  RogueKaleyraHost,
  ScriptedSiteverify,
  setup,
  SITE_SECRET,
  TURNSTILE_SITE_KEY,
  unique,
  unsigned,
  type Setup,
  type TestBindings,
} from './support/harness';

const limits = inject('limits');
const GUEST_ID = /^guest_[a-z2-7]{26}$/;
const OFFER = { endpoint: '/v1/guest', challenge: 'turnstile', sitekey: TURNSTILE_SITE_KEY };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface GuestAnswer {
  access_token: string;
  expires_at: string;
  user_id: string;
  guest_token: string;
  guest_expires_at: string;
  [field: string]: string;
}

/** The log lines written while `run` ran. */
async function linesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const from = capturedLines.length;
  await run();
  return capturedLines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function lastLogLine(): Record<string, unknown> {
  return JSON.parse(capturedLines.at(-1) ?? '{}') as Record<string, unknown>;
}

/** A guest made the normal way: a solved challenge, POST /v1/guest. */
async function newGuest(t: Setup): Promise<GuestAnswer> {
  const res = await t.guest(await t.turnstile.solve());
  expect(res.status).toBe(200);
  return (await res.json()) as GuestAnswer;
}

/** No Kaleyra call of any kind: no user created, no token minted. */
async function expectKaleyraUntouched(t: Setup) {
  expect(await t.kaleyra.allCalls()).toEqual([]);
}

async function expectOffer(res: Response) {
  expect(res.status).toBe(401);
  expect(await errorOf(res)).toEqual({
    code: 'unauthenticated',
    message: expect.any(String),
    guest: OFFER,
  });
}

describe('GUEST_ACCESS=off (the default): nothing about guests exists', () => {
  for (const method of ['POST', 'OPTIONS', 'GET', 'DELETE']) {
    it(`${method} /v1/guest → 404 not_found`, async () => {
      const t = setup();
      const res = await t.fetch('/v1/guest', {
        method,
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        ...(method === 'POST' && { body: JSON.stringify({ turnstile: 'x' }) }),
      });
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toEqual({ code: 'not_found', message: expect.any(String) });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(await t.turnstile.siteverifyCalls()).toBe(0);
    });
  }

  it('a 401 carries no guest offer', async () => {
    const res = await setup().token();
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toEqual({ code: 'unauthenticated', message: expect.any(String) });
  });

  it('guest settings left unset or wrong do not matter while guests are off', async () => {
    const t = setup({
      GUEST_ACCESS: 'off',
      TURNSTILE_SITE_KEY: '',
      TURNSTILE_SECRET_KEY: undefined,
      GUEST_SECRET: 'short',
      GUEST_LIMITER: undefined as unknown as RateLimit,
    });
    const user = unique('off');
    await t.kaleyra.register(user);
    expect((await t.token({ bearer: await hs256(claims(user)) })).status).toBe(200);
  });
});

describe('GUEST_ACCESS=turnstile: every 401 of /v1/token carries the guest offer', () => {
  it('no credentials → 401 unauthenticated with {endpoint, challenge, sitekey}', async () => {
    const t = guestSetup();
    const res = await t.token();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    await expectOffer(res);
    await expectKaleyraUntouched(t);
  });

  it('an invalid or expired site JWT → 401 with the offer', async () => {
    const t = guestSetup();
    const now = Math.floor(Date.now() / 1000);
    await expectOffer(await t.token({ bearer: 'not-a-jwt' }));
    await expectOffer(
      await t.token({ bearer: await hs256(claims('u', { iat: now - 600, exp: now - 300 })) }),
    );
  });

  it('a signed-in user is still served as before', async () => {
    const t = guestSetup();
    const user = unique('site');
    await t.kaleyra.register(user);
    const res = await t.token({ bearer: await hs256(claims(user)) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at', 'user_id']);
    expect(body.user_id).toBe(user);
  });

  it('a site identity named guest_… is mapped, never a guest id', async () => {
    const t = guestSetup();
    const claim = `guest_${'a'.repeat(26)}`;
    const res = await t.token({ bearer: await hs256(claims(claim)) });
    // The mapped id is not registered: what matters is which id Kaleyra was asked for.
    expect(res.status).toBe(502);
    const [call] = await t.kaleyra.credentialCalls();
    expect(call?.user_id).toMatch(/^sha\.[a-z2-7]{26}$/);
  });

  it('other failures carry no offer', async () => {
    const t = guestSetup();
    const res = await t.token({ headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'origin_not_allowed', message: expect.any(String) });
  });
});

describe('POST /v1/guest with a passed challenge', () => {
  it('creates a basic Kaleyra user and answers the token, a guest token and its expiry', async () => {
    const t = guestSetup();
    const res = await t.guest(await t.turnstile.solve());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const body = (await res.json()) as GuestAnswer;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_at',
      'guest_expires_at',
      'guest_token',
      'user_id',
    ]);
    expect(body.user_id).toMatch(GUEST_ID);
    expect(body.access_token).toMatch(/^eyJ/);
    expect(body.guest_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const session = (Date.parse(body.guest_expires_at) - Date.now()) / 1000;
    expect(session).toBeGreaterThan(14400 - 60);
    expect(session).toBeLessThanOrEqual(14400);
    expect(new Date(body.guest_expires_at).toISOString()).toBe(body.guest_expires_at);

    const calls = await t.kaleyra.allCalls();
    expect(calls.map((c) => [c.method, c.path, c.apikey, c.status])).toEqual([
      ['POST', '/v2/users', 'valid', 201],
      ['POST', '/v2/sdk/credentials', 'valid', 200],
    ]);
    expect(calls[1]).toMatchObject({ user_id: body.user_id, expires_in: 1800 });
    expect(await t.kaleyra.users()).toEqual([
      expect.objectContaining({ id: body.user_id, role: 'basic' }),
    ]);
  });

  it('sends siteverify the secret, the token, the client IP and a fresh idempotency key', async () => {
    const t = guestSetup();
    await newGuest(t);
    await newGuest(t);
    const requests = await t.turnstile.requests();
    expect(requests).toEqual([
      expect.objectContaining({ secret: 'sandbox', response: 'present', remoteip: t.ip }),
      expect.objectContaining({ secret: 'sandbox', response: 'present', remoteip: t.ip }),
    ]);
    expect(requests[0]?.idempotency_key).toMatch(UUID);
    expect(requests[1]?.idempotency_key).toMatch(UUID);
    expect(requests[0]?.idempotency_key).not.toBe(requests[1]?.idempotency_key);
  });

  it('without a client IP, siteverify gets no remoteip', async () => {
    const t = guestSetup();
    expect((await t.guest(await t.turnstile.solve(), { ip: null })).status).toBe(200);
    const [request] = await t.turnstile.requests();
    expect(request?.remoteip).toBeUndefined();
  });

  it('a CF-Connecting-IP that is not one address: siteverify gets no remoteip, the limiter counts it as unknown', async () => {
    const { limiter: recording, keys } = recordingLimiter();
    const t = guestSetup({ GUEST_LIMITER: recording });
    const res = await t.guest(await t.turnstile.solve(), { ip: `203.0.113.7, ${randomIp()}` });
    expect(res.status).toBe(200);
    expect((await t.turnstile.requests())[0]?.remoteip).toBeUndefined();
    expect(keys).toEqual(['guest:unknown']);
  });

  it('every guest is a new user', async () => {
    const t = guestSetup();
    const a = await newGuest(t);
    const b = await newGuest(t);
    expect(a.user_id).not.toBe(b.user_id);
    expect((await t.kaleyra.users()).map((u) => u.id).sort()).toEqual(
      [a.user_id, b.user_id].sort(),
    );
  });

  it('guest ids carry USER_ID_PREFIX', async () => {
    const t = guestSetup({ USER_ID_PREFIX: 'acme-' });
    const body = await newGuest(t);
    expect(body.user_id).toMatch(/^acme-guest_[a-z2-7]{26}$/);
  });

  it('with KALEYRA_APP_ID the answer names the app too', async () => {
    const t = guestSetup({ KALEYRA_APP_ID: 'wAppId_guest' });
    const body = await newGuest(t);
    expect(body).toMatchObject({ app_id: 'wAppId_guest', region: 'eu', environment: 'sandbox' });
    expect(body.guest_token).toBeTruthy();
  });

  it('answers preflights from allowed origins only', async () => {
    const t = guestSetup();
    const ok = await t.fetch('/v1/guest', {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const evil = await t.fetch('/v1/guest', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses another origin before anything else', async () => {
    const t = guestSetup();
    const res = await t.guest(await t.turnstile.solve(), {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(await t.turnstile.siteverifyCalls()).toBe(0);
    await expectKaleyraUntouched(t);
  });

  it('other methods → 405 with Allow', async () => {
    const res = await guestSetup().fetch('/v1/guest', { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('logs one line: the outcome, the verdict, a user hash, and neither token', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve();
    let body: GuestAnswer | undefined;
    const lines = await linesOf(async () => {
      body = (await (await t.guest(token)).json()) as GuestAnswer;
    });
    expect(lines).toEqual([
      expect.objectContaining({
        route: '/v1/guest',
        status: 200,
        guest: 'created',
        turnstile: 'success',
        tokenSource: 'upstream',
        userHash: expect.stringMatching(/^[0-9a-f]{16}$/),
      }),
    ]);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token);
    expect(text).not.toContain(body!.guest_token);
    expect(text).not.toContain(body!.user_id);
  });
});

describe('GUEST_TOKEN_TTL_SECONDS and GUEST_SESSION_SECONDS', () => {
  const ttls: [string | undefined, number][] = [
    [undefined, 1800],
    ['600', 600],
    ['100', 360],
    ['999999', 86400],
    ['soon', 1800],
  ];
  for (const [raw, expected] of ttls) {
    it(`GUEST_TOKEN_TTL_SECONDS ${JSON.stringify(raw)} → Kaleyra is asked for ${expected}`, async () => {
      const t = guestSetup({ GUEST_TOKEN_TTL_SECONDS: raw });
      const body = await newGuest(t);
      const [call] = await t.kaleyra.credentialCalls();
      expect(call?.expires_in).toBe(expected);
      const lifetime = (Date.parse(body.expires_at) - Date.now()) / 1000;
      expect(lifetime).toBeGreaterThan(expected - 60);
      if (raw === 'soon')
        expect(String(lastLogLine().warning)).toContain('GUEST_TOKEN_TTL_SECONDS');
    });
  }

  const sessions: [string | undefined, number][] = [
    [undefined, 14400],
    ['3600', 3600],
    ['60', 300],
    ['9999999', 604800],
    ['-1', 14400],
  ];
  for (const [raw, expected] of sessions) {
    it(`GUEST_SESSION_SECONDS ${JSON.stringify(raw)} → the guest token lives ${expected} s`, async () => {
      const body = await newGuest(guestSetup({ GUEST_SESSION_SECONDS: raw }));
      const session = (Date.parse(body.guest_expires_at) - Date.now()) / 1000;
      expect(session).toBeGreaterThan(expected - 60);
      expect(session).toBeLessThanOrEqual(expected);
    });
  }

  it('site users keep TOKEN_TTL_SECONDS', async () => {
    const t = guestSetup({ TOKEN_TTL_SECONDS: '7200' });
    const user = unique('ttl');
    await t.kaleyra.register(user);
    await t.token({ bearer: await hs256(claims(user)) });
    const [call] = await t.kaleyra.credentialCalls();
    expect(call?.expires_in).toBe(7200);
  });
});

describe('a refused challenge → 403 challenge_failed, and Kaleyra is never called', () => {
  async function expectRefused(t: Setup, res: Response, verdict: string) {
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'challenge_failed', message: expect.any(String) });
    expect(lastLogLine()).toMatchObject({ guest: 'challenge_failed', turnstile: verdict });
    await expectKaleyraUntouched(t);
  }

  it('a replayed token: the first use passes, the second is refused; one user', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve();
    expect((await t.guest(token)).status).toBe(200);
    const replay = await t.guest(token, { ip: randomIp() });
    expect(replay.status).toBe(403);
    expect(await errorOf(replay)).toMatchObject({ code: 'challenge_failed' });
    expect(lastLogLine()).toMatchObject({ turnstile: 'timeout-or-duplicate' });
    expect(await t.kaleyra.users()).toHaveLength(1);
    expect(await t.kaleyra.credentialCalls()).toHaveLength(1);
  });

  it('an expired token (older than 300 s)', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve();
    await t.turnstile.clock(301_000);
    await expectRefused(t, await t.guest(token), 'timeout-or-duplicate');
  });

  it('a made-up token', async () => {
    const t = guestSetup();
    await expectRefused(t, await t.guest('0.bm90LWEtdG9rZW4.c2ln'), 'invalid-input-response');
  });

  it('a token solved on another hostname', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve({ hostname: 'evil.example' });
    await expectRefused(t, await t.guest(token), 'wrong_hostname');
  });

  it('a token solved on a host that only resembles an allowed one', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve({ hostname: `${new URL(ORIGIN).hostname}.evil.example` });
    await expectRefused(t, await t.guest(token), 'wrong_hostname');
  });

  it('a token solved for another action', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve({ action: 'login' });
    await expectRefused(t, await t.guest(token), 'wrong_action');
  });

  it('a token solved without an action', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve({ action: '' });
    await expectRefused(t, await t.guest(token), 'wrong_action');
  });

  it('a hostname of any allowed origin passes', async () => {
    const t = guestSetup({ ALLOWED_ORIGINS: `${ORIGIN},https://shop.example.org:8443` });
    expect((await t.guest(await t.turnstile.solve({ hostname: 'shop.example.org' }))).status).toBe(
      200,
    );
  });

  it('the visitor may try again with a new challenge', async () => {
    const t = guestSetup();
    expect((await t.guest('0.bm9wZQ.c2ln')).status).toBe(403);
    expect((await t.guest(await t.turnstile.solve())).status).toBe(200);
  });
});

describe('Turnstile cannot give a verdict → 503 unavailable, never a pass', () => {
  async function expectUnavailable(t: Setup, res: Response) {
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toEqual({ code: 'unavailable', message: expect.any(String) });
    expect(lastLogLine()).toMatchObject({ guest: 'challenge_unavailable', status: 503 });
    await expectKaleyraUntouched(t);
  }

  it('unreachable twice: one retry with the same idempotency key, then 503', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve();
    await t.turnstile.siteverify({ mode: 'outage', times: 2 });
    await expectUnavailable(t, await t.guest(token));
    expect(lastLogLine()).toMatchObject({ turnstile: 'network' });
    const requests = await t.turnstile.requests();
    expect(requests).toHaveLength(2);
    expect(requests[0]?.idempotency_key).toMatch(UUID);
    expect(requests[1]?.idempotency_key).toBe(requests[0]?.idempotency_key);
  });

  it('unreachable once: the retry with the same key passes', async () => {
    const t = guestSetup();
    await t.turnstile.siteverify({ mode: 'outage', times: 1 });
    const res = await t.guest(await t.turnstile.solve());
    expect(res.status).toBe(200);
    expect(await t.turnstile.siteverifyCalls()).toBe(2);
  });

  it('internal-error (twice) → 503', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve();
    await t.turnstile.siteverify({ mode: 'internal-error', times: 2 });
    await expectUnavailable(t, await t.guest(token));
    expect(lastLogLine()).toMatchObject({ turnstile: 'internal-error' });
  });

  it('internal-error once, then a verdict on the retry', async () => {
    const t = guestSetup();
    await t.turnstile.siteverify({ mode: 'internal-error', times: 1 });
    expect((await t.guest(await t.turnstile.solve())).status).toBe(200);
  });

  it('an HTML error page (502) → 503', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve();
    await t.turnstile.siteverify({ mode: 'outage', status: 502, times: 2 });
    await expectUnavailable(t, await t.guest(token));
    expect(lastLogLine()).toMatchObject({ turnstile: 'http_502' });
  });

  it('no answer within 5 s → 503, not a pass', async () => {
    const t = guestSetup();
    const token = await t.turnstile.solve();
    await t.turnstile.siteverify({ mode: 'slow', ms: 20_000 });
    const started = Date.now();
    await expectUnavailable(t, await t.guest(token));
    expect(lastLogLine()).toMatchObject({ turnstile: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    expect(Date.now() - started).toBeLessThan(9000);
  }, 20_000);

  const odd: [string, number, string, string][] = [
    ['a 200 that is not JSON', 200, 'text/html', '<h1>Welcome</h1>'],
    ['JSON that is not an object', 200, 'application/json', '"ok"'],
    ['success that is not a boolean', 200, 'application/json', '{"success":"true"}'],
  ];
  for (const [label, status, type, body] of odd) {
    it(`${label} → 503`, async () => {
      const stub = new ScriptedSiteverify();
      await stub.answer(status, body, type);
      const t = guestSetup({ TURNSTILE_VERIFY_URL: stub.verifyUrl });
      await expectUnavailable(t, await t.guest('any-token-value'));
      expect(lastLogLine()).toMatchObject({ turnstile: 'invalid_answer' });
      expect(await stub.calls()).toBe(2);
    });
  }

  it('an unknown error code is a refusal, logged as "other"', async () => {
    const stub = new ScriptedSiteverify();
    await stub.answer(200, '{"success":false,"error-codes":["secret-sauce"]}');
    const t = guestSetup({ TURNSTILE_VERIFY_URL: stub.verifyUrl });
    const res = await t.guest('any-token-value');
    expect(res.status).toBe(403);
    expect(lastLogLine()).toMatchObject({ turnstile: 'other' });
    expect(JSON.stringify(lastLogLine())).not.toContain('secret-sauce');
  });

  it('a secret Turnstile does not know → 500 internal; the log names TURNSTILE_SECRET_KEY', async () => {
    const t = guestSetup({ TURNSTILE_SECRET_KEY: '0x4AAAAAAAWrongSecret000000000000000' });
    const res = await t.guest(await t.turnstile.solve());
    expect(res.status).toBe(500);
    expect(await errorOf(res)).toEqual({ code: 'internal', message: expect.any(String) });
    expect(String(lastLogLine().problem)).toContain('TURNSTILE_SECRET_KEY');
    expect(lastLogLine().turnstile).toBe('invalid-input-secret');
    await expectKaleyraUntouched(t);
  });
});

describe('the body is exactly {"turnstile": "<token>"}', () => {
  const bad: [string, string][] = [
    ['empty', ''],
    ['{}', '{}'],
    ['another field too', '{"turnstile":"abc","user_id":"victim"}'],
    ['a user id instead', '{"user_id":"victim"}'],
    ['a number', '{"turnstile":42}'],
    ['null', '{"turnstile":null}'],
    ['an empty token', '{"turnstile":""}'],
    ['a token over 2048 characters', JSON.stringify({ turnstile: 'x'.repeat(2049) })],
    ['an array', '["abc"]'],
    ['not JSON', 'turnstile=abc'],
    ['the token twice', '{"turnstile":"abc","turnstile":"abd"}'],
    ['the token twice, once spelled with escapes', '{"turnstile":"abc","\\u0074urnstile":"abd"}'],
    ['a lone surrogate in the token', '{"turnstile":"abc\\udc00"}'],
    ['a huge number', '{"turnstile":1e400}'],
    ['deep nesting', `${'{"turnstile":'.repeat(250)}"abc"${'}'.repeat(250)}`],
    ['a byte order mark first', '\ufeff{"turnstile":"abc"}'],
  ];
  for (const [label, body] of bad) {
    it(`${label} → 400 bad_request, no siteverify call`, async () => {
      const t = guestSetup();
      const res = await t.guest('', { body });
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toEqual({ code: 'bad_request', message: expect.any(String) });
      expect(await t.turnstile.siteverifyCalls()).toBe(0);
      await expectKaleyraUntouched(t);
    });
  }

  it('a duplicated "turnstile" is refused before Turnstile, even when the last one is a passed challenge', async () => {
    const t = guestSetup();
    const solved = await t.turnstile.solve();
    for (const name of ['turnstile', '\\u0074urnstile', '\\u0074\\u0075rnstile']) {
      const res = await t.guest('', { body: `{"turnstile":"made-up","${name}":"${solved}"}` });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toMatch(/more than once/);
    }
    expect(await t.turnstile.siteverifyCalls()).toBe(0);
    await expectKaleyraUntouched(t);
    // The same challenge, sent once, still passes: nothing was spent on the refused bodies.
    expect((await t.guest(solved)).status).toBe(200);
  });

  it('a token spelled with escapes is the same token', async () => {
    const t = guestSetup();
    const solved = await t.turnstile.solve();
    const escaped = [...solved].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const res = await t.guest('', { body: `{"\\u0074urnstile":"${escaped.join('')}"}` });
    expect(res.status).toBe(200);
  });

  it('bytes that are not UTF-8 in the token → 400, no siteverify call', async () => {
    const t = guestSetup();
    const body = new Uint8Array([
      ...new TextEncoder().encode('{"turnstile":"ab'),
      0xff,
      0x22,
      0x7d,
    ]);
    const res = await t.guest('', { body });
    expect(res.status).toBe(400);
    expect(await t.turnstile.siteverifyCalls()).toBe(0);
  });

  it('a 2048-character token is read (and refused by Turnstile)', async () => {
    const t = guestSetup();
    const res = await t.guest('x'.repeat(2048));
    expect(res.status).toBe(403);
    expect(await t.turnstile.siteverifyCalls()).toBe(1);
  });

  it('not JSON → 415; over 4 KiB → 413', async () => {
    const t = guestSetup();
    const form = await t.guest('', {
      headers: { 'content-type': 'text/plain' },
      body: '{"turnstile":"abc"}',
    });
    expect(form.status).toBe(415);
    const big = await t.guest('', { body: JSON.stringify({ turnstile: 'x'.repeat(5000) }) });
    expect(big.status).toBe(413);
    expect(await t.turnstile.siteverifyCalls()).toBe(0);
  });
});

describe('the guest limiter (GUEST_LIMITER, per client IP)', () => {
  it(`counts every POST, before the challenge: ${limits.guest} per ${limits.period} s, then 429`, async () => {
    const t = guestSetup();
    let accepted = 0;
    let res: Response | undefined;
    for (; accepted <= 2 * limits.guest; accepted++) {
      // A body that never reaches siteverify still counts.
      res = await t.guest('', { body: '{}' });
      if (res.status === 429) break;
      expect(res.status).toBe(400);
    }
    expect(accepted).toBeGreaterThanOrEqual(limits.guest);
    expect(res?.status).toBe(429);
    expect(res?.headers.get('retry-after')).toBe(String(limits.period));
    expect(await errorOf(res!)).toEqual({ code: 'rate_limited', message: expect.any(String) });

    // Now a solved challenge from that IP is refused without being checked.
    const limited = await t.guest(await t.turnstile.solve());
    expect(limited.status).toBe(429);
    expect(await t.turnstile.siteverifyCalls()).toBe(0);
    await expectKaleyraUntouched(t);
    // Another client is not affected.
    expect((await t.guest(await t.turnstile.solve(), { ip: randomIp() })).status).toBe(200);
  });
});

describe('creating the guest in Kaleyra', () => {
  async function withRogue(...answers: Parameters<RogueKaleyraHost['userAnswers']>) {
    const rogue = new RogueKaleyraHost();
    await rogue.userAnswers(...answers);
    const t = guestSetup({ KALEYRA_API_BASE: rogue.base, TOKEN_CACHE: 'off' });
    const res = await t.guest(await t.turnstile.solve());
    return { res, rogue, sent: await rogue.sent() };
  }

  it('asks for exactly {id, role: "basic"}', async () => {
    const { res, sent } = await withRogue();
    expect(res.status).toBe(200);
    const body = (await res.json()) as GuestAnswer;
    expect(sent.users).toEqual([{ id: body.user_id, role: 'basic' }]);
    expect(sent.calls).toBe(1);
  });

  it('"already exists" (409) counts as success', async () => {
    const { res, sent } = await withRogue({ status: 409 });
    expect(res.status).toBe(200);
    expect(lastLogLine()).toMatchObject({ guest: 'existing' });
    expect(sent.calls).toBe(1);
  });

  it('a 503 once: retried with the same id, then served', async () => {
    const { res, sent } = await withRogue({ status: 503 });
    expect(res.status).toBe(200);
    expect(sent.users).toHaveLength(2);
    expect(sent.users[1]).toEqual(sent.users[0]);
  });

  it('a 500 twice → 502 upstream_error, no token minted', async () => {
    const { res, sent } = await withRogue({ status: 500 }, { status: 500 });
    expect(res.status).toBe(502);
    expect(await errorOf(res)).toEqual({ code: 'upstream_error', message: expect.any(String) });
    expect(lastLogLine()).toMatchObject({
      guest: 'user_not_created',
      upstreamStatus: 500,
      upstreamAttempts: 2,
    });
    expect(sent.calls).toBe(0);
  });

  it('a 400 → 502 at once, never Kaleyra’s text', async () => {
    const { res, sent } = await withRogue({ status: 400 });
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain('rogue Kaleyra');
    expect(sent.users).toHaveLength(1);
  });

  it('a 429 → 503 with Kaleyra’s Retry-After', async () => {
    const { res } = await withRogue({ status: 429, retryAfter: 7 });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('a dropped connection twice → 502', async () => {
    const { res, sent } = await withRogue({ disconnect: true }, { disconnect: true });
    expect(res.status).toBe(502);
    expect(sent.users).toHaveLength(2);
  });

  it('no answer within 5 s → 504 upstream_timeout', async () => {
    const { res } = await withRogue({ hang: true });
    expect(res.status).toBe(504);
    expect(await errorOf(res)).toEqual({ code: 'upstream_timeout', message: expect.any(String) });
  }, 20_000);

  it('a mint that fails after the user was created → 502 (the next challenge makes a new guest)', async () => {
    const t = guestSetup();
    await t.kaleyra.faults({ kind: 'status', status: 500, times: 2 });
    const res = await t.guest(await t.turnstile.solve());
    expect(res.status).toBe(502);
    expect(await t.kaleyra.users()).toHaveLength(1);
  });
});

describe('the guest token on POST /v1/token', () => {
  it('authenticates as that guest, creates no user, and renews the guest token', async () => {
    const t = guestSetup({ TOKEN_CACHE: 'off' });
    const first = await newGuest(t);
    const res = await t.token({ bearer: first.guest_token });
    expect(res.status).toBe(200);
    const body = (await res.json()) as GuestAnswer;
    expect(Object.keys(body).sort()).toEqual([
      'access_token',
      'expires_at',
      'guest_expires_at',
      'guest_token',
      'user_id',
    ]);
    expect(body.user_id).toBe(first.user_id);
    expect(Date.parse(body.guest_expires_at)).toBeGreaterThanOrEqual(
      Date.parse(first.guest_expires_at),
    );
    expect(await t.kaleyra.users()).toHaveLength(1);
    const credentials = await t.kaleyra.credentialCalls();
    expect(credentials.map((c) => [c.user_id, c.expires_in])).toEqual([
      [first.user_id, 1800],
      [first.user_id, 1800],
    ]);
    // The renewed token works the same way.
    const again = await t.token({ bearer: body.guest_token });
    expect(((await again.json()) as GuestAnswer).user_id).toBe(first.user_id);
    expect(lastLogLine()).toMatchObject({ guest: 'renewed', status: 200 });
    expect(await t.turnstile.siteverifyCalls()).toBe(1);
  });

  it('is refused when it has expired: 401 with the offer', async () => {
    const t = guestSetup();
    const guest = configFor(t.env);
    if (guest instanceof Error || !guest.guest) throw new Error('no guest config');
    const { token } = await issueGuestToken(
      { ...guest.guest, sessionSeconds: -60 },
      `guest_${'a'.repeat(26)}`,
    );
    await expectOffer(await t.token({ bearer: token }));
    expect(lastLogLine()).toMatchObject({ reason: 'ERR_JWT_EXPIRED', guest: 'token_refused' });
    await expectKaleyraUntouched(t);
  });

  it('a forged guest token (another key, or none) → 401 with the offer', async () => {
    const t = guestSetup();
    const payload = guestClaims(`guest_${'b'.repeat(26)}`);
    const forged = await signAsGuest(payload, 'an-attacker-secret-long-enough-0000000');
    await expectOffer(await t.token({ bearer: forged }));
    expect(lastLogLine()).toMatchObject({ reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    const none = unsigned(payload, GUEST_HEADER.typ);
    await expectOffer(await t.token({ bearer: none }));
    await expectKaleyraUntouched(t);
  });

  it('a token signed with GUEST_SECRET itself (not the derived key) is refused', async () => {
    const t = guestSetup();
    const token = await signAsGuest(
      guestClaims(`guest_${'c'.repeat(26)}`),
      t.env.GUEST_SECRET as string,
    );
    await expectOffer(await t.token({ bearer: token }));
    await expectKaleyraUntouched(t);
  });

  it('a guest token of another USER_ID_PREFIX is refused', async () => {
    const t = guestSetup({ USER_ID_PREFIX: 'acme-' });
    const guest = await newGuest(t);
    const other = guestSetup({ USER_ID_PREFIX: 'shop-' });
    await expectOffer(await other.token({ bearer: guest.guest_token }));
    expect(lastLogLine()).toMatchObject({ reason: 'guest_token_subject' });
  });

  it('a site JWT dressed as a guest token, signed with the same secret, fails', async () => {
    // The worst case: one value for both secrets, and a site token that copies every guest claim.
    const shared = 'one-secret-for-both-kinds-of-token-0123456789';
    const t = guestSetup({ SITE_JWT_SECRET: shared, GUEST_SECRET: shared });
    const token = await signAsGuest(guestClaims(`guest_${'d'.repeat(26)}`), shared);
    await expectOffer(await t.token({ bearer: token }));
    expect(lastLogLine()).toMatchObject({ reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    await expectKaleyraUntouched(t);
  });

  it('a guest token can never be a site JWT, even with the same secret and claims', async () => {
    const shared = 'one-secret-for-both-kinds-of-token-0123456789';
    const guests = guestSetup({ SITE_JWT_SECRET: shared, GUEST_SECRET: shared });
    const { guest_token } = await newGuest(guests);
    // A deployment without guests whose site JWTs would have the guest token's issuer and audience.
    const site = setup({
      SITE_JWT_SECRET: shared,
      GUEST_SECRET: shared,
      SITE_JWT_ISSUER: 'kaleyra-call-worker',
      SITE_JWT_AUDIENCE: 'kaleyra-call-guest',
    });
    const res = await site.token({ bearer: guest_token });
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toEqual({ code: 'unauthenticated', message: expect.any(String) });
    expect(lastLogLine()).toMatchObject({ reason: 'guest_token_as_site_jwt' });
    await expectKaleyraUntouched(site);
  });

  it('a guest token in the site cookie is not a guest credential', async () => {
    const t = guestSetup({ SITE_JWT_COOKIE: 'site_jwt' });
    const { guest_token } = await newGuest(t);
    const res = await t.token({ headers: { cookie: `site_jwt=${guest_token}` } });
    await expectOffer(res);
    expect(lastLogLine()).toMatchObject({ reason: 'guest_token_as_site_jwt' });
  });

  it('works in AUTH_MODE=access, where guests have no Access session', async () => {
    const t = guestSetup({
      AUTH_MODE: 'access',
      SITE_JWT_ISSUER: 'https://team.cloudflareaccess.com',
      SITE_JWKS_JSON: JSON.stringify({
        keys: [
          {
            kty: 'EC',
            crv: 'P-256',
            x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
            y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
          },
        ],
      }),
    });
    const guest = await newGuest(t);
    const res = await t.token({ bearer: guest.guest_token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as GuestAnswer).user_id).toBe(guest.user_id);
    await expectOffer(await t.token());
  });

  it('guest requests pass the per-user limiter', async () => {
    const t = guestSetup();
    const guest = await newGuest(t);
    let status = 200;
    for (let i = 0; i <= 2 * limits.user && status !== 429; i++) {
      status = (
        await t.token({ bearer: guest.guest_token, headers: { 'cf-connecting-ip': randomIp() } })
      ).status;
    }
    expect(status).toBe(429);
  }, 60_000);
});

describe('guest configuration (GUEST_ACCESS=turnstile) → 500 internal, the log names it', () => {
  const cases: [string, string, Partial<TestBindings>][] = [
    ['GUEST_ACCESS neither off nor turnstile', 'GUEST_ACCESS', { GUEST_ACCESS: 'on' }],
    ['no site key', 'TURNSTILE_SITE_KEY', { TURNSTILE_SITE_KEY: undefined }],
    ['a site key with a space', 'TURNSTILE_SITE_KEY', { TURNSTILE_SITE_KEY: 'a b' }],
    ['no Turnstile secret', 'TURNSTILE_SECRET_KEY', { TURNSTILE_SECRET_KEY: '  ' }],
    ['no guest secret', 'GUEST_SECRET', { GUEST_SECRET: undefined }],
    ['a short guest secret', 'GUEST_SECRET', { GUEST_SECRET: 'x'.repeat(31) }],
    [
      'a verify URL over http',
      'TURNSTILE_VERIFY_URL',
      { TURNSTILE_VERIFY_URL: 'http://verify.example.com/siteverify' },
    ],
    ['a verify URL that is no URL', 'TURNSTILE_VERIFY_URL', { TURNSTILE_VERIFY_URL: 'siteverify' }],
    ['no guest limiter', 'GUEST_LIMITER', { GUEST_LIMITER: undefined as unknown as RateLimit }],
  ];
  for (const [label, setting, overrides] of cases) {
    it(`${label}: both routes answer 500, naming ${setting} in the log only`, async () => {
      const t = guestSetup(overrides);
      for (const res of [await t.token(), await t.guest('abc')]) {
        expect(res.status).toBe(500);
        const error = await errorOf(res);
        expect(error).toEqual({ code: 'internal', message: expect.any(String) });
        expect(error.message).not.toMatch(/GUEST|TURNSTILE/);
        expect(String(lastLogLine().problem)).toContain(setting);
      }
      expect(await t.turnstile.siteverifyCalls()).toBe(0);
      await expectKaleyraUntouched(t);
    });
  }

  it('TURNSTILE_VERIFY_URL defaults to Cloudflare’s siteverify', async () => {
    const config = configFor(guestSetup({ TURNSTILE_VERIFY_URL: undefined }).env);
    if (config instanceof Error) throw config;
    expect(config.guest?.verifyUrl).toBe(
      'https://challenges.cloudflare.com/turnstile/v0/siteverify',
    );
  });

  it('the secrets never reach a body or a log line', async () => {
    const t = guestSetup();
    const lines = await linesOf(async () => {
      const texts = [
        await (await t.token()).text(),
        await (await t.guest(await t.turnstile.solve())).text(),
      ];
      for (const text of texts) {
        expect(text).not.toContain(t.env.TURNSTILE_SECRET_KEY);
        expect(text).not.toContain(t.env.GUEST_SECRET);
      }
    });
    expect(JSON.stringify(lines)).not.toContain(t.env.GUEST_SECRET);
    expect(JSON.stringify(lines)).not.toContain(SITE_SECRET);
  });
});
