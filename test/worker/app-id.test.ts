import { describe, expect, it } from 'vitest';
import { capturedLines } from './support/log-capture';
import { claims, errorOf, hs256, setup, unique, type TestBindings } from './support/harness';

/** A signed-in user's token answer under these settings. */
async function answer(overrides: Partial<TestBindings>) {
  const t = setup(overrides);
  const user = unique('app');
  await t.kaleyra.register(user);
  const res = await t.token({ bearer: await hs256(claims(user)) });
  return { res, user, body: (await res.json()) as Record<string, unknown> };
}

describe('KALEYRA_APP_ID: token answers name the app they are for', () => {
  it('set: the answer carries app_id, region and environment beside the token', async () => {
    const { res, user, body } = await answer({ KALEYRA_APP_ID: 'wAppId_0a1b2c' });
    expect(res.status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^eyJ/),
      expires_at: expect.any(String),
      user_id: user,
      app_id: 'wAppId_0a1b2c',
      region: 'eu',
      environment: 'sandbox',
    });
  });

  it('region and environment are the worker’s own settings', async () => {
    const { body } = await answer({
      KALEYRA_APP_ID: 'mob-app_9',
      KALEYRA_REGION: 'in',
      KALEYRA_ENVIRONMENT: 'production',
    });
    expect(body).toMatchObject({ app_id: 'mob-app_9', region: 'in', environment: 'production' });
  });

  it('unset region and environment default to eu and sandbox', async () => {
    const { body } = await answer({
      KALEYRA_APP_ID: ' wAppId_x ',
      KALEYRA_REGION: undefined as unknown as string,
      KALEYRA_ENVIRONMENT: '',
    });
    expect(body).toMatchObject({ app_id: 'wAppId_x', region: 'eu', environment: 'sandbox' });
  });

  it('a cached token is answered with the app fields too', async () => {
    const t = setup({ KALEYRA_APP_ID: 'wAppId_cache' });
    const user = unique('appc');
    await t.kaleyra.register(user);
    const bearer = await hs256(claims(user));
    await t.token({ bearer });
    const again = (await (await t.token({ bearer })).json()) as Record<string, unknown>;
    expect(await t.kaleyra.credentialCalls()).toHaveLength(1);
    expect(again).toMatchObject({ app_id: 'wAppId_cache', region: 'eu', environment: 'sandbox' });
  });

  it('not set: the answer is exactly {access_token, expires_at, user_id}', async () => {
    const { body } = await answer({ KALEYRA_APP_ID: undefined });
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at', 'user_id']);
  });

  const bad: [string, string][] = [
    ['empty', ''],
    ['blank', '   '],
    ['with a space', 'w app'],
    ['with a slash', 'w/app'],
    ['with a quote', 'w"app'],
    ['non-ASCII', 'wÄpp'],
    ['over 64 characters', 'a'.repeat(65)],
  ];
  for (const [label, value] of bad) {
    it(`${label} → 500 internal, the log names KALEYRA_APP_ID, Kaleyra not called`, async () => {
      const t = setup({ KALEYRA_APP_ID: value });
      const user = unique('appbad');
      await t.kaleyra.register(user);
      const res = await t.token({ bearer: await hs256(claims(user)) });
      expect(res.status).toBe(500);
      expect(await errorOf(res)).toEqual({ code: 'internal', message: expect.any(String) });
      const line = JSON.parse(capturedLines.at(-1) ?? '{}') as { problem?: string };
      expect(line.problem).toContain('KALEYRA_APP_ID');
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }

  it('64 characters is the longest accepted id', async () => {
    const { res, body } = await answer({ KALEYRA_APP_ID: 'a'.repeat(64) });
    expect(res.status).toBe(200);
    expect(body.app_id).toBe('a'.repeat(64));
  });

  it('a bad region is refused when the app id needs it, even with KALEYRA_API_BASE set', async () => {
    const t = setup({ KALEYRA_APP_ID: 'wAppId_r', KALEYRA_REGION: 'mars' });
    const res = await t.token({ bearer: await hs256(claims(unique('r'))) });
    expect(res.status).toBe(500);
    const line = JSON.parse(capturedLines.at(-1) ?? '{}') as { problem?: string };
    expect(line.problem).toContain('KALEYRA_REGION');
  });
});
