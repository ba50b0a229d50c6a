import { describe, expect, it } from 'vitest';
import { capturedLines } from './support/log-capture';
import {
  claims,
  errorOf,
  hs256,
  ORIGIN,
  setup,
  signingKey,
  unique,
  type TestBindings,
} from './support/harness';

/** The request's own log line (the last one written). */
function lastLogLine(): Record<string, unknown> {
  return JSON.parse(capturedLines.at(-1) ?? '{}') as Record<string, unknown>;
}

/** The call page's settings, checked once it is on (CALL_PAGE_TARGETS and KALEYRA_APP_ID set). */
function callPageCases(): [string, string, Partial<TestBindings>][] {
  const on = (overrides: Partial<TestBindings>): Partial<TestBindings> => ({
    KALEYRA_APP_ID: 'wAppId_cfg',
    CALL_PAGE_TARGETS: 'dr_rossi',
    ...overrides,
  });
  return [
    ['call page targets: * alone', 'CALL_PAGE_TARGETS', on({ CALL_PAGE_TARGETS: 'dr_rossi,*' })],
    ['call page targets: commas only', 'CALL_PAGE_TARGETS', on({ CALL_PAGE_TARGETS: ' , ' })],
    ['call page targets: not an id', 'CALL_PAGE_TARGETS', on({ CALL_PAGE_TARGETS: 'dr rossi' })],
    ['call page targets: a star inside', 'CALL_PAGE_TARGETS', on({ CALL_PAGE_TARGETS: 'dr*x' })],
    ['call page targets: guests', 'CALL_PAGE_TARGETS', on({ CALL_PAGE_TARGETS: 'guest_*' })],
    [
      'call page targets: prefixed guests',
      'CALL_PAGE_TARGETS',
      on({ USER_ID_PREFIX: 'acme-', CALL_PAGE_TARGETS: 'acme-Guest_x' }),
    ],
    [
      'a join host with a scheme',
      'CALL_PAGE_JOIN_HOSTS',
      on({ CALL_PAGE_JOIN_HOSTS: 'https://video.example.com' }),
    ],
    ['a wildcard join host', 'CALL_PAGE_JOIN_HOSTS', on({ CALL_PAGE_JOIN_HOSTS: '*.example.com' })],
    [
      'a join host with a port',
      'CALL_PAGE_JOIN_HOSTS',
      on({ CALL_PAGE_JOIN_HOSTS: 'video.example.com:443' }),
    ],
    [
      'a title with a control character',
      'CALL_PAGE_TITLE',
      on({ CALL_PAGE_TITLE: 'Clinic\u0007' }),
    ],
    ['an over-long title', 'CALL_PAGE_TITLE', on({ CALL_PAGE_TITLE: 'x'.repeat(101) })],
    [
      'an SDK URL over http',
      'CALL_PAGE_SDK_SRC',
      on({ CALL_PAGE_SDK_SRC: 'http://cdn.example.com/sdk.js' }),
    ],
    [
      'a challenge URL that is no URL',
      'CALL_PAGE_CHALLENGE_SRC',
      on({ CALL_PAGE_CHALLENGE_SRC: 'api.js' }),
    ],
  ];
}

