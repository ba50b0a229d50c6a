import { describe, expect, it } from 'vitest';
import {
  API_KEY,
  claims,
  hs256,
  KaleyraHost,
  RogueKaleyraHost,
  setup,
  unique,
  type Fault,
  type RogueAnswer,
} from './support/harness';

/** A signed-in, registered user whose next mint meets these faults. */
async function mintWith(faults: Fault[], overrides = {}) {
  const t = setup(overrides);
  const user = unique('up');
  await t.kaleyra.register(user);
  if (faults.length) await t.kaleyra.faults(...faults);
  const started = Date.now();
  const res = await t.token({ bearer: await hs256(claims(user)) });
  return { t, user, res, elapsed: Date.now() - started, calls: await t.kaleyra.credentialCalls() };
}

/** Vendor text from the stand-in's error bodies and pages must never reach the client. */
const VENDOR_TEXT = /stand-in|switchboard|stack|sb-7|bad gateway|<html/i;

async function expectFailure(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const text = await res.text();
  expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } });
  expect(text).not.toMatch(VENDOR_TEXT);
  expect(text).not.toContain(API_KEY);
}

describe('Kaleyra upstream faults', () => {
  it('no answer within 5 s → 504 upstream_timeout, not retried', async () => {
    const { res, calls, elapsed } = await mintWith([{ kind: 'timeout', ms: 20_000 }]);
    await expectFailure(res, 504, 'upstream_timeout');
    expect(calls).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(4900);
    expect(elapsed).toBeLessThan(9000);
  }, 20_000);

  it('a slow answer within the timeout is served', async () => {
    const { res, calls } = await mintWith([{ kind: 'latency', ms: 1500 }]);
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
  }, 10_000);

  it('500 twice → 502 upstream_error after exactly one retry', async () => {
    const { res, calls } = await mintWith([{ kind: 'status', status: 500, times: 2 }]);
    await expectFailure(res, 502, 'upstream_error');
    expect(calls).toHaveLength(2);
  });

  for (const status of [500, 502, 503, 504]) {
    it(`${status} once, then success → 200 after one retry`, async () => {
      const { res, calls, user } = await mintWith([{ kind: 'status', status }]);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { user_id: string }).user_id).toBe(user);
      expect(calls.map((c) => c.status)).toEqual([status, 200]);
    });
  }

  it('503 three times → 502 after two calls in all', async () => {
    const { res, calls } = await mintWith([{ kind: 'status', status: 503, times: 3 }]);
    await expectFailure(res, 502, 'upstream_error');
    expect(calls).toHaveLength(2);
  });

  it('a network error once, then success → 200', async () => {
    const { res, calls } = await mintWith([{ kind: 'disconnect' }]);
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it('a network error twice → 502 upstream_error', async () => {
    const { res, calls } = await mintWith([{ kind: 'disconnect', times: 2 }]);
    await expectFailure(res, 502, 'upstream_error');
    expect(calls).toHaveLength(2);
  });

  for (const status of [400, 401, 403, 404, 409, 422]) {
    it(`${status} → 502 upstream_error without retry`, async () => {
      const { res, calls } = await mintWith([{ kind: 'status', status }]);
      await expectFailure(res, 502, 'upstream_error');
      expect(calls).toHaveLength(1);
    });
  }

  it('429 → 503 unavailable with Kaleyra’s Retry-After, without retry', async () => {
    const { res, calls } = await mintWith([{ kind: 'status', status: 429, retryAfter: 17 }]);
    await expectFailure(res, 503, 'unavailable');
    expect(res.headers.get('retry-after')).toBe('17');
    expect(calls).toHaveLength(1);
  });

  it('429 without Retry-After → 503 without one', async () => {
    const { res } = await mintWith([{ kind: 'status', status: 429 }]);
    await expectFailure(res, 503, 'unavailable');
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('an HTML page with 200 → 502, not retried', async () => {
    const { res, calls } = await mintWith([{ kind: 'html' }]);
    await expectFailure(res, 502, 'upstream_error');
    expect(calls).toHaveLength(1);
  });

  it('an HTML 502 page twice → 502 after one retry', async () => {
    const { res, calls } = await mintWith([{ kind: 'html', status: 502, times: 2 }]);
    await expectFailure(res, 502, 'upstream_error');
    expect(calls).toHaveLength(2);
  });

  it('malformed JSON → 502', async () => {
    const { res, calls } = await mintWith([{ kind: 'malformed-json' }]);
    await expectFailure(res, 502, 'upstream_error');
    expect(calls).toHaveLength(1);
  });

  it('a token for another user_id → 502, and that token is not handed out', async () => {
    const { res, calls } = await mintWith([{ kind: 'user-mismatch' }]);
    await expectFailure(res, 502, 'upstream_error');
    expect(calls).toHaveLength(1);
  });

  it('a wrong API key (Kaleyra answers 401) → 502, Kaleyra’s words not echoed', async () => {
    const { res, calls } = await mintWith([], {
      KALEYRA_API_KEY: 'ak_test_wrong_key_00000000000000',
    });
    await expectFailure(res, 502, 'upstream_error');
    expect(calls).toEqual([expect.objectContaining({ apikey: 'invalid', status: 401 })]);
  });

  it('a failed mint is not cached: the next request calls Kaleyra again', async () => {
    const t = setup();
    const user = unique('again');
    await t.kaleyra.register(user);
    await t.kaleyra.faults({ kind: 'status', status: 404 });
    const token = await hs256(claims(user));
    expect((await t.token({ bearer: token })).status).toBe(502);
    expect((await t.token({ bearer: token })).status).toBe(200);
    expect(await t.kaleyra.credentialCalls()).toHaveLength(2);
  });
});

describe('Kaleyra host', () => {
  const base = (overrides: Record<string, string>) =>
    setup({ KALEYRA_API_BASE: undefined, ...overrides });

  for (const [region, environment, host] of [
    ['eu', 'sandbox', 'api.sandbox.eu.bandyer.com'],
    ['in', 'production', 'api.in.bandyer.com'],
    ['us', 'sandbox', 'api.sandbox.us.bandyer.com'],
    ['me', 'production', 'api.me.bandyer.com'],
  ] as const) {
    it(`KALEYRA_REGION=${region}, KALEYRA_ENVIRONMENT=${environment} → https://${host}/v2`, async () => {
      const t = base({ KALEYRA_REGION: region, KALEYRA_ENVIRONMENT: environment });
      const user = unique('host');
      const kaleyra = new KaleyraHost(host);
      await kaleyra.register(user);
      const res = await t.token({ bearer: await hs256(claims(user)) });
      expect(res.status).toBe(200);
      const calls = (await kaleyra.credentialCalls()).filter((c) => c.user_id === user);
      expect(calls).toHaveLength(1);
    });
  }
});

describe('Kaleyra’s answers are bounded and plausible', () => {
  /** A signed-in user whose Kaleyra is a scripted look-alike. */
  async function rogueMint(answer: RogueAnswer, overrides = {}) {
    const rogue = new RogueKaleyraHost();
    await rogue.answer(answer);
    const t = setup({ KALEYRA_API_BASE: rogue.base, TOKEN_CACHE: 'off', ...overrides });
    const res = await t.token({ bearer: await hs256(claims(unique('rg'))) });
    return { res, rogue };
  }

  it('a well-formed answer from the look-alike is served (control case)', async () => {
    const { res } = await rogueMint({ kind: 'token' });
    expect(res.status).toBe(200);
  });

  it('a 96 MiB 200 → 502, and the body is not read past the 64 KiB cap', async () => {
    const { res, rogue } = await rogueMint({ kind: 'stream', bytes: 96 * 1024 * 1024 });
    await expectFailure(res, 502, 'upstream_error');
    const sent = await rogue.sent();
    expect(sent.calls).toBe(1);
    // A little more than the cap may be in transit when the worker stops reading.
    expect(sent.bytesSent).toBeLessThan(1024 * 1024);
  });

  it('a token answer just over 64 KiB → 502; just under → 200', async () => {
    expect((await rogueMint({ kind: 'token', pad: 65 * 1024 })).res.status).toBe(502);
    expect((await rogueMint({ kind: 'token', pad: 60 * 1024 })).res.status).toBe(200);
  });

  for (const [label, expiresAt] of [
    ['9999-12-31', '9999-12-31T23:59:59.000Z'],
    ['5 s from now', 5],
    ['a day more than asked for', 3600 + 86400],
    ['two minutes more than asked for', 3600 + 120],
    ['two minutes less than asked for', 3600 - 120],
  ] as const) {
    it(`expires_at ${label} → 502 upstream_error`, async () => {
      const { res } = await rogueMint({ kind: 'token', expiresAt });
      await expectFailure(res, 502, 'upstream_error');
    });
  }

  for (const [label, expiresAt] of [
    ['30 s more than asked for', 3600 + 30],
    ['30 s less than asked for', 3600 - 30],
  ] as const) {
    it(`expires_at ${label} (within a minute) → 200`, async () => {
      expect((await rogueMint({ kind: 'token', expiresAt })).res.status).toBe(200);
    });
  }

  it('the lifetime asked for is the configured one', async () => {
    const { res } = await rogueMint(
      { kind: 'token', expiresAt: 600 },
      { TOKEN_TTL_SECONDS: '600' },
    );
    expect(res.status).toBe(200);
  });
});
