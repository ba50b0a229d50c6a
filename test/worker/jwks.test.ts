import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  claims,
  errorOf,
  IdpHost,
  jwks,
  setup,
  signingKey,
  unique,
  type SigningKey,
} from './support/harness';

/**
 * The identity provider's key set (SITE_JWKS_URL), as an attacker and an outage
 * see it. The worker's clock is moved with fake Date; Kaleyra's stand-in clock is
 * moved with it, so minted tokens stay plausible.
 */
const COOLDOWN_MS = 30_000;
const MAX_AGE_MS = 10 * 60_000;
const GRACE_MS = 24 * 60 * 60_000;

afterEach(() => {
  vi.useRealTimers();
});

async function idpSetup(mode: 'ok' | 'slow' = 'ok') {
  const idp = new IdpHost();
  const key = await signingKey('RS256');
  await idp.publish(jwks(key));
  await idp.mode(mode);
  const t = setup({ SITE_JWKS_URL: idp.jwksUrl, SITE_JWT_SECRET: undefined, TOKEN_CACHE: 'off' });
  const user = unique('jw');
  await t.kaleyra.register(user);
  let offset = 0;
  /** Moves the worker's clock (and Kaleyra's) forward. */
  const advance = async (ms: number) => {
    offset += ms;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + ms);
    await t.kaleyra.clock(offset);
  };
  const send = (signer: SigningKey = key, kid?: string) =>
    signer
      .sign(claims(user), kid === undefined ? {} : { kid })
      .then((bearer) => t.token({ bearer }));
  return { idp, key, t, user, advance, send };
}

describe('JWKS fetches are shared and bounded', () => {
  it('20 concurrent first requests → 1 fetch, and all are served', async () => {
    const { idp, send } = await idpSetup('slow');
    const responses = await Promise.all(Array.from({ length: 20 }, () => send()));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await idp.fetches()).toBe(1);
  });

  it('a failed fetch is remembered: requests while the provider is down → 503, 1 fetch', async () => {
    const { idp, send, advance } = await idpSetup();
    await idp.mode('down');
    for (let i = 0; i < 5; i++) {
      const res = await send();
      expect(res.status).toBe(503);
      expect(await errorOf(res)).toEqual({ code: 'unavailable', message: expect.any(String) });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(await idp.fetches()).toBe(1);

    // Once the cool-down has passed, the next request tries again, and succeeds.
    await idp.mode('ok');
    await advance(COOLDOWN_MS + 1000);
    expect((await send()).status).toBe(200);
    expect(await idp.fetches()).toBe(2);
  });

  it('forged tokens with unknown kids while the provider fails → one refetch per cool-down', async () => {
    const { idp, send, advance } = await idpSetup();
    expect((await send()).status).toBe(200);
    await advance(COOLDOWN_MS + 1000);
    await idp.mode('down');
    const forger = await signingKey('RS256');
    for (let i = 0; i < 6; i++) {
      const res = await send(forger, unique('forged-kid'));
      expect([401, 503]).toContain(res.status);
    }
    expect(await idp.fetches()).toBe(2);
  });

  it('unknown kids after a successful refetch → 401, one refetch per cool-down', async () => {
    const { idp, t, send, advance } = await idpSetup();
    expect((await send()).status).toBe(200);
    await advance(COOLDOWN_MS + 1000);
    const forger = await signingKey('RS256');
    for (let i = 0; i < 6; i++) {
      const res = await send(forger, unique('forged-kid'));
      expect(res.status).toBe(401);
    }
    expect(await idp.fetches()).toBe(2);
    await advance(COOLDOWN_MS + 1000);
    expect((await send(forger, unique('forged-kid'))).status).toBe(401);
    expect(await idp.fetches()).toBe(3);
    expect((await t.kaleyra.credentialCalls()).length).toBe(1);
  });

  it('a rotated key is found by refetching for its unknown kid', async () => {
    const { idp, key, send, advance } = await idpSetup();
    expect((await send()).status).toBe(200);
    await advance(COOLDOWN_MS + 1000);
    const rotated = await signingKey('ES256');
    await idp.publish(jwks(key, rotated));
    expect((await send(rotated)).status).toBe(200);
    expect(await idp.fetches()).toBe(2);
  });
});

