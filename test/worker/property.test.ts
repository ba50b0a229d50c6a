import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_KEY,
  claims,
  hs256,
  ORIGIN,
  randomIp,
  setup,
  signingKey,
  unique,
  unsigned,
  type Setup,
} from './support/harness';

/**
 * Random requests (methods, paths, origins, headers, credentials, bodies)
 * against two deployments: bearer-only, and cookie mode. Whatever arrives:
 * - the answer is never a 5xx (Kaleyra is healthy and every signed-in user exists),
 * - Kaleyra is called only for a request carrying a valid credential in a place
 *   the configuration accepts,
 * - the API key is never in the answer.
 */
const COOKIE = 'site_session';
const USERS = Array.from({ length: 8 }, () => unique('prop'));

type CredentialKind =
  'none' | 'valid' | 'expired' | 'alg-none' | 'wrong-secret' | 'rs256' | 'garbage';
type Placement = 'authorization' | 'cookie' | 'access-header' | 'query' | 'body';

interface Run {
  cookieMode: boolean;
  method: string;
  path: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
  contentType: string | undefined;
  body: string | undefined;
  credential: { kind: CredentialKind; user: number; placement: Placement; garbage: string };
  extraHeaders: [string, string][];
}

const methods = fc.constantFrom(
  'GET',
  'POST',
  'POST',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'HEAD',
);
const paths = fc.oneof(
  { weight: 6, arbitrary: fc.constant('/v1/token') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/v1/token/',
      '/V1/TOKEN',
      '/v1%2Ftoken',
      '/v1//token',
      '/health',
      '/',
      '/v1/token?user_id=victim',
    ),
  },
  { weight: 1, arbitrary: fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)) },
);
const origins = fc.option(
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(ORIGIN) },
    {
      weight: 2,
      arbitrary: fc.constantFrom('null', 'https://evil.example', `${ORIGIN}.evil.example`),
    },
    { weight: 1, arbitrary: fc.webUrl().map((u) => new URL(u).origin) },
  ),
  { nil: undefined },
);
const contentTypes = fc.option(
  fc.oneof(
    { weight: 5, arbitrary: fc.constant('application/json') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  ),
  { nil: undefined },
);
const bodies = fc.option(
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('{}', '', ' {} ') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '{"user_id":"victim"}',
        '{"expires_in":86400}',
        '[]',
        'null',
        '{',
        'x'.repeat(2000),
      ),
    },
    { weight: 2, arbitrary: fc.json({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 1500 }) },
  ),
  { nil: undefined },
);
const credentials = fc.record({
  kind: fc.constantFrom<CredentialKind>(
    'none',
    'valid',
    'valid',
    'valid',
    'expired',
    'alg-none',
    'wrong-secret',
    'rs256',
    'garbage',
  ),
  user: fc.nat({ max: USERS.length - 1 }),
  placement: fc.constantFrom<Placement>(
    'authorization',
    'authorization',
    'authorization',
    'cookie',
    'cookie',
    'access-header',
    'query',
    'body',
  ),
  garbage: fc.string({ maxLength: 60 }),
});
const headerNames = fc.constantFrom(
  'x-request-id',
  'x-forwarded-for',
  'forwarded',
  'x-user-id',
  'cf-connecting-ip',
  'accept',
  'cookie',
  'authorization',
  'x-http-method-override',
  'access-control-request-method',
);
const extraHeaders = fc.array(fc.tuple(headerNames, fc.string({ maxLength: 80 })), {
  maxLength: 3,
});

const secFetchSites = fc.option(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none'), {
  nil: undefined,
});

/** Anything goes in every field. */
const wildRuns = fc.record({
  cookieMode: fc.boolean(),
  method: methods,
  path: paths,
  origin: origins,
  secFetchSite: secFetchSites,
  contentType: contentTypes,
  body: bodies,
  credential: credentials,
  extraHeaders,
});

/** Usually the value of a well-formed request; sometimes anything. */
function mostly<T>(usual: T, wild: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ weight: 6, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: wild });
}

