import { describe, expect, it, vi } from 'vitest';
import {
  createTurnstileStandIn,
  DUMMY_TOKEN,
  SANDBOX_SITE,
  TOKEN_TTL_MS,
  TurnstileDisconnect,
  type TurnstileStandIn,
} from '../../../sandbox/turnstile/api.mjs';

/**
 * The Turnstile stand-in's server (sandbox/turnstile/api.mjs), run inside workerd as the
 * worker tests' outbound service runs it: siteverify as Cloudflare answers it, the widget's
 * challenge route, and the control API. Its clock is the test's.
 */
const ORIGIN = 'https://challenges.cloudflare.com';
const PASS_SECRET = '1x0000000000000000000000000000000AA';
const FAIL_SECRET = '2x0000000000000000000000000000000AA';
const SPENT_SECRET = '3x0000000000000000000000000000000AA';
const OTHER_SITE = {
  sitekey: '0x4AAAAAAAOtherSite00001',
  secret: '0x4AAAAAAAOtherSiteSecret0000000001',
};

type Verdict = {
  success: boolean;
  'error-codes': string[];
  challenge_ts?: string;
  hostname?: string;
  action?: string;
  cdata?: string;
  metadata?: Record<string, unknown>;
};

// A real timer, captured before a test hands setTimeout to vi's fake clock.
const realSetTimeout = globalThis.setTimeout;

