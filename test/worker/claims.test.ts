import { describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  claims,
  errorOf,
  hs256,
  hs256Raw,
  IdpHost,
  ISSUER,
  jwks,
  ORIGIN,
  setup,
  signingKey,
  unique,
  type Setup,
} from './support/harness';

/** Refused with 401 unauthenticated, and Kaleyra never hears of it. */
async function expectRefused(t: Setup, res: Response, status = 401) {
  expect(res.status).toBe(status);
  expect((await errorOf(res)).code).toBe(status === 400 ? 'bad_request' : 'unauthenticated');
  expect(await t.kaleyra.calls()).toEqual([]);
}

const now = () => Math.floor(Date.now() / 1000);

describe('claims that are not well-formed Unicode are refused', () => {
  for (const [label, sub] of [
    ['a lone high surrogate', 'alice\uD800'],
    ['a lone low surrogate', 'alice\uDFFF'],
    ['a reversed pair', 'alice\uDC00\uD800'],
  ] as const) {
    it(`${label} in the user claim → 401`, async () => {
      const t = setup();
      await expectRefused(t, await t.token({ bearer: await hs256(claims(sub)) }));
    });
  }

  it('alice\\uD800 and alice\\uDFFF never reach Kaleyra as one id', async () => {
    const t = setup();
    for (const sub of ['alice\uD800', 'alice\uDFFF']) {
      expect((await t.token({ bearer: await hs256(claims(sub)) })).status).toBe(401);
    }
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('a lone surrogate in another claim (issuer list, audience, any string) → 401', async () => {
    const t = setup();
    const user = unique('u');
    await t.kaleyra.register(user);
    for (const extra of [
      { aud: [AUDIENCE, 'x\uD800'] },
      { name: 'Mallory\uDBFF' },
      { nested: { deep: ['ok', 'bad\uDC00'] } },
    ]) {
      await expectRefused(t, await t.token({ bearer: await hs256(claims(user, extra)) }));
    }
  });

  it('a well-formed astral character is fine (mapped like any other non-ASCII claim)', async () => {
    const t = setup({ TOKEN_CACHE: 'off' });
    const res = await t.token({ bearer: await hs256(claims('ada🙂')) });
    // Not registered with Kaleyra: what matters is that authentication passed.
    expect(res.status).toBe(502);
    const [call] = await t.kaleyra.calls();
    expect(call?.user_id).toMatch(/^sha\.[a-z2-7]{26}$/);
  });

  it('a payload that is not valid UTF-8 → 401', async () => {
    const t = setup();
    const user = unique('u');
    await t.kaleyra.register(user);
    const text = JSON.stringify(claims(user)).replace(`"${user}"`, `"${user}\u0001"`);
    const bytes = new TextEncoder().encode(text);
    bytes[bytes.indexOf(1)] = 0xff; // a byte that never occurs in UTF-8
    await expectRefused(t, await t.token({ bearer: await hs256Raw(bytes) }));
  });
});

describe('exp and the lifetime of a token', () => {
  const payload = (user: string, times: string) =>
    `{"iss":${JSON.stringify(ISSUER)},"aud":${JSON.stringify(AUDIENCE)},"sub":${JSON.stringify(user)},${times}}`;

  it('the raw payload helper makes tokens the worker accepts (control case)', async () => {
    const t = setup();
    const user = unique('u');
    await t.kaleyra.register(user);
    const token = await hs256Raw(payload(user, `"iat":${now()},"exp":${now() + 300}`));
    expect((await t.token({ bearer: token })).status).toBe(200);
  });

  for (const [label, times] of [
    ['exp: 1e400 (Infinity once parsed)', () => `"iat":${now()},"exp":1e400`],
    ['exp: 1e400 without iat', () => `"exp":1e400`],
    ['exp as a string', () => `"iat":${now()},"exp":"${now() + 300}"`],
    ['iat: -1e400', () => `"iat":-1e400,"exp":${now() + 300}`],
    ['nbf: -1e400', () => `"nbf":-1e400,"exp":${now() + 300}`],
  ] as const) {
    it(`${label} → 401`, async () => {
      const t = setup();
      const user = unique('u');
      await t.kaleyra.register(user);
      await expectRefused(t, await t.token({ bearer: await hs256Raw(payload(user, times())) }));
    });
  }

  it('a lifetime (exp − iat) over 7 days → 401', async () => {
    const t = setup();
    const user = unique('u');
    await t.kaleyra.register(user);
    const token = await hs256(claims(user, { iat: now(), exp: now() + 7 * 86400 + 60 }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('without iat, an exp more than 7 days away → 401', async () => {
    const t = setup();
    const user = unique('u');
    await t.kaleyra.register(user);
    const token = await hs256(claims(user, { iat: undefined, exp: now() + 8 * 86400 }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('an iat in the future (beyond the clock tolerance) → 401', async () => {
    const t = setup();
    const user = unique('u');
    await t.kaleyra.register(user);
    const token = await hs256(claims(user, { iat: now() + 3600, exp: now() + 7200 }));
    await expectRefused(t, await t.token({ bearer: token }));
  });

  it('a 7-day lifetime, and one without iat, are accepted', async () => {
    const t = setup({ TOKEN_CACHE: 'off' });
    const user = unique('u');
    await t.kaleyra.register(user);
    const week = await hs256(claims(user, { iat: now() - 60, exp: now() - 60 + 7 * 86400 }));
    expect((await t.token({ bearer: week })).status).toBe(200);
    const noIat = await hs256(claims(user, { iat: undefined, exp: now() + 3600 }));
    expect((await t.token({ bearer: noIat })).status).toBe(200);
  });
});

describe('SITE_USER_CLAIM=email needs email_verified: true', () => {
  for (const [label, verified] of [
    ['missing', undefined],
    ['false', false],
    ['the string "true"', 'true'],
    ['1', 1],
  ] as const) {
    it(`email_verified ${label} → 401`, async () => {
      const t = setup({ SITE_USER_CLAIM: 'email' });
      const token = await hs256(
        claims('sub-1', { email: `${unique('e')}@example.com`, email_verified: verified }),
      );
      await expectRefused(t, await t.token({ bearer: token }));
    });
  }

  it('email_verified: true → the address is mapped and used', async () => {
    const t = setup({ SITE_USER_CLAIM: 'email' });
    const token = await hs256(
      claims('sub-1', { email: `${unique('e')}@example.com`, email_verified: true }),
    );
    expect((await t.token({ bearer: token })).status).toBe(502); // not registered: reached Kaleyra
    const [call] = await t.kaleyra.calls();
    expect(call?.user_id).toMatch(/^sha\.[a-z2-7]{26}$/);
  });

  it('holds in Access mode too', async () => {
    const team = new IdpHost();
    const key = await signingKey('RS256');
    await team.publish(jwks(key));
    const t = setup({
      AUTH_MODE: 'access',
      SITE_JWT_ISSUER: team.origin,
      SITE_JWT_AUDIENCE: 'aud-tag',
      SITE_USER_CLAIM: 'email',
    });
    const assertion = await key.sign({
      ...claims('uuid-sub', { iss: team.origin, aud: ['aud-tag'] }),
      email: 'ada@example.com',
    });
    const res = await t.fetch('/v1/token', {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        'content-type': 'application/json',
        'cf-access-jwt-assertion': assertion,
      },
      body: '{}',
    });
    await expectRefused(t, res);
  });
});

describe('the credential cookie sent more than once (cookie tossing)', () => {
  const COOKIE = 'site_jwt';
  async function cookieSetup() {
    const t = setup({ SITE_JWT_COOKIE: COOKIE });
    const [victim, attacker] = [unique('victim'), unique('attacker')];
    await t.kaleyra.register(victim, attacker);
    const post = (cookie: string) =>
      t.fetch('/v1/token', {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json', cookie },
        body: '{}',
      });
    return {
      t,
      post,
      victim: await hs256(claims(victim)),
      attacker: await hs256(claims(attacker)),
      ids: { victim, attacker },
    };
  }

  it(`${COOKIE}=<A>; ${COOKIE}=<B> → 400 bad_request, Kaleyra never called`, async () => {
    const { t, post, victim, attacker } = await cookieSetup();
    await expectRefused(t, await post(`${COOKIE}=${attacker}; ${COOKIE}=${victim}`), 400);
    await expectRefused(
      t,
      await post(`${COOKIE}=${victim}; theme=dark; ${COOKIE}=${attacker}`),
      400,
    );
  });

  it('the same token twice is refused as well (the worker cannot tell who planted which)', async () => {
    const { t, post, victim } = await cookieSetup();
    await expectRefused(t, await post(`${COOKIE}=${victim}; ${COOKIE}=${victim}`), 400);
  });

  it('a second, empty occurrence counts too', async () => {
    const { t, post, victim } = await cookieSetup();
    await expectRefused(t, await post(`${COOKIE}=; ${COOKIE}=${victim}`), 400);
  });

  it('a __Host- cookie name (as the README recommends) works', async () => {
    const t = setup({ SITE_JWT_COOKIE: '__Host-site_jwt' });
    const user = unique('host');
    await t.kaleyra.register(user);
    const res = await t.fetch('/v1/token', {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        'content-type': 'application/json',
        cookie: `__Host-site_jwt=${await hs256(claims(user))}`,
      },
      body: '{}',
    });
    expect(res.status).toBe(200);
  });

  it('names are case-sensitive: another case is another cookie, ignored', async () => {
    const { post, victim, attacker, ids } = await cookieSetup();
    const res = await post(`SITE_JWT=${attacker}; ${COOKIE}=${victim}; Site_Jwt=${attacker}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user_id: string }).user_id).toBe(ids.victim);
  });

  it('a name that merely contains the cookie name is another cookie', async () => {
    const { post, victim, attacker, ids } = await cookieSetup();
    const res = await post(`x${COOKIE}=${attacker}; ${COOKIE}=${victim}; ${COOKIE}x=${attacker}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user_id: string }).user_id).toBe(ids.victim);
  });
});

describe('a comma inside a cookie value is part of that value (RFC 6265: pairs end at ";" only)', () => {
  // Browsers join cookie pairs with "; " and accept a comma inside a value, so a
  // sibling subdomain can plant `pref=1,site_jwt=<its own JWT>` as one cookie named pref.
  const COOKIE = 'site_jwt';
  async function cookieSetup() {
    const t = setup({ SITE_JWT_COOKIE: COOKIE });
    const [victim, attacker] = [unique('victim'), unique('attacker')];
    await t.kaleyra.register(victim, attacker);
    const post = (headers: HeadersInit) => {
      const all = new Headers(headers);
      all.set('origin', ORIGIN);
      all.set('content-type', 'application/json');
      return t.fetch('/v1/token', { method: 'POST', headers: all, body: '{}' });
    };
    return {
      t,
      post,
      victim: await hs256(claims(victim)),
      attacker: await hs256(claims(attacker)),
      ids: { victim, attacker },
    };
  }
  const userOf = async (res: Response) => ((await res.json()) as { user_id: string }).user_id;

  for (const glue of [',', ', ']) {
    it(`pref=1${glue}${COOKIE}=<attacker> alone signs nobody in (no login CSRF) → 401; Kaleyra never called`, async () => {
      const { t, post, attacker } = await cookieSetup();
      await expectRefused(t, await post({ cookie: `pref=1${glue}${COOKIE}=${attacker}` }));
    });
  }

  it('beside the genuine cookie, the planted text is ignored: the visitor is served as themselves', async () => {
    const { post, victim, attacker, ids } = await cookieSetup();
    for (const cookie of [
      `pref=1,${COOKIE}=${attacker}; ${COOKIE}=${victim}`,
      `${COOKIE}=${victim}; pref=1,${COOKIE}=${attacker}`,
      `pref=1,${COOKIE}=x; ${COOKIE}=${victim}; theme=a,${COOKIE}=y`,
    ]) {
      const res = await post({ cookie });
      expect(res.status).toBe(200);
      expect(await userOf(res)).toBe(ids.victim);
    }
  });

  it('planted text naming the cookie twice locks nobody out: a bearer token without the cookie is served', async () => {
    const { post, victim, ids } = await cookieSetup();
    const res = await post({
      authorization: `Bearer ${victim}`,
      cookie: `pref=1,${COOKIE}=x,${COOKIE}=y; theme=dark`,
    });
    expect(res.status).toBe(200);
    expect(await userOf(res)).toBe(ids.victim);
  });

  it('two Cookie header lines reach the worker joined by ", " and are read as one header: the second line is part of the first line’s last value, never a credential', async () => {
    const { t, post, victim, attacker } = await cookieSetup();
    const twoLines = (first: string, second: string) => {
      const headers = new Headers();
      headers.append('cookie', first);
      headers.append('cookie', second);
      return headers;
    };
    // What the runtime hands the worker (workerd does the same for two lines on the wire).
    expect(twoLines('theme=dark', `${COOKIE}=${victim}`).get('cookie')).toBe(
      `theme=dark, ${COOKIE}=${victim}`,
    );
    await expectRefused(t, await post(twoLines('theme=dark', `${COOKIE}=${attacker}`)));
    // The credential in the first line takes the second line into its value: not a token.
    await expectRefused(t, await post(twoLines(`${COOKIE}=${victim}`, 'theme=dark')));
    await expectRefused(t, await post(twoLines(`${COOKIE}=${victim}`, `${COOKIE}=${attacker}`)));
  });
});