/** A well-formed token request with a few fields gone wrong, so that runs reach the mint. */
const nearlyValidRuns = fc.record({
  cookieMode: fc.boolean(),
  method: mostly('POST', methods),
  path: mostly('/v1/token', paths),
  origin: mostly<string | undefined>(ORIGIN, origins),
  secFetchSite: mostly<string | undefined>('same-site', secFetchSites),
  contentType: mostly<string | undefined>('application/json', contentTypes),
  body: mostly<string | undefined>('{}', bodies),
  credential: fc.record({
    kind: mostly<CredentialKind>(
      'valid',
      credentials.map((c) => c.kind),
    ),
    user: fc.nat({ max: USERS.length - 1 }),
    placement: fc.constantFrom<Placement>('authorization', 'authorization', 'cookie', 'query'),
    garbage: fc.string({ maxLength: 60 }),
  }),
  extraHeaders: mostly<[string, string][]>([], extraHeaders),
});

const runs = fc.oneof(wildRuns, nearlyValidRuns) as fc.Arbitrary<Run>;

describe('property: random requests', () => {
  it('never 5xx, never an unauthenticated Kaleyra call, never the API key (500 runs)', async () => {
    const deployments: Record<'bearer' | 'cookie', Setup> = {
      bearer: setup({ TOKEN_CACHE: 'off' }),
      cookie: setup({ TOKEN_CACHE: 'off', SITE_JWT_COOKIE: COOKIE }),
    };
    for (const t of Object.values(deployments)) await t.kaleyra.register(...USERS);
    const rsKey = await signingKey('RS256');
    const now = Math.floor(Date.now() / 1000);
    const tokens = await Promise.all(
      USERS.map(async (user) => ({
        valid: await hs256(claims(user, { exp: now + 3600 })),
        expired: await hs256(claims(user, { iat: now - 7200, exp: now - 3600 })),
        'alg-none': unsigned(claims(user)),
        'wrong-secret': await hs256(claims(user), 'an-attacker-secret-long-enough-00000000'),
        rs256: await rsKey.sign(claims(user)),
      })),
    );
    const credentialValue = (c: Run['credential']): string | undefined =>
      c.kind === 'none' ? undefined : c.kind === 'garbage' ? c.garbage : tokens[c.user]![c.kind];

    /** Whether this run presents a valid credential where its deployment accepts one. */
    const authenticates = (run: Run): boolean => {
      const { kind, placement } = run.credential;
      if (kind !== 'valid') return false;
      if (placement === 'authorization') return true;
      return (
        placement === 'cookie' &&
        run.cookieMode &&
        run.origin === ORIGIN &&
        run.secFetchSite !== 'cross-site' &&
        // A stray Authorization header is tried (and fails) before any cookie.
        !run.extraHeaders.some(([name]) => name === 'authorization')
      );
    };

    let upstreamCalls = 0;
    let successes = 0;
    await fc.assert(
      fc.asyncProperty(runs, async (run) => {
        const t = run.cookieMode ? deployments.cookie : deployments.bearer;
        const headers = new Headers();
        for (const [name, value] of run.extraHeaders) headers.set(name, value);
        if (run.origin !== undefined) headers.set('origin', run.origin);
        if (run.secFetchSite !== undefined) headers.set('sec-fetch-site', run.secFetchSite);
        if (run.contentType !== undefined) headers.set('content-type', run.contentType);
        let path = run.path;
        let body = run.body;
        const value = credentialValue(run.credential);
        if (value !== undefined) {
          const placement = run.credential.placement;
          if (placement === 'authorization') headers.set('authorization', `Bearer ${value}`);
          if (placement === 'cookie') headers.set('cookie', `${COOKIE}=${value}`);
          if (placement === 'access-header') headers.set('cf-access-jwt-assertion', value);
          if (placement === 'query')
            path += `${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(value)}`;
          if (placement === 'body') body = JSON.stringify({ token: value });
        }
        const withBody = run.method !== 'GET' && run.method !== 'HEAD';

        const before = (await t.kaleyra.credentialCalls()).length;
        const res = await t.fetch(path, {
          method: run.method,
          headers,
          body: withBody && body !== undefined ? new TextEncoder().encode(body) : undefined,
          ip: randomIp(),
        });
        const text = await res.text();
        const called = (await t.kaleyra.credentialCalls()).length - before;

        expect(res.status).toBeLessThan(500);
        expect(text).not.toContain(API_KEY);
        if (called > 0) expect(authenticates(run)).toBe(true);
        expect(called).toBeLessThanOrEqual(1);
        upstreamCalls += called;
        if (res.status === 200 && run.path.startsWith('/v1/token')) successes += 1;
      }),
      { numRuns: 500 },
    );
    // The generators must reach the minting code often enough for the property to mean something.
    expect(upstreamCalls).toBeGreaterThan(10);
    expect(successes).toBe(upstreamCalls);
  }, 180_000);
});
