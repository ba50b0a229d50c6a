import { describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  claims,
  errorOf,
  hs256,
  IdpHost,
  ISSUER,
  jwks,
  ORIGIN,
  setup,
  signingKey,
  unique,
  unsigned,
  type Setup,
} from './support/harness';

/** The request is refused with 401 unauthenticated and Kaleyra never hears of it. */
async function expectRefused(t: Setup, res: Response, status = 401, code = 'unauthenticated') {
  expect(res.status).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(await errorOf(res)).toEqual({ code, message: expect.any(String) });
  expect(await t.kaleyra.calls()).toEqual([]);
}

/** A setup with a registered user, so that only authentication stands in the way. */
async function withUser(overrides = {}) {
  const t = setup(overrides);
  const user = unique('u');
  await t.kaleyra.register(user);
  return { t, user };
}

const now = () => Math.floor(Date.now() / 1000);

describe('the Authorization header, however it is spelled', () => {
  // RFC 6750 §2.1: `Bearer`, in any case (RFC 9110 §11.1), spaces, one token.
  const accepted: [string, (jwt: string) => string][] = [
    ['lowercase bearer', (jwt) => `bearer ${jwt}`],
    ['BEARER', (jwt) => `BEARER ${jwt}`],
    ['several spaces', (jwt) => `Bearer    ${jwt}`],
  ];
  for (const [label, header] of accepted) {
    it(`${label} is accepted`, async () => {
      const { t, user } = await withUser();
      const res = await t.token({ headers: { authorization: header(await hs256(claims(user))) } });
      expect(res.status).toBe(200);
    });
  }

  const refused: [string, (jwt: string) => string][] = [
    ['a tab instead of a space', (jwt) => `Bearer\t${jwt}`],
    ['no space', (jwt) => `Bearer${jwt}`],
    ['two tokens', (jwt) => `Bearer ${jwt} ${jwt}`],
    ['two Bearer credentials, as two header lines arrive', (jwt) => `Bearer ${jwt}, Bearer ${jwt}`],
    ['a trailing comma', (jwt) => `Bearer ${jwt},`],
    ['another scheme', (jwt) => `Token ${jwt}`],
    ['the scheme twice', (jwt) => `Bearer Bearer ${jwt}`],
  ];
  for (const [label, header] of refused) {
    it(`${label} → 401; Kaleyra never called`, async () => {
      const { t, user } = await withUser();
      await expectRefused(
        t,
        await t.token({ headers: { authorization: header(await hs256(claims(user))) } }),
      );
    });
  }

  it('two Authorization lines, for two users → 401, neither is used', async () => {
    const { t, user } = await withUser();
    const other = unique('u');
    await t.kaleyra.register(other);
    const headers = new Headers({ origin: ORIGIN, 'content-type': 'application/json' });
    headers.append('authorization', `Bearer ${await hs256(claims(user))}`);
    headers.append('authorization', `Bearer ${await hs256(claims(other))}`);
    await expectRefused(t, await t.fetch('/v1/token', { method: 'POST', headers, body: '{}' }));
  });
});