describe('the last good keys are kept when a refresh fails', () => {
  it('after the max age, with the provider down, a genuine token still verifies (grace)', async () => {
    const { idp, send, advance } = await idpSetup();
    expect((await send()).status).toBe(200);
    await idp.mode('down');
    await advance(MAX_AGE_MS + 1000);
    expect((await send()).status).toBe(200);
    expect(await idp.fetches()).toBe(2);
    // Still within the grace period, many hours later; refreshes stay bounded.
    await advance(12 * 60 * 60_000);
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);
    expect(await idp.fetches()).toBe(3);
  });

  it('past the grace period → 503 unavailable', async () => {
    const { idp, send, advance } = await idpSetup();
    expect((await send()).status).toBe(200);
    await idp.mode('down');
    await advance(MAX_AGE_MS + GRACE_MS + 1000);
    const res = await send();
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toEqual({ code: 'unavailable', message: expect.any(String) });
  });

  it('a hanging provider after the max age: served with the last good keys after the timeout', async () => {
    const { idp, send, advance } = await idpSetup();
    expect((await send()).status).toBe(200);
    await idp.mode('hang');
    await advance(MAX_AGE_MS + 1000);
    expect((await send()).status).toBe(200);
  }, 15_000);

  it('a refresh that works replaces the keys: a retired key is refused', async () => {
    const { idp, key, send, advance } = await idpSetup();
    expect((await send()).status).toBe(200);
    const next = await signingKey('RS256');
    await idp.publish(jwks(next));
    await advance(MAX_AGE_MS + 1000);
    expect((await send(next)).status).toBe(200);
    expect((await send(key)).status).toBe(401);
  });
});

describe('JWKS fetches never follow a redirect', () => {
  /** Another origin, serving its own keys: what a redirect would hand the worker. */
  async function foreignKeys() {
    const host = new IdpHost();
    const key = await signingKey('RS256');
    await host.publish(jwks(key));
    return { host, key };
  }

  it('a key URL that answers 302 to another origin → 503; that origin is never asked, its keys never trusted', async () => {
    const idp = new IdpHost();
    const foreign = await foreignKeys();
    await idp.redirectTo(foreign.host.jwksUrl);
    const t = setup({ SITE_JWKS_URL: idp.jwksUrl, SITE_JWT_SECRET: undefined, TOKEN_CACHE: 'off' });
    const user = unique('rd');
    await t.kaleyra.register(user);
    const res = await t.token({ bearer: await foreign.key.sign(claims(user)) });
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toEqual({ code: 'unavailable', message: expect.any(String) });
    expect(await idp.fetches()).toBe(1);
    expect(await foreign.host.fetches()).toBe(0);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('Cloudflare Access: <team>/cdn-cgi/access/certs answering 302 → 503 the same way', async () => {
    const team = new IdpHost();
    const foreign = await foreignKeys();
    await team.redirectTo(foreign.host.jwksUrl);
    const t = setup({
      AUTH_MODE: 'access',
      SITE_JWT_ISSUER: team.origin,
      SITE_JWT_AUDIENCE: 'access-aud',
      SITE_JWT_SECRET: undefined,
    });
    const user = unique('rda');
    await t.kaleyra.register(user);
    const assertion = await foreign.key.sign(
      claims(user, { iss: team.origin, aud: ['access-aud'] }),
    );
    const res = await t.token({ headers: { 'cf-access-jwt-assertion': assertion } });
    expect(res.status).toBe(503);
    expect(await team.fetches()).toBe(1);
    expect(await foreign.host.fetches()).toBe(0);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('a redirect on refresh is a failed fetch: the last good keys serve, within the cool-down, and the redirect’s keys never verify', async () => {
    const { idp, send, advance } = await idpSetup();
    expect((await send()).status).toBe(200);
    const foreign = await foreignKeys();
    await idp.redirectTo(foreign.host.jwksUrl);
    await advance(MAX_AGE_MS + 1000);
    expect((await send()).status).toBe(200);
    const forged = await send(foreign.key);
    expect(forged.status).toBe(503);
    expect(await idp.fetches()).toBe(2);
    expect(await foreign.host.fetches()).toBe(0);
  });
});
