import { exports } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configFor } from '../../worker/config';
import { userKey } from '../../worker/user-id';
import {
  claims,
  hs256,
  KaleyraHost,
  ORIGIN,
  randomIp,
  setup,
  testEnv,
  unique,
} from './support/harness';

interface TokenBody {
  access_token: string;
  expires_at: string;
  user_id: string;
}

/**
 * Through the deployed entry point (`exports.default`), each call is its own
 * request context in workerd, as in production; its env is the default one,
 * whose Kaleyra is main.kaleyra.test.
 */
function viaEntryPoint(bearer: string): Promise<Response> {
  return exports.default.fetch('https://token.test/v1/token', {
    method: 'POST',
    headers: {
      origin: ORIGIN,
      'content-type': 'application/json',
      authorization: `Bearer ${bearer}`,
      'cf-connecting-ip': randomIp(),
    },
    body: '{}',
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('single flight', () => {
  it('20 concurrent requests for one user, each its own request context → 1 Kaleyra call', async () => {
    const kaleyra = new KaleyraHost('main.kaleyra.test');
    const user = unique('flight');
    await kaleyra.register(user);
    // Hold the first answer back so that all 20 requests are in flight together.
    await kaleyra.faults({ kind: 'latency', ms: 300 });
    const bearer = await hs256(claims(user));

    const responses = await Promise.all(Array.from({ length: 20 }, () => viaEntryPoint(bearer)));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as TokenBody[];
    expect(new Set(bodies.map((b) => b.access_token)).size).toBe(1);
    const calls = (await kaleyra.credentialCalls()).filter((c) => c.user_id === user);
    expect(calls).toHaveLength(1);
  });

  it('concurrent requests for different users are not merged', async () => {
    const t = setup({ TOKEN_CACHE: 'off' });
    const users = [unique('x'), unique('y'), unique('z')];
    await t.kaleyra.register(...users);
    const responses = await Promise.all(
      users.map(async (u) => t.token({ bearer: await hs256(claims(u)) })),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as TokenBody[];
    expect(bodies.map((b) => b.user_id)).toEqual(users);
    expect(await t.kaleyra.credentialCalls()).toHaveLength(3);
  });

  it('a shared failure fails every waiter the same way, and is not kept', async () => {
    const t = setup();
    const user = unique('fail');
    await t.kaleyra.register(user);
    // A slow 404, so that all five requests wait on the same call.
    await t.kaleyra.faults({ kind: 'status', status: 404, ms: 200 });
    const bearer = await hs256(claims(user));
    const statuses = await Promise.all(
      Array.from({ length: 5 }, async () => (await t.token({ bearer })).status),
    );
    expect(statuses).toEqual(Array(5).fill(502));
    expect(await t.kaleyra.credentialCalls()).toHaveLength(1);
    expect((await t.token({ bearer })).status).toBe(200);
  });
});

describe('token cache (Cache API)', () => {
  it('serves the same token again instead of minting on every page view', async () => {
    const t = setup();
    const user = unique('nav');
    await t.kaleyra.register(user);
    const bearer = await hs256(claims(user));

    const first = (await (await t.token({ bearer })).json()) as TokenBody;
    for (let i = 0; i < 4; i++) {
      const again = (await (await t.token({ bearer })).json()) as TokenBody;
      expect(again).toEqual(first);
    }
    expect(await t.kaleyra.credentialCalls()).toHaveLength(1);
  });

  it('through the entry point as well, across request contexts', async () => {
    const kaleyra = new KaleyraHost('main.kaleyra.test');
    const user = unique('entry');
    await kaleyra.register(user);
    const bearer = await hs256(claims(user));
    const a = (await (await viaEntryPoint(bearer)).json()) as TokenBody;
    const b = (await (await viaEntryPoint(bearer)).json()) as TokenBody;
    expect(b.access_token).toBe(a.access_token);
    expect((await kaleyra.credentialCalls()).filter((c) => c.user_id === user)).toHaveLength(1);
  });

  it('keeps users apart', async () => {
    const t = setup();
    const [a, b] = [unique('a'), unique('b')];
    await t.kaleyra.register(a, b);
    const ta = (await (await t.token({ bearer: await hs256(claims(a)) })).json()) as TokenBody;
    const tb = (await (await t.token({ bearer: await hs256(claims(b)) })).json()) as TokenBody;
    expect(ta.user_id).toBe(a);
    expect(tb.user_id).toBe(b);
    expect(ta.access_token).not.toBe(tb.access_token);
    expect(await t.kaleyra.credentialCalls()).toHaveLength(2);
  });

  it('does not reuse a token that has less than half its lifetime left', async () => {
    const t = setup({ TOKEN_TTL_SECONDS: '600' });
    const user = unique('half');
    await t.kaleyra.register(user);
    const bearer = await hs256(claims(user, { exp: Math.floor(Date.now() / 1000) + 3600 }));
    const first = (await (await t.token({ bearer })).json()) as TokenBody;

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 290_000); // 10 s before half-life: still reused
    const before = (await (await t.token({ bearer })).json()) as TokenBody;
    expect(before.access_token).toBe(first.access_token);

    vi.setSystemTime(Date.now() + 20_000); // past half-life
    await t.kaleyra.clock(310_000); // Kaleyra's clock moves with the worker's
    const after = (await (await t.token({ bearer })).json()) as TokenBody;
    expect(await t.kaleyra.credentialCalls()).toHaveLength(2);
    expect(after.user_id).toBe(user);
  });

  it('TOKEN_CACHE=off mints on every request', async () => {
    const t = setup({ TOKEN_CACHE: 'off' });
    const user = unique('off');
    await t.kaleyra.register(user);
    const bearer = await hs256(claims(user));
    for (let i = 0; i < 3; i++) expect((await t.token({ bearer })).status).toBe(200);
    expect(await t.kaleyra.credentialCalls()).toHaveLength(3);
  });

  it('keys entries by a keyed hash of the user id, never the raw id', async () => {
    const t = setup();
    const user = unique('key');
    await t.kaleyra.register(user);
    await t.token({ bearer: await hs256(claims(user)) });

    const config = configFor(t.env);
    if (config instanceof Error) throw config;
    const hashed = await userKey(config, user);
    expect(hashed).toMatch(/^[0-9a-f]{64}$/);
    expect(hashed).not.toContain(user);
    expect(await caches.default.match(`https://token.test/__token-cache/${hashed}`)).toBeDefined();
    expect(await caches.default.match(`https://token.test/__token-cache/${user}`)).toBeUndefined();
  });

  it('an entry under the user’s key that names another user is not served', async () => {
    const t = setup();
    const user = unique('plant');
    await t.kaleyra.register(user);
    const config = configFor(t.env);
    if (config instanceof Error) throw config;
    const planted = {
      access_token: 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoib3RoZXIifQ.c2ln',
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      user_id: 'someone-else',
      fresh_until: Date.now() + 1_800_000,
    };
    await caches.default.put(
      `https://token.test/__token-cache/${await userKey(config, user)}`,
      new Response(JSON.stringify(planted), { headers: { 'cache-control': 'max-age=1800' } }),
    );
    const res = await t.token({ bearer: await hs256(claims(user)) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    expect(body.user_id).toBe(user);
    expect(body.access_token).not.toBe(planted.access_token);
    expect(await t.kaleyra.credentialCalls()).toHaveLength(1);
  });

  it('another Kaleyra environment (API base) does not see the cached token', async () => {
    const first = setup();
    const user = unique('env');
    await first.kaleyra.register(user);
    const bearer = await hs256(claims(user));
    expect((await first.token({ bearer })).status).toBe(200);

    const second = setup();
    await second.kaleyra.register(user);
    expect((await second.token({ bearer })).status).toBe(200);
    expect(await second.kaleyra.credentialCalls()).toHaveLength(1);
  });

  it('the default environment has the cache on', () => {
    expect(testEnv.TOKEN_CACHE).toBe('on');
  });
});