describe('misconfiguration → 500 internal, and a log line naming the setting', () => {
  const cases: [string, string, Partial<TestBindings>][] = [
    ['missing API key', 'KALEYRA_API_KEY', { KALEYRA_API_KEY: undefined }],
    ['blank API key', 'KALEYRA_API_KEY', { KALEYRA_API_KEY: '  ' }],
    ['empty ALLOWED_ORIGINS', 'ALLOWED_ORIGINS', { ALLOWED_ORIGINS: '' }],
    ['only commas in ALLOWED_ORIGINS', 'ALLOWED_ORIGINS', { ALLOWED_ORIGINS: ' , ,' }],
    ['* in ALLOWED_ORIGINS', 'ALLOWED_ORIGINS', { ALLOWED_ORIGINS: '*' }],
    ['* among origins', 'ALLOWED_ORIGINS', { ALLOWED_ORIGINS: `${ORIGIN},*` }],
    ['wildcard subdomain', 'ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://*.example.com' }],
    ['an origin with a path', 'ALLOWED_ORIGINS', { ALLOWED_ORIGINS: `${ORIGIN}/app` }],
    ['null as an origin', 'ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'null' }],
    ['unknown AUTH_MODE', 'AUTH_MODE', { AUTH_MODE: 'magic' }],
    ['no issuer', 'SITE_JWT_ISSUER', { SITE_JWT_ISSUER: '' }],
    ['no audience', 'SITE_JWT_AUDIENCE', { SITE_JWT_AUDIENCE: '' }],
    ['no key source', 'SITE_JWKS_URL', { SITE_JWT_SECRET: undefined }],
    ['a short HS256 secret', 'SITE_JWT_SECRET', { SITE_JWT_SECRET: 'short' }],
    [
      'both JWKS settings',
      'SITE_JWKS_URL',
      { SITE_JWKS_URL: 'https://a.idp.test/jwks.json', SITE_JWKS_JSON: '{"keys":[]}' },
    ],
    ['JWKS JSON that is not JSON', 'SITE_JWKS_JSON', { SITE_JWKS_JSON: '{keys' }],
    ['an empty JWKS', 'SITE_JWKS_JSON', { SITE_JWKS_JSON: '{"keys":[]}' }],
    ['a JWKS URL over http', 'SITE_JWKS_URL', { SITE_JWKS_URL: 'http://idp.example.com/jwks' }],
    [
      'a Kaleyra base over http',
      'KALEYRA_API_BASE',
      { KALEYRA_API_BASE: 'http://proxy.example.com/v2' },
    ],
    ['a Kaleyra base that is no URL', 'KALEYRA_API_BASE', { KALEYRA_API_BASE: 'api/v2' }],
    ['unknown region', 'KALEYRA_REGION', { KALEYRA_API_BASE: undefined, KALEYRA_REGION: 'mars' }],
    [
      'unknown environment',
      'KALEYRA_ENVIRONMENT',
      { KALEYRA_API_BASE: undefined, KALEYRA_ENVIRONMENT: 'prod' },
    ],
    ['TOKEN_CACHE neither on nor off', 'TOKEN_CACHE', { TOKEN_CACHE: 'sometimes' }],
    ['a prefix with a space', 'USER_ID_PREFIX', { USER_ID_PREFIX: 'acme corp' }],
    ['an over-long prefix', 'USER_ID_PREFIX', { USER_ID_PREFIX: 'p'.repeat(33) }],
    ['a cookie name with a ;', 'SITE_JWT_COOKIE', { SITE_JWT_COOKIE: 'a;b' }],
    ['a cookie name with a space', 'SITE_JWT_COOKIE', { SITE_JWT_COOKIE: 'site jwt' }],
    ['a cookie name with an =', 'SITE_JWT_COOKIE', { SITE_JWT_COOKIE: 'site=jwt' }],
    ['a prefix without a closing delimiter', 'USER_ID_PREFIX', { USER_ID_PREFIX: 'acme' }],
    ['a prefix of delimiters only', 'USER_ID_PREFIX', { USER_ID_PREFIX: '-' }],
    ['a prefix with two delimiters', 'USER_ID_PREFIX', { USER_ID_PREFIX: 'acme-eu-' }],
    ['a prefix with a delimiter inside', 'USER_ID_PREFIX', { USER_ID_PREFIX: 'ac.me_' }],
    [
      'access mode without an https issuer',
      'SITE_JWT_ISSUER',
      { AUTH_MODE: 'access', SITE_JWT_ISSUER: 'team' },
    ],
    ...callPageCases(),
    ['no IP rate limiter', 'IP_LIMITER', { IP_LIMITER: undefined as unknown as RateLimit }],
    ['no user rate limiter', 'USER_LIMITER', { USER_LIMITER: undefined as unknown as RateLimit }],
  ];
  for (const [label, setting, overrides] of cases) {
    it(`${label} → 500 internal; the log names ${setting}; Kaleyra never called`, async () => {
      const t = setup(overrides);
      const user = unique('cfg');
      await t.kaleyra.register(user);
      const res = await t.token({ bearer: await hs256(claims(user)) });
      expect(res.status).toBe(500);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const error = await errorOf(res);
      expect(error.code).toBe('internal');
      // The client never learns which setting is wrong.
      expect(error.message).not.toMatch(/KALEYRA|ORIGIN|AUTH|SITE_|TOKEN_|USER_|LIMITER|CALL_/);
      const line = lastLogLine();
      expect(line).toMatchObject({ level: 'error', status: 500, route: '/v1/token' });
      expect(line.problem).toContain(setting);
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }

  it('a JWKS with a private key is refused, and the log does not repeat the key', async () => {
    const key = await signingKey('ES256');
    const { exportJWK } = await import('jose');
    const privateJwk = await exportJWK(key.privateKey);
    const t = setup({ SITE_JWKS_JSON: JSON.stringify({ keys: [privateJwk] }) });
    const res = await t.token({ bearer: 'a.b.c' });
    expect(res.status).toBe(500);
    expect(lastLogLine().problem).toContain('SITE_JWKS_JSON');
    expect(capturedLines.at(-1)).not.toContain(privateJwk.d as string);
  });

  it('a misconfigured preflight is a 500 too', async () => {
    const t = setup({ ALLOWED_ORIGINS: '*' });
    const res = await t.fetch('/v1/token', { method: 'OPTIONS', headers: { origin: ORIGIN } });
    expect(res.status).toBe(500);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('/health stays up and silent about configuration when misconfigured', async () => {
    const t = setup({ KALEYRA_API_KEY: undefined, ALLOWED_ORIGINS: '' });
    const res = await t.fetch('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('local http bases are allowed (the sandbox stand-in)', async () => {
    for (const base of ['http://127.0.0.1:8788/v2', 'http://localhost:8788/v2']) {
      const t = setup({ KALEYRA_API_BASE: base });
      const res = await t.token({ bearer: await hs256(claims(unique('l'))) });
      // Nothing listens there inside the tests: what matters is that it is not a 500.
      expect(res.status).not.toBe(500);
    }
  });
});

describe('USER_ID_PREFIX is a namespace', () => {
  for (const prefix of ['acme-', 'acme_', 'acme.', 'EU2-', 'p'.repeat(31) + '_']) {
    it(`${JSON.stringify(prefix)} is accepted and applied`, async () => {
      const t = setup({ USER_ID_PREFIX: prefix });
      const user = unique('ns');
      await t.kaleyra.register(`${prefix}${user}`);
      const res = await t.token({ bearer: await hs256(claims(user)) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { user_id: string }).user_id).toBe(`${prefix}${user}`);
    });
  }
});

describe('TOKEN_TTL_SECONDS', () => {
  const cases: [string | undefined, number][] = [
    ['600', 600],
    ['10', 360],
    ['0', 360],
    ['359', 360],
    ['360', 360],
    ['86400', 86400],
    ['999999', 86400],
    ['garbage', 3600],
    ['-5', 3600],
    ['12.5', 3600],
    ['', 3600],
    [undefined, 3600],
  ];
  for (const [raw, expected] of cases) {
    it(`${JSON.stringify(raw)} → Kaleyra is asked for expires_in ${expected}`, async () => {
      const t = setup({ TOKEN_TTL_SECONDS: raw as string });
      const user = unique('ttl');
      await t.kaleyra.register(user);
      const res = await t.token({ bearer: await hs256(claims(user)) });
      expect(res.status).toBe(200);
      const [call] = await t.kaleyra.credentialCalls();
      expect(call?.expires_in).toBe(expected);
      const { expires_at } = (await res.json()) as { expires_at: string };
      const lifetime = (Date.parse(expires_at) - Date.now()) / 1000;
      expect(lifetime).toBeGreaterThan(expected - 60);
      expect(lifetime).toBeLessThanOrEqual(expected);
    });
  }

  it('garbage is logged as a warning naming the setting', async () => {
    const t = setup({ TOKEN_TTL_SECONDS: 'one hour' });
    const user = unique('ttlw');
    await t.kaleyra.register(user);
    await t.token({ bearer: await hs256(claims(user)) });
    expect(String(lastLogLine().warning)).toContain('TOKEN_TTL_SECONDS');
  });
});
