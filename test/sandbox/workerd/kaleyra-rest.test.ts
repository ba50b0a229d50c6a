import { jwtVerify, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { API_KEY, KaleyraHost, testEnv, unique } from '../../worker/support/harness';

/**
 * The Kaleyra REST stand-in (sandbox/kaleyra-rest/api.mjs), reached over the
 * same outbound path the worker uses. It must follow docs/kaleyra-sdk-notes.md,
 * sections REST: minting tokens and Users.
 */
function call(k: KaleyraHost, path: string, init: RequestInit & { key?: string | null } = {}) {
  const { key = API_KEY, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (key !== null) headers.set('apikey', key);
  headers.set('content-type', 'application/json');
  return fetch(`${k.base}${path}`, { ...rest, headers });
}

const credentials = (k: KaleyraHost, body: unknown, key?: string | null) =>
  call(k, '/sdk/credentials', { method: 'POST', body: JSON.stringify(body), key });

describe('Kaleyra REST stand-in: POST /v2/sdk/credentials', () => {
  it('mints an HS256 JWT shaped like Kaleyra’s documented sample', async () => {
    const k = new KaleyraHost();
    const user = unique('rest');
    await k.register(user);
    const res = await credentials(k, { user_id: user, expires_in: 600 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      access_token: string;
      expires_at: string;
      user_id: string;
    };
    expect(body.user_id).toBe(user);
    expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);

    expect(decodeProtectedHeader(body.access_token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const secret = new TextEncoder().encode(testEnv.KALEYRA_SIGNING_SECRET);
    const { payload } = await jwtVerify(body.access_token, secret, { algorithms: ['HS256'] });
    expect(payload).toEqual({
      user,
      companyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      allowCamera: true,
      iat: expect.any(Number),
      exp: expect.any(Number),
      iss: '@switchboard-core',
      sub: `${user}#${payload.companyId as string}`,
    });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(Date.parse(body.expires_at) / 1000).toBe(payload.exp);
  });

  it('defaults expires_in to 3600 when omitted', async () => {
    const k = new KaleyraHost();
    const user = unique('rest');
    await k.register(user);
    const { access_token } = (await (await credentials(k, { user_id: user })).json()) as {
      access_token: string;
    };
    const secret = new TextEncoder().encode(testEnv.KALEYRA_SIGNING_SECRET);
    const { payload } = await jwtVerify(access_token, secret);
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  for (const [label, key] of [
    ['a wrong apikey', 'ak_wrong'],
    ['no apikey', null],
  ] as const) {
    it(`${label} → 401 JSON`, async () => {
      const k = new KaleyraHost();
      const res = await credentials(k, { user_id: 'x', expires_in: 600 }, key);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/json/);
      expect(await res.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });
    });
  }

  for (const expiresIn of [359, 86401, 0, -1, 600.5, '600', null]) {
    it(`expires_in ${JSON.stringify(expiresIn)} → 400`, async () => {
      const k = new KaleyraHost();
      const user = unique('rest');
      await k.register(user);
      expect((await credentials(k, { user_id: user, expires_in: expiresIn })).status).toBe(400);
    });
  }

  for (const expiresIn of [360, 86400]) {
    it(`expires_in ${expiresIn} (a bound) is accepted`, async () => {
      const k = new KaleyraHost();
      const user = unique('rest');
      await k.register(user);
      expect((await credentials(k, { user_id: user, expires_in: expiresIn })).status).toBe(200);
    });
  }

  for (const body of [{}, { user_id: 'a b' }, { user_id: 'x'.repeat(129) }, { user_id: 42 }, []]) {
    it(`body ${JSON.stringify(body).slice(0, 40)} → 400`, async () => {
      expect((await credentials(new KaleyraHost(), body)).status).toBe(400);
    });
  }

  it('an unregistered user → 404', async () => {
    const res = await credentials(new KaleyraHost(), { user_id: 'nobody', expires_in: 600 });
    expect(res.status).toBe(404);
  });

  it('logs calls without the key', async () => {
    const k = new KaleyraHost();
    await credentials(k, { user_id: 'nobody', expires_in: 600 });
    const calls = await k.calls();
    expect(calls).toEqual([
      expect.objectContaining({ apikey: 'valid', user_id: 'nobody', expires_in: 600, status: 404 }),
    ]);
    expect(JSON.stringify(calls)).not.toContain(API_KEY);
  });
});

describe('Kaleyra REST stand-in: users', () => {
  it('creates, reads and lists users; refuses duplicates and bad input', async () => {
    const k = new KaleyraHost();
    const create = (body: unknown) =>
      call(k, '/users', { method: 'POST', body: JSON.stringify(body) });
    const created = await create({ id: 'u.1', role: 'plus', can_video: '0' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'u.1', role: 'plus', can_video: false });
    expect((await create({ id: 'u.1', role: 'basic' })).status).toBe(409);
    expect((await create({ id: 'u 2', role: 'basic' })).status).toBe(400);
    expect((await create({ id: 'u3', role: 'admin' })).status).toBe(400);
    const generated = (await (await create({ role: 'basic' })).json()) as { id: string };
    expect(generated.id).toMatch(/^[A-Za-z0-9._-]{1,128}$/);

    expect((await call(k, '/users/u.1')).status).toBe(200);
    expect((await call(k, '/users/nope')).status).toBe(404);
    expect((await call(k, '/users/u.1', { key: 'bad' })).status).toBe(401);
    const list = (await (await call(k, '/users?limit=10')).json()) as { users: { id: string }[] };
    expect(list.users.map((u) => u.id)).toEqual(['u.1', generated.id]);
  });

  it('a user without video gets allowCamera: false in the token', async () => {
    const k = new KaleyraHost();
    await call(k, '/users', {
      method: 'POST',
      body: JSON.stringify({ id: 'novideo', role: 'basic', can_video: false }),
    });
    const { access_token } = (await (
      await credentials(k, { user_id: 'novideo', expires_in: 600 })
    ).json()) as { access_token: string };
    const secret = new TextEncoder().encode(testEnv.KALEYRA_SIGNING_SECRET);
    expect((await jwtVerify(access_token, secret)).payload.allowCamera).toBe(false);
  });
});

describe('Kaleyra REST stand-in: fault injection', () => {
  it('applies queued faults in order, each `times` times, then answers normally', async () => {
    const k = new KaleyraHost();
    const user = unique('f');
    await k.register(user);
    await k.faults({ kind: 'status', status: 503, times: 2 }, { kind: 'html' });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await credentials(k, { user_id: user, expires_in: 600 });
      statuses.push(`${res.status} ${res.headers.get('content-type')?.split(';')[0]}`);
    }
    expect(statuses).toEqual([
      '503 application/json',
      '503 application/json',
      '200 text/html',
      '200 application/json',
    ]);
    expect((await k.calls()).map((c) => c.fault)).toEqual(['status', 'status', 'html', undefined]);
  });

  it('malformed-json and user-mismatch break the answer in their own way', async () => {
    const k = new KaleyraHost();
    const user = unique('f');
    await k.register(user);
    await k.faults({ kind: 'malformed-json' }, { kind: 'user-mismatch' });
    const broken = await credentials(k, { user_id: user, expires_in: 600 });
    await expect(broken.clone().json()).rejects.toThrow();
    const other = (await (await credentials(k, { user_id: user, expires_in: 600 })).json()) as {
      user_id: string;
    };
    expect(other.user_id).not.toBe(user);
  });

  it('disconnect makes the caller’s fetch fail', async () => {
    const k = new KaleyraHost();
    await k.faults({ kind: 'disconnect' });
    await expect(credentials(k, { user_id: 'x', expires_in: 600 })).rejects.toThrow();
  });

  it('the control routes reset faults and the call log', async () => {
    const k = new KaleyraHost();
    await k.faults({ kind: 'status', status: 500 });
    await fetch(`${k.origin}/__control/faults`, { method: 'DELETE' });
    const res = await credentials(k, { user_id: 'nobody', expires_in: 600 });
    expect(res.status).toBe(404);
    await fetch(`${k.origin}/__control/calls`, { method: 'DELETE' });
    expect(await k.calls()).toEqual([]);
  });
});