/** Resolves once `check()` holds, polling on real timers (vitest's timeout bounds it). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => realSetTimeout(resolve, 0));
}

function setup(options: { domains?: string[] } = {}) {
  let time = Date.parse('2026-05-01T10:00:00.000Z');
  const standIn = createTurnstileStandIn({
    sites: [{ ...SANDBOX_SITE, domains: options.domains }, OTHER_SITE],
    now: () => time,
  });
  return {
    standIn,
    advance: (ms: number) => (time += ms),
    now: () => time,
  };
}

function post(standIn: TurnstileStandIn, path: string, body: BodyInit, type?: string) {
  const headers = new Headers();
  if (type) headers.set('content-type', type);
  return standIn.fetch(new Request(`${ORIGIN}${path}`, { method: 'POST', headers, body }));
}

async function siteverify(standIn: TurnstileStandIn, fields: Record<string, string>) {
  const response = await post(
    standIn,
    '/turnstile/v0/siteverify',
    new URLSearchParams(fields).toString(),
    'application/x-www-form-urlencoded',
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Verdict;
}

async function challenge(standIn: TurnstileStandIn, body: Record<string, unknown>) {
  const response = await post(
    standIn,
    '/turnstile/v0/challenge',
    JSON.stringify(body),
    'application/json',
  );
  expect(response.status).toBe(200);
  return (await response.json()) as {
    token?: string;
    interactive?: boolean;
    error?: string;
    mode?: string;
  };
}

async function sandboxToken(standIn: TurnstileStandIn, fields: Record<string, unknown> = {}) {
  const answer = await challenge(standIn, {
    sitekey: SANDBOX_SITE.sitekey,
    action: 'kaleyra-call',
    hostname: 'localhost',
    ...fields,
  });
  expect(answer.token).toEqual(expect.any(String));
  return answer.token!;
}

describe('Turnstile stand-in: siteverify validation', () => {
  it('reports a missing secret and a missing response together', async () => {
    const { standIn } = setup();
    expect(await siteverify(standIn, {})).toEqual({
      success: false,
      'error-codes': ['missing-input-secret', 'missing-input-response'],
    });
    expect(await siteverify(standIn, { secret: SANDBOX_SITE.secret })).toEqual({
      success: false,
      'error-codes': ['missing-input-response'],
    });
  });

  it('refuses an unknown secret', async () => {
    const { standIn } = setup();
    const token = await sandboxToken(standIn);
    expect(
      (
        await siteverify(standIn, {
          secret: '0x4AAAAAAAWrongSecret00000000000000',
          response: token,
        })
      )['error-codes'],
    ).toEqual(['invalid-input-secret']);
  });

  it('refuses a response longer than 2048 characters, and one it did not mint', async () => {
    const { standIn } = setup();
    for (const response of [
      'x'.repeat(2049),
      'not-a-token',
      `0.${'a'.repeat(40)}.${'b'.repeat(43)}`,
    ]) {
      expect(
        (await siteverify(standIn, { secret: SANDBOX_SITE.secret, response }))['error-codes'],
      ).toEqual(['invalid-input-response']);
    }
  });

  it('refuses a token whose payload was altered, or minted by another stand-in', async () => {
    const { standIn } = setup();
    const token = await sandboxToken(standIn);
    const [zero, payload, signature] = token.split('.');
    const claims = JSON.parse(atob(payload!.replaceAll('-', '+').replaceAll('_', '/')));
    const forged = btoa(JSON.stringify({ ...claims, h: 'evil.example' }))
      .replaceAll('+', '-')
      .replaceAll('/', '_')
      .replace(/=+$/, '');
    expect(
      (
        await siteverify(standIn, {
          secret: SANDBOX_SITE.secret,
          response: `${zero}.${forged}.${signature}`,
        })
      )['error-codes'],
    ).toEqual(['invalid-input-response']);
    const elsewhere = await sandboxToken(setup().standIn);
    expect(
      (await siteverify(standIn, { secret: SANDBOX_SITE.secret, response: elsewhere }))[
        'error-codes'
      ],
    ).toEqual(['invalid-input-response']);
  });

  it('refuses another site’s token (a secret verifies only its own site’s tokens)', async () => {
    const { standIn } = setup();
    const token = await sandboxToken(standIn);
    expect(
      (await siteverify(standIn, { secret: OTHER_SITE.secret, response: token }))['error-codes'],
    ).toEqual(['invalid-input-response']);
  });

  it('takes JSON and multipart bodies too; anything else is bad-request', async () => {
    const { standIn } = setup();
    const json = await post(
      standIn,
      '/turnstile/v0/siteverify',
      JSON.stringify({ secret: SANDBOX_SITE.secret, response: await sandboxToken(standIn) }),
      'application/json',
    );
    expect(((await json.json()) as Verdict).success).toBe(true);
    const form = new FormData();
    form.set('secret', SANDBOX_SITE.secret);
    form.set('response', await sandboxToken(standIn));
    const multipart = await standIn.fetch(
      new Request(`${ORIGIN}/turnstile/v0/siteverify`, { method: 'POST', body: form }),
    );
    expect(((await multipart.json()) as Verdict).success).toBe(true);

    for (const [body, type] of [
      ['secret=x&response=y', 'text/plain'],
      ['secret=x&response=y', undefined],
      ['["x"]', 'application/json'],
      ['{"secret":', 'application/json'],
    ] as const) {
      const response = await post(standIn, '/turnstile/v0/siteverify', body, type);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ success: false, 'error-codes': ['bad-request'] });
    }
  });

  it('answers another method with 405 bad-request, and has no CORS', async () => {
    const { standIn } = setup();
    const get = await standIn.fetch(new Request(`${ORIGIN}/turnstile/v0/siteverify`));
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual({ success: false, 'error-codes': ['bad-request'] });
    const preflight = await standIn.fetch(
      new Request(`${ORIGIN}/turnstile/v0/siteverify`, {
        method: 'OPTIONS',
        headers: { origin: 'https://site.test', 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an idempotency_key that is not a UUID', async () => {
    const { standIn } = setup();
    const verdict = await siteverify(standIn, {
      secret: SANDBOX_SITE.secret,
      response: await sandboxToken(standIn),
      idempotency_key: 'retry-1',
    });
    expect(verdict['error-codes']).toEqual(['bad-request']);
  });
});

describe('Turnstile stand-in: test secrets', () => {
  it('the pass secret accepts the dummy token, with the testing-key answer', async () => {
    const { standIn, now } = setup();
    expect(await siteverify(standIn, { secret: PASS_SECRET, response: DUMMY_TOKEN })).toEqual({
      success: true,
      'error-codes': [],
      challenge_ts: new Date(now()).toISOString(),
      hostname: 'example.com',
      action: '',
      cdata: '',
      metadata: { result_with_testing_key: true },
    });
  });

  it('the pass secret refuses a real token', async () => {
    const { standIn } = setup();
    const verdict = await siteverify(standIn, {
      secret: PASS_SECRET,
      response: await sandboxToken(standIn),
    });
    expect(verdict).toEqual({ success: false, 'error-codes': ['invalid-input-response'] });
  });

  it('the fail secret always fails; the spent secret says timeout-or-duplicate', async () => {
    const { standIn } = setup();
    expect(await siteverify(standIn, { secret: FAIL_SECRET, response: DUMMY_TOKEN })).toEqual({
      success: false,
      'error-codes': ['invalid-input-response'],
    });
    expect(await siteverify(standIn, { secret: SPENT_SECRET, response: DUMMY_TOKEN })).toEqual({
      success: false,
      'error-codes': ['timeout-or-duplicate'],
    });
  });

  it('the dummy token does not pass a sandbox secret', async () => {
    const { standIn } = setup();
    expect(
      (await siteverify(standIn, { secret: SANDBOX_SITE.secret, response: DUMMY_TOKEN }))[
        'error-codes'
      ],
    ).toEqual(['invalid-input-response']);
  });
});

describe('Turnstile stand-in: sandbox tokens', () => {
  it('echo the challenge’s hostname, action, cData and time, once', async () => {
    const { standIn, now, advance } = setup();
    const solvedAt = now();
    const token = await sandboxToken(standIn, { cData: 'page_7', hostname: 'clinic.example' });
    advance(5_000);
    const fields = { secret: SANDBOX_SITE.secret, response: token, remoteip: '203.0.113.9' };
    expect(await siteverify(standIn, fields)).toEqual({
      success: true,
      'error-codes': [],
      challenge_ts: new Date(solvedAt).toISOString(),
      hostname: 'clinic.example',
      action: 'kaleyra-call',
      cdata: 'page_7',
    });
    expect(await siteverify(standIn, fields)).toEqual({
      success: false,
      'error-codes': ['timeout-or-duplicate'],
    });
  });

  it('expire 300 s after the challenge', async () => {
    const { standIn, advance } = setup();
    const onTime = await sandboxToken(standIn);
    const late = await sandboxToken(standIn);
    advance(TOKEN_TTL_MS);
    expect(
      (await siteverify(standIn, { secret: SANDBOX_SITE.secret, response: onTime })).success,
    ).toBe(true);
    advance(1);
    expect(await siteverify(standIn, { secret: SANDBOX_SITE.secret, response: late })).toEqual({
      success: false,
      'error-codes': ['timeout-or-duplicate'],
    });
  });

  it('a retry with the same idempotency_key gets the same success again', async () => {
    const { standIn, advance } = setup();
    const token = await sandboxToken(standIn);
    const key = crypto.randomUUID();
    const fields = { secret: SANDBOX_SITE.secret, response: token, idempotency_key: key };
    const first = await siteverify(standIn, fields);
    expect(first.success).toBe(true);
    advance(1_000);
    expect(await siteverify(standIn, fields)).toEqual(first);
    // Another key is another redemption: the token is spent.
    expect(
      (await siteverify(standIn, { ...fields, idempotency_key: crypto.randomUUID() }))[
        'error-codes'
      ],
    ).toEqual(['timeout-or-duplicate']);
    // The same key with another token is judged on its own.
    const other = await sandboxToken(standIn, { action: 'other' });
    expect(await siteverify(standIn, { ...fields, response: other })).toMatchObject({
      success: true,
      action: 'other',
    });
    // Once the token has expired, the replay ends too.
    advance(TOKEN_TTL_MS);
    expect((await siteverify(standIn, fields))['error-codes']).toEqual(['timeout-or-duplicate']);
  });

  it('can be minted by the control API, e.g. for another hostname or an older challenge', async () => {
    const { standIn, now } = setup();
    const old = await standIn.control.mint({
      sitekey: SANDBOX_SITE.sitekey,
      action: 'kaleyra-call',
      hostname: 'elsewhere.example',
      challengeTs: now() - TOKEN_TTL_MS - 1,
    });
    expect(
      (await siteverify(standIn, { secret: SANDBOX_SITE.secret, response: old }))['error-codes'],
    ).toEqual(['timeout-or-duplicate']);
    const other = await standIn.control.mint({
      sitekey: SANDBOX_SITE.sitekey,
      hostname: 'elsewhere.example',
    });
    expect(
      await siteverify(standIn, { secret: SANDBOX_SITE.secret, response: other }),
    ).toMatchObject({
      success: true,
      hostname: 'elsewhere.example',
      action: '',
    });
  });
});

describe('Turnstile stand-in: the challenge route', () => {
  it('gives test keys their documented behaviour', async () => {
    const { standIn } = setup();
    const ask = (sitekey: string, interacted = false) =>
      challenge(standIn, { sitekey, hostname: 'localhost', interacted });
    expect(await ask('1x00000000000000000000AA')).toEqual({ token: DUMMY_TOKEN, mode: 'managed' });
    expect(await ask('1x00000000000000000000BB')).toEqual({
      token: DUMMY_TOKEN,
      mode: 'invisible',
    });
    expect(await ask('2x00000000000000000000AB')).toEqual({ error: '600010', mode: 'managed' });
    expect(await ask('2x00000000000000000000BB')).toEqual({ error: '600010', mode: 'invisible' });
    expect(await ask('3x00000000000000000000FF')).toEqual({ interactive: true, mode: 'managed' });
    expect(await ask('3x00000000000000000000FF', true)).toEqual({
      token: DUMMY_TOKEN,
      mode: 'managed',
    });
  });

  it('follows the control API for sandbox keys: pass, interactive, fail', async () => {
    const { standIn } = setup();
    const ask = (interacted = false) =>
      challenge(standIn, { sitekey: SANDBOX_SITE.sitekey, hostname: 'localhost', interacted });
    standIn.control.setChallenge('interactive');
    expect(await ask()).toEqual({ interactive: true, mode: 'managed' });
    expect((await ask(true)).token).toEqual(expect.any(String));
    standIn.control.setChallenge('fail', SANDBOX_SITE.sitekey);
    expect(await ask(true)).toEqual({ error: '600010', mode: 'managed' });
    // A site's own setting wins over the default.
    standIn.control.setChallenge('pass');
    expect(await ask()).toEqual({ error: '600010', mode: 'managed' });
    expect(() => standIn.control.setChallenge('fail', '1x00000000000000000000AA')).toThrow();
  });

  it('refuses unknown keys, bad action or cData, and hostnames outside the site’s domains', async () => {
    const { standIn } = setup({ domains: ['clinic.example'] });
    const ask = (fields: Record<string, unknown>) =>
      challenge(standIn, { sitekey: SANDBOX_SITE.sitekey, hostname: 'clinic.example', ...fields });
    expect(await ask({ sitekey: 'nope' })).toEqual({ error: '110100' });
    expect((await ask({ action: 'a'.repeat(33) })).error).toBe('110420');
    expect((await ask({ action: 'kaleyra call' })).error).toBe('110420');
    expect((await ask({ cData: 'x'.repeat(256) })).error).toBe('110430');
    expect((await ask({ hostname: 'evil.example' })).error).toBe('110200');
    expect((await ask({ hostname: 'www.clinic.example' })).token).toEqual(expect.any(String));
    expect((await ask({ action: 'a'.repeat(32) })).token).toEqual(expect.any(String));
  });

  it('answers CORS for the page that hosts the widget', async () => {
    const { standIn } = setup();
    const response = await standIn.fetch(
      new Request(`${ORIGIN}/turnstile/v0/challenge`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:8080',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
  });
});

describe('Turnstile stand-in: siteverify outages and the control API', () => {
  it('outage without a status drops the connection; with one, answers an HTML page', async () => {
    const { standIn } = setup();
    standIn.control.setSiteverify({ mode: 'outage' });
    await expect(
      siteverify(standIn, { secret: PASS_SECRET, response: DUMMY_TOKEN }),
    ).rejects.toBeInstanceOf(TurnstileDisconnect);
    standIn.control.setSiteverify({ mode: 'outage', status: 502 });
    const response = await post(
      standIn,
      '/turnstile/v0/siteverify',
      `secret=${PASS_SECRET}&response=${DUMMY_TOKEN}`,
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('internal-error answers internal-error, for `times` calls only', async () => {
    const { standIn } = setup();
    standIn.control.setSiteverify({ mode: 'internal-error', times: 1 });
    const fields = { secret: PASS_SECRET, response: DUMMY_TOKEN };
    expect(await siteverify(standIn, fields)).toEqual({
      success: false,
      'error-codes': ['internal-error'],
    });
    expect((await siteverify(standIn, fields)).success).toBe(true);
  });

  it('slow holds the answer until `ms` pass (or the caller gives up)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { standIn } = setup();
      standIn.control.setSiteverify({ mode: 'slow', ms: 60_000 });
      const ask = (signal?: AbortSignal) =>
        standIn.fetch(
          new Request(`${ORIGIN}/turnstile/v0/siteverify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ secret: PASS_SECRET, response: DUMMY_TOKEN }),
            signal,
          }),
        );
      // The request has been read and waits on the stand-in's timer.
      const waiting = () => until(() => vi.getTimerCount() === 1);

      let settled = false;
      const held = ask().finally(() => (settled = true));
      await waiting();
      await vi.advanceTimersByTimeAsync(59_999);
      expect(vi.getTimerCount()).toBe(1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(((await (await held).json()) as Verdict).success).toBe(true);

      const abort = new AbortController();
      const givenUp = ask(abort.signal);
      await waiting();
      abort.abort();
      expect(((await (await givenUp).json()) as Verdict).success).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts siteverify calls and keeps their remoteip and idempotency_key, never a secret or token', async () => {
    const { standIn } = setup();
    const token = await sandboxToken(standIn);
    const key = crypto.randomUUID();
    await siteverify(standIn, {
      secret: SANDBOX_SITE.secret,
      response: token,
      remoteip: '198.51.100.7',
      idempotency_key: key,
    });
    await siteverify(standIn, { secret: PASS_SECRET, response: DUMMY_TOKEN });
    expect(standIn.control.siteverifyCalls).toBe(2);
    expect(standIn.control.requests()).toEqual([
      {
        at: expect.any(String),
        remoteip: '198.51.100.7',
        idempotency_key: key,
        secret: 'sandbox',
        response: 'present',
        success: true,
        errorCodes: [],
      },
      {
        at: expect.any(String),
        secret: 'test-pass',
        response: 'present',
        success: true,
        errorCodes: [],
      },
    ]);
    const state = JSON.stringify(
      await (await standIn.fetch(new Request(`${ORIGIN}/__control/turnstile`))).json(),
    );
    expect(state).toContain('198.51.100.7');
    for (const secret of [SANDBOX_SITE.secret, PASS_SECRET, token, DUMMY_TOKEN]) {
      expect(state).not.toContain(secret);
    }
  });

  it('takes the same settings as JSON on POST /__control/turnstile, and resets', async () => {
    const { standIn } = setup();
    const control = async (body: unknown) =>
      standIn.fetch(
        new Request(`${ORIGIN}/__control/turnstile`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    const set = await control({
      challenge: 'interactive',
      sitekey: SANDBOX_SITE.sitekey,
      siteverify: { mode: 'slow', ms: 10 },
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({
      challenge: { default: 'pass', sites: { [SANDBOX_SITE.sitekey]: 'interactive' } },
      siteverify: { mode: 'slow', ms: 10 },
    });
    expect((await control({ challenge: 'maybe' })).status).toBe(400);
    expect((await control({ siteverify: { mode: 'outage', status: 404 } })).status).toBe(400);
    expect((await control([1])).status).toBe(400);
    await siteverify(standIn, { secret: PASS_SECRET, response: DUMMY_TOKEN });
    expect(await (await control({ reset: true })).json()).toEqual({
      challenge: { default: 'pass', sites: {} },
      siteverify: { mode: 'normal' },
      siteverifyCalls: 0,
      challengeCalls: 0,
      requests: [],
    });
  });

  it('forgets redeemed tokens on reset, so nothing else carries over', async () => {
    const { standIn } = setup();
    const token = await sandboxToken(standIn);
    const fields = { secret: SANDBOX_SITE.secret, response: token };
    expect((await siteverify(standIn, fields)).success).toBe(true);
    standIn.control.reset();
    expect((await siteverify(standIn, fields)).success).toBe(true);
  });
});
