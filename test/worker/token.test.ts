import { describe, expect, it } from 'vitest';
import { API_KEY, claims, errorOf, hs256, ORIGIN, setup, unique } from './support/harness';

describe('POST /v1/token, the happy path', () => {
  it('answers 200 {access_token, expires_at, user_id} for a signed-in user', async () => {
    const t = setup();
    const user = unique('alice');
    await t.kaleyra.register(user);
    const res = await t.token({ bearer: await hs256(claims(user)) });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at', 'user_id']);
    expect(body.user_id).toBe(user);
    expect(body.access_token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(new Date(body.expires_at!).toISOString()).toBe(body.expires_at);
    const lifetime = (Date.parse(body.expires_at!) - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(3500);
    expect(lifetime).toBeLessThanOrEqual(3600);
  });

  it('calls Kaleyra once, with the API key, the verified user and the configured TTL', async () => {
    const t = setup();
    const user = unique('bob');
    await t.kaleyra.register(user);
    await t.token({ bearer: await hs256(claims(user)) });

    const calls = await t.kaleyra.calls();
    expect(calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v2/sdk/credentials',
        apikey: 'valid',
        status: 200,
        user_id: user,
        expires_in: 3600,
      }),
    ]);
  });

  it('accepts an empty body as well as {}', async () => {
    const t = setup();
    const user = unique('empty');
    await t.kaleyra.register(user);
    const res = await t.token({ bearer: await hs256(claims(user)), body: null });
    expect(res.status).toBe(200);
  });

  it('ignores a user id in the query string: the token is for the signed-in user', async () => {
    const t = setup();
    const [user, victim] = [unique('me'), unique('victim')];
    await t.kaleyra.register(user, victim);
    const res = await t.fetch(`/v1/token?user_id=${victim}`, {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        'content-type': 'application/json',
        authorization: `Bearer ${await hs256(claims(user))}`,
      },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user_id: string }).user_id).toBe(user);
    expect((await t.kaleyra.calls()).map((c) => c.user_id)).toEqual([user]);
  });

  it('exposes the request id and allows the page origin to read the answer', async () => {
    const t = setup();
    const user = unique('cors');
    await t.kaleyra.register(user);
    const res = await t.token({ bearer: await hs256(claims(user)) });
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
  });

  it('never returns the API key', async () => {
    const t = setup();
    const user = unique('key');
    await t.kaleyra.register(user);
    const res = await t.token({ bearer: await hs256(claims(user)) });
    const text = await res.text();
    expect(text).not.toContain(API_KEY);
    for (const [, value] of res.headers) expect(value).not.toContain(API_KEY);
  });

  it('answers 502 upstream_error when Kaleyra does not know the user', async () => {
    const t = setup();
    const res = await t.token({ bearer: await hs256(claims(unique('nobody'))) });
    expect(res.status).toBe(502);
    expect(await errorOf(res)).toEqual({ code: 'upstream_error', message: expect.any(String) });
  });
});