describe('AUTH_MODE=jwt with HS256 (SITE_JWT_SECRET)', () => {
  it('accepts a valid token (the control case for the attacks below)', async () => {
    const { t, user } = await withUser();
    const res = await t.token({ bearer: await hs256(claims(user)) });
    expect(res.status).toBe(200);
    expect(await t.kaleyra.calls()).toHaveLength(1);
  });

  it('no credentials → 401', async () => {
    const { t } = await withUser();
    await expectRefused(t, await t.token());
  });

  const malformed: [string, string][] = [
    ['empty Authorization', ''],
    ['Bearer without a token', 'Bearer'],
    ['Bearer with a blank', 'Bearer '],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['not a JWT', 'Bearer not-a-jwt'],
    ['two segments', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['four segments', 'Bearer a.b.c.d'],
    ['garbage segments', 'Bearer ###.$$$.%%%'],
    ['two tokens', 'Bearer a.b.c a.b.c'],
    ['an over-long token', `Bearer ${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`],
    ['base64 that is not JSON', 'Bearer Zm9v.YmFy.YmF6'],
  ];
  for (const [label, authorization] of malformed) {
    it(`malformed bearer (${label}) → 401`, async () => {
      const { t } = await withUser();
      await expectRefused(t, await t.token({ headers: { authorization } }));
    });
  }

  it('alg: none → 401', async () => {
    const { t, user } = await withUser();
    await expectRefused(t, await t.token({ bearer: unsigned(claims(user)) }));
  });

  it('a token signed with another secret → 401', async () => {
    const { t, user } = await withUser();
    const forged = await hs256(claims(user), 'another-secret-that-is-long-enough-000000');
    await expectRefused(t, await t.token({ bearer: forged }));
  });

  it('a token whose payload was altered after signing → 401', async () => {
    const { t, user } = await withUser();
    const [header, , signature] = (await hs256(claims(unique('other')))).split('.');
    const payload = btoa(JSON.stringify(claims(user))).replace(/=+$/, '');
    await expectRefused(t, await t.token({ bearer: `${header}.${payload}.${signature}` }));
  });

  it('wrong issuer → 401', async () => {
    const { t, user } = await withUser();
    const token = await hs256(claims(user, { iss: 'https://evil.example/' }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('wrong audience → 401', async () => {
    const { t, user } = await withUser();
    const token = await hs256(claims(user, { aud: 'another-app' }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('no audience → 401', async () => {
    const { t, user } = await withUser();
    const token = await hs256(claims(user, { aud: undefined }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('expired (beyond the 30 s clock tolerance) → 401', async () => {
    const { t, user } = await withUser();
    const token = await hs256(claims(user, { iat: now() - 600, exp: now() - 31 }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('just expired, within the clock tolerance → accepted', async () => {
    const { t, user } = await withUser();
    const token = await hs256(claims(user, { iat: now() - 600, exp: now() - 10 }));
    expect((await t.token({ bearer: token })).status).toBe(200);
  });

  it('nbf in the future → 401', async () => {
    const { t, user } = await withUser();
    const token = await hs256(claims(user, { nbf: now() + 120 }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('no exp → 401', async () => {
    const { t, user } = await withUser();
    const token = await hs256(claims(user, { exp: undefined }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('no user claim → 401', async () => {
    const { t } = await withUser();
    const token = await hs256(claims('x', { sub: undefined }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  for (const [label, sub] of [
    ['empty', ''],
    ['an object', { id: 'x' }],
    ['an array', ['x']],
    ['a boolean', true],
    ['a fraction', 1.5],
  ] as const) {
    it(`a user claim that is ${label} → 401`, async () => {
      const { t } = await withUser();
      const token = await hs256({ ...claims('x'), sub: sub as unknown as string });
      await expectRefused(t, await t.token({ bearer: token }));
    });
  }

  it('an RS256 token when only a secret is configured → 401 (algorithm not allowed)', async () => {
    const { t, user } = await withUser();
    const key = await signingKey('RS256');
    await expectRefused(t, await t.token({ bearer: await key.sign(claims(user)) }));
  });

  it('a bearer token wins over the cookie: a bad bearer is not rescued by a good cookie', async () => {
    const { t, user } = await withUser({ SITE_JWT_COOKIE: 'site_session' });
    const res = await t.token({
      headers: {
        authorization: 'Bearer nope',
        cookie: `site_session=${await hs256(claims(user))}`,
      },
    });
    await expectRefused(t, res);
  });

  it('a numeric user claim is used as its decimal string', async () => {
    const t = setup();
    await t.kaleyra.register('4242');
    const token = await hs256({ ...claims('x'), sub: 4242 as unknown as string });
    const res = await t.token({ bearer: token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user_id: string }).user_id).toBe('4242');
  });

  it('SITE_USER_CLAIM picks another claim', async () => {
    const { t, user } = await withUser({ SITE_USER_CLAIM: 'uid' });
    const res = await t.token({ bearer: await hs256(claims('ignored', { uid: user })) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user_id: string }).user_id).toBe(user);
  });

  it('accepts any of several comma-separated audiences', async () => {
    const { t, user } = await withUser({ SITE_JWT_AUDIENCE: `other-app, ${AUDIENCE}` });
    expect((await t.token({ bearer: await hs256(claims(user)) })).status).toBe(200);
  });
});

describe('AUTH_MODE=jwt with public keys (SITE_JWKS_JSON)', () => {
  for (const alg of ['RS256', 'ES256'] as const) {
    it(`accepts ${alg} tokens signed by a published key`, async () => {
      const key = await signingKey(alg);
      const { t, user } = await withUser({ SITE_JWKS_JSON: jwks(key), SITE_JWT_SECRET: undefined });
      const res = await t.token({ bearer: await key.sign(claims(user)) });
      expect(res.status).toBe(200);
    });
  }

  it('HS256 signed with the public key (algorithm confusion) → 401', async () => {
    const key = await signingKey('RS256');
    const { t, user } = await withUser({ SITE_JWKS_JSON: jwks(key), SITE_JWT_SECRET: undefined });
    for (const material of [JSON.stringify(key.publicJwk), key.publicJwk.n as string]) {
      const forged = await hs256(claims(user), new TextEncoder().encode(material));
      await expectRefused(t, await t.token({ bearer: forged }));
    }
  });

  it('algorithm confusion also fails when a secret is configured beside the keys', async () => {
    const key = await signingKey('RS256');
    const { t, user } = await withUser({ SITE_JWKS_JSON: jwks(key) });
    const forged = await hs256(
      claims(user),
      new TextEncoder().encode(JSON.stringify(key.publicJwk)),
    );
    await expectRefused(t, await t.token({ bearer: forged }));
  });

  it('unknown kid → 401', async () => {
    const key = await signingKey('ES256');
    const { t, user } = await withUser({ SITE_JWKS_JSON: jwks(key), SITE_JWT_SECRET: undefined });
    const token = await key.sign(claims(user), { kid: 'not-published' });
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('a key that is not published, reusing a published kid → 401', async () => {
    const published = await signingKey('RS256');
    const attacker = await signingKey('RS256', published.kid);
    const { t, user } = await withUser({
      SITE_JWKS_JSON: jwks(published),
      SITE_JWT_SECRET: undefined,
    });
    await expectRefused(t, await t.token({ bearer: await attacker.sign(claims(user)) }));
  });

  it('an algorithm outside the allow-list (RS384 in the header) → 401', async () => {
    const key = await signingKey('RS256');
    const { t, user } = await withUser({ SITE_JWKS_JSON: jwks(key), SITE_JWT_SECRET: undefined });
    const [, payload, signature] = (await key.sign(claims(user))).split('.');
    const header = btoa(JSON.stringify({ alg: 'RS384', kid: key.kid })).replace(/=+$/, '');
    await expectRefused(t, await t.token({ bearer: `${header}.${payload}.${signature}` }));
  });
});

describe('AUTH_MODE=jwt with a JWKS URL (SITE_JWKS_URL)', () => {
  it('fetches the keys once and reuses them', async () => {
    const idp = new IdpHost();
    const key = await signingKey('RS256');
    await idp.publish(jwks(key));
    const t = setup({ SITE_JWKS_URL: idp.jwksUrl, SITE_JWT_SECRET: undefined });
    const [a, b] = [unique('a'), unique('b')];
    await t.kaleyra.register(a, b);
    expect((await t.token({ bearer: await key.sign(claims(a)) })).status).toBe(200);
    expect((await t.token({ bearer: await key.sign(claims(b)) })).status).toBe(200);
    expect(await idp.fetches()).toBe(1);
  });

  it('an unknown kid → 401, and the keys are re-fetched at most once per cooldown', async () => {
    const idp = new IdpHost();
    const key = await signingKey('ES256');
    await idp.publish(jwks(key));
    const { t, user } = await withUser({ SITE_JWKS_URL: idp.jwksUrl, SITE_JWT_SECRET: undefined });
    for (let i = 0; i < 3; i++) {
      const token = await key.sign(claims(user), { kid: `rotated-${i}` });
      await expectRefused(t, await t.token({ bearer: token }));
    }
    expect(await idp.fetches()).toBe(1);
  });

  it('an identity provider that is down → 503 unavailable, not 401', async () => {
    const idp = new IdpHost();
    await idp.mode('down');
    const key = await signingKey('RS256');
    const { t, user } = await withUser({ SITE_JWKS_URL: idp.jwksUrl, SITE_JWT_SECRET: undefined });
    const res = await t.token({ bearer: await key.sign(claims(user)) });
    await expectRefused(t, res, 503, 'unavailable');
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('an identity provider that hangs → 503 after the JWKS timeout', async () => {
    const idp = new IdpHost();
    await idp.mode('hang');
    const key = await signingKey('RS256');
    const { t, user } = await withUser({ SITE_JWKS_URL: idp.jwksUrl, SITE_JWT_SECRET: undefined });
    const started = Date.now();
    const res = await t.token({ bearer: await key.sign(claims(user)) });
    await expectRefused(t, res, 503, 'unavailable');
    expect(Date.now() - started).toBeLessThan(8000);
  }, 15_000);

  it('an HS256 token is refused against a JWKS URL without a secret', async () => {
    const idp = new IdpHost();
    const key = await signingKey('RS256');
    await idp.publish(jwks(key));
    const { t, user } = await withUser({ SITE_JWKS_URL: idp.jwksUrl, SITE_JWT_SECRET: undefined });
    await expectRefused(t, await t.token({ bearer: await hs256(claims(user)) }));
    expect(await idp.fetches()).toBe(0);
  });

  it('checks the issuer of RS256 tokens too', async () => {
    const idp = new IdpHost();
    const key = await signingKey('RS256');
    await idp.publish(jwks(key));
    const { t, user } = await withUser({ SITE_JWKS_URL: idp.jwksUrl, SITE_JWT_SECRET: undefined });
    const token = await key.sign(claims(user, { iss: `${ISSUER}evil` }));
    await expectRefused(t, await t.token({ bearer: token }));
  });
});
