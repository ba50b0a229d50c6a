import { describe, expect, it } from 'vitest';
import {
  claims,
  errorOf,
  hs256,
  IdpHost,
  jwks,
  ORIGIN,
  setup,
  signingKey,
  unique,
} from './support/harness';

async function withUser(overrides = {}) {
  const t = setup(overrides);
  const user = unique('o');
  await t.kaleyra.register(user);
  return { t, user, token: await hs256(claims(user)) };
}

describe('Origin allow-list (every mode)', () => {
  for (const origin of [
    'https://evil.example',
    'null',
    'http://www.example.com',
    'https://www.example.com:8443',
    'https://WWW.EXAMPLE.COM.evil.example',
    'https://www.example.com/',
  ]) {
    it(`Origin ${origin} → 403 origin_not_allowed, even with a valid token; Kaleyra never called`, async () => {
      const { t, token } = await withUser();
      const res = await t.token({ bearer: token, headers: { origin } });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect(await errorOf(res)).toEqual({
        code: 'origin_not_allowed',
        message: expect.any(String),
      });
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }

  it('a bearer request without Origin (a server or an app) is served', async () => {
    const { t, token } = await withUser();
    const headers = new Headers({
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    });
    const res = await t.fetch('/v1/token', { method: 'POST', headers, body: '{}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an error answered to an allowed origin carries the CORS grant, so the page can read it', async () => {
    const { t } = await withUser();
    const res = await t.token({ bearer: 'bad.token.here' });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('two Origin lines (joined by ", ") are no origin → 403, even when both are allowed', async () => {
    const { t, token } = await withUser();
    for (const second of ['https://evil.example', ORIGIN]) {
      const headers = new Headers({
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      });
      headers.append('origin', ORIGIN);
      headers.append('origin', second);
      const res = await t.fetch('/v1/token', { method: 'POST', headers, body: '{}' });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('any origin of a comma-separated list is allowed', async () => {
    const { t, token } = await withUser({
      ALLOWED_ORIGINS: 'https://cms.example.org , https://www.example.com',
    });
    const res = await t.token({ bearer: token, headers: { origin: 'https://cms.example.org' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://cms.example.org');
  });
});

describe('cookie mode (SITE_JWT_COOKIE)', () => {
  const cookieSetup = () => withUser({ SITE_JWT_COOKIE: 'site_session' });
  const post = (t: Awaited<ReturnType<typeof cookieSetup>>['t'], headers: Record<string, string>) =>
    t.fetch('/v1/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });

  it('accepts the site JWT from the cookie with an allowed Origin', async () => {
    const { t, token, user } = await cookieSetup();
    const res = await post(t, {
      origin: ORIGIN,
      cookie: `theme=dark; site_session=${token}; other=1`,
      'sec-fetch-site': 'same-site',
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user_id: string }).user_id).toBe(user);
  });

  it('cookie without Origin → 403 origin_not_allowed; Kaleyra never called', async () => {
    const { t, token } = await cookieSetup();
    const res = await post(t, { cookie: `site_session=${token}` });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'origin_not_allowed', message: expect.any(String) });
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('cookie with a foreign Origin → 403 origin_not_allowed', async () => {
    const { t, token } = await cookieSetup();
    const res = await post(t, { origin: 'https://evil.example', cookie: `site_session=${token}` });
    expect(res.status).toBe(403);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('cookie with Origin: null → 403 origin_not_allowed', async () => {
    const { t, token } = await cookieSetup();
    const res = await post(t, { origin: 'null', cookie: `site_session=${token}` });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'origin_not_allowed', message: expect.any(String) });
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('cookie on a Sec-Fetch-Site: cross-site request → 403 forbidden', async () => {
    const { t, token } = await cookieSetup();
    const res = await post(t, {
      origin: ORIGIN,
      cookie: `site_session=${token}`,
      'sec-fetch-site': 'cross-site',
    });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'forbidden', message: expect.any(String) });
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  // Browsers send one of these four values; anything else (two lines joined by ", ",
  // another word) is not a promise that the request is not cross-site.
  for (const value of [
    'same-origin, cross-site',
    'cross-site, same-origin',
    'bogus',
    'CROSS-SITE',
  ]) {
    it(`cookie with Sec-Fetch-Site: ${value} → 403 forbidden`, async () => {
      const { t, token } = await cookieSetup();
      const res = await post(t, {
        origin: ORIGIN,
        cookie: `site_session=${token}`,
        'sec-fetch-site': value,
      });
      expect(res.status).toBe(403);
      expect(await errorOf(res)).toEqual({ code: 'forbidden', message: expect.any(String) });
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }

  for (const value of ['same-origin', 'same-site', 'none']) {
    it(`cookie with Sec-Fetch-Site: ${value} is accepted`, async () => {
      const { t, token } = await cookieSetup();
      const res = await post(t, {
        origin: ORIGIN,
        cookie: `site_session=${token}`,
        'sec-fetch-site': value,
      });
      expect(res.status).toBe(200);
    });
  }

  it('a cookie with an invalid token → 401', async () => {
    const { t, user } = await cookieSetup();
    const forged = await hs256(claims(user), 'not-the-site-secret-but-long-enough-0000');
    const res = await post(t, { origin: ORIGIN, cookie: `site_session=${forged}` });
    expect(res.status).toBe(401);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('a cookie under another name is not a credential → 401', async () => {
    const { t, token } = await cookieSetup();
    const res = await post(t, { origin: ORIGIN, cookie: `session=${token}` });
    expect(res.status).toBe(401);
  });

  it('without SITE_JWT_COOKIE, cookies are ignored → 401', async () => {
    const { t, token } = await withUser();
    const res = await post(t, { origin: ORIGIN, cookie: `site_session=${token}` });
    expect(res.status).toBe(401);
  });
});

describe('AUTH_MODE=access (Cloudflare Access)', () => {
  const AUD = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

  async function accessSetup() {
    const team = new IdpHost();
    const key = await signingKey('RS256');
    await team.publish(jwks(key));
    const t = setup({
      AUTH_MODE: 'access',
      SITE_JWT_ISSUER: team.origin,
      SITE_JWT_AUDIENCE: AUD,
      SITE_JWT_SECRET: undefined,
    });
    const user = unique('acc');
    await t.kaleyra.register(user);
    const assertion = (extra = {}) =>
      key.sign({
        ...claims(user, { iss: team.origin, aud: [AUD] }),
        email: 'a@b.example',
        ...extra,
      });
    return { t, team, user, assertion };
  }
  const post = (t: ReturnType<typeof setup>, headers: Record<string, string>) =>
    t.fetch('/v1/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });

  it('accepts Cf-Access-Jwt-Assertion, with keys from <team>/cdn-cgi/access/certs', async () => {
    const { t, team, user, assertion } = await accessSetup();
    const res = await post(t, { origin: ORIGIN, 'cf-access-jwt-assertion': await assertion() });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user_id: string }).user_id).toBe(user);
    expect(await team.fetches()).toBe(1);
  });

  it('two Cf-Access-Jwt-Assertion lines → 401, neither is used', async () => {
    const { t, assertion } = await accessSetup();
    const headers = new Headers({ origin: ORIGIN, 'content-type': 'application/json' });
    headers.append('cf-access-jwt-assertion', await assertion());
    headers.append('cf-access-jwt-assertion', await assertion({ sub: unique('other') }));
    const res = await t.fetch('/v1/token', { method: 'POST', headers, body: '{}' });
    expect(res.status).toBe(401);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('ignores Authorization: Bearer → 401 without the Access header', async () => {
    const { t, assertion } = await accessSetup();
    const res = await post(t, { origin: ORIGIN, authorization: `Bearer ${await assertion()}` });
    expect(res.status).toBe(401);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('another application’s audience → 401', async () => {
    const { t, assertion } = await accessSetup();
    const res = await post(t, {
      origin: ORIGIN,
      'cf-access-jwt-assertion': await assertion({ aud: ['another-application-aud'] }),
    });
    expect(res.status).toBe(401);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('another team’s issuer → 401', async () => {
    const { t, assertion } = await accessSetup();
    const res = await post(t, {
      origin: ORIGIN,
      'cf-access-jwt-assertion': await assertion({ iss: 'https://other.cloudflareaccess.com' }),
    });
    expect(res.status).toBe(401);
  });

  it('the Access session is ambient, so it needs an allowed Origin → 403 without', async () => {
    const { t, assertion } = await accessSetup();
    const res = await post(t, { 'cf-access-jwt-assertion': await assertion() });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'origin_not_allowed', message: expect.any(String) });
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('and is refused on a cross-site request → 403 forbidden', async () => {
    const { t, assertion } = await accessSetup();
    const res = await post(t, {
      origin: ORIGIN,
      'sec-fetch-site': 'cross-site',
      'cf-access-jwt-assertion': await assertion(),
    });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'forbidden', message: expect.any(String) });
  });

  it('SITE_USER_CLAIM=email maps the address to a stable opaque id', async () => {
    const team = new IdpHost();
    const key = await signingKey('RS256');
    await team.publish(jwks(key));
    const t = setup({
      AUTH_MODE: 'access',
      SITE_JWT_ISSUER: team.origin,
      SITE_JWT_AUDIENCE: AUD,
      SITE_USER_CLAIM: 'email',
    });
    const assertion = await key.sign({
      ...claims('uuid-sub', { iss: team.origin, aud: [AUD] }),
      email: 'Ada.Lovelace@example.com',
      email_verified: true,
    });
    const res = await post(t, { origin: ORIGIN, 'cf-access-jwt-assertion': assertion });
    // The mapped id is not registered with Kaleyra, so the mint fails; what matters is
    // the id Kaleyra was asked for.
    expect(res.status).toBe(502);
    const [call] = await t.kaleyra.calls();
    expect(call?.user_id).toMatch(/^sha\.[a-z2-7]{26}$/);
    expect(JSON.stringify(call)).not.toContain('Lovelace');
  });
});
