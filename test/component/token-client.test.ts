import { expect } from '@open-wc/testing';
import { KaleyraCallError } from '../../component/common/errors.js';
import {
  fetchToken,
  validate,
  type EndpointOptions,
} from '../../component/runtime/token-client.js';
import { fakeClock } from './support/clock.js';
import { fake, type Fake } from './support/fake-backend.js';
import { freshPage, jwtClaims, watchFetch } from './support/page.js';
import { until } from './support/waits.js';
import { word } from '../../component/runtime/messages.js';

const get = (f: Fake, options: Partial<EndpointOptions> = {}) =>
  fetchToken({ endpoint: f.token, credentials: 'same-origin', ...options });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as KaleyraCallError,
  );

const errorStep = (status: number, code: string, headers?: Record<string, string>) => ({
  status,
  body: { error: { code, message: `${code} from the test` } },
  ...(headers ? { headers } : {}),
});

describe('token-client: fetchToken', () => {
  afterEach(freshPage);

  it('POSTs {} as JSON with the credentials mode, no cache and no Authorization by default', async () => {
    const f = await fake();
    const requests = watchFetch();
    await get(f, { credentials: 'include' });
    const [sent] = requests;
    expect(sent!.credentials).to.equal('include');
    expect(sent!.cache).to.equal('no-store');
    const [req] = await f.log('token');
    expect(req!.method).to.equal('POST');
    expect(req!.body).to.equal('{}');
    expect(req!.headers['content-type']).to.equal('application/json');
    expect(req!.headers.accept).to.equal('application/json');
    expect(req!.headers).not.to.have.property('authorization');
  });

  it('sends cookies only as the credentials mode allows', async () => {
    const f = await fake();
    document.cookie = 'kc_site_session=abc; path=/';
    try {
      await get(f, { credentials: 'omit' });
      await get(f, { credentials: 'same-origin' });
      const [omitted, sameOrigin] = await f.log('token');
      expect(omitted!.headers).not.to.have.property('cookie');
      expect(sameOrigin!.headers.cookie).to.contain('kc_site_session=abc');
    } finally {
      document.cookie = 'kc_site_session=; path=/; max-age=0';
    }
  });

  it('sends Authorization: Bearer from a string, a function or an async function', async () => {
    const f = await fake();
    await get(f, { authToken: 'site-jwt-1' });
    await get(f, { authToken: () => 'site-jwt-2' });
    await get(f, { authToken: async () => 'site-jwt-3' });
    await get(f, { authToken: '' });
    await get(f, { authToken: async () => '' });
    const auth = (await f.log('token')).map((r) => r.headers.authorization);
    expect(auth).to.deep.equal([
      'Bearer site-jwt-1',
      'Bearer site-jwt-2',
      'Bearer site-jwt-3',
      undefined,
      undefined,
    ]);
  });

  it('resolves with the validated token', async () => {
    const f = await fake({ token: [{ user: 'user.42-a', ttlSeconds: 600 }] });
    const before = Date.now();
    const token = await get(f);
    expect(token.userId).to.equal('user.42-a');
    expect(jwtClaims(token.accessToken).user).to.equal('user.42-a');
    expect(new Date(token.expiresAt).toISOString()).to.equal(token.expiresAt);
    expect(Date.parse(token.expiresAt) - before).to.be.within(599_000, 601_000);
  });

  it('a 200 with a body that is not a token → invalid_response, a configuration error at once', async () => {
    const expires_at = new Date(Date.now() + 3600_000).toISOString();
    const good = { access_token: 'a.b.c', user_id: 'alice', expires_at };
    for (const body of [
      { ...good, user_id: 'alice smith' },
      { ...good, user_id: '' },
      { ...good, user_id: 'x'.repeat(129) },
      { user_id: 'alice', expires_at },
      { ...good, access_token: '' },
      { ...good, access_token: 7 },
      { ...good, expires_at: 'tomorrow' },
      { access_token: 'a.b.c', user_id: 'alice' },
      { ...good, app_id: 'w app' },
      { ...good, region: 'mars' },
      { ...good, environment: 'staging' },
      null,
    ]) {
      const f = await fake({ token: [{ body: body === null ? 'null' : body }] });
      const error = await failure(get(f));
      expect(error, JSON.stringify(body)).to.be.instanceOf(KaleyraCallError);
      expect(error, JSON.stringify(body)).to.include({
        phase: 'config',
        code: 'invalid_response',
        fatal: true,
        status: 200,
      });
    }
  });

  it('keeps the app, region and environment the endpoint names', async () => {
    const expires_at = new Date(Date.now() + 3600_000).toISOString();
    const f = await fake({
      token: [
        {
          body: {
            access_token: 'a.b.c',
            user_id: 'alice',
            expires_at,
            app_id: 'wAppId_42',
            region: 'us',
            environment: 'production',
          },
        },
      ],
    });
    expect(await get(f)).to.include({
      appId: 'wAppId_42',
      region: 'us',
      environment: 'production',
    });
  });

  for (const [what, step, code, params] of [
    [
      'a 404',
      { status: 404, body: { error: { code: 'not_found', message: 'x' } } },
      'not_found',
      {},
    ],
    [
      'an HTML 404',
      { status: 404, body: '<html>Not found</html>', headers: { 'Content-Type': 'text/html' } },
      'not_found',
      {},
    ],
    [
      'an HTML 200 (a SPA fallback)',
      {
        status: 200,
        body: '<!doctype html><title>Shop</title>',
        headers: { 'Content-Type': 'text/html; charset=utf-8' },
      },
      'unexpected_response',
      { status: 200, type: 'text/html' },
    ],
    [
      'a non-JSON 403',
      { status: 403, body: 'Forbidden', headers: { 'Content-Type': 'text/plain' } },
      'unexpected_response',
      { status: 403, type: 'text/plain' },
    ],
    [
      'a redirect (to a login page)',
      { status: 302, headers: { Location: '/login' }, body: '' },
      'token_redirect',
      {},
    ],
  ] as const) {
    it(`${what} → ${code}, a configuration error at once naming the URL`, async () => {
      const f = await fake({ token: [step] });
      const error = await failure(get(f));
      expect(error).to.include({ phase: 'config', code, fatal: true });
      expect(error.params).to.include({ url: new URL(f.token, location.href).href, ...params });
      expect(word(error, 'en').message).to.contain(f.token);
      expect(await f.log('token')).to.have.length(1);
    });
  }

  it('any 4xx but 429 is fatal and carries the body’s code (a code outside the contract: its status’s)', async () => {
    for (const [status, code, reported] of [
      [400, 'bad_request', 'bad_request'],
      [401, 'unauthenticated', 'unauthenticated'],
      [403, 'origin_not_allowed', 'origin_not_allowed'],
      [413, 'body_too_large', 'body_too_large'],
      [418, 'teapot', 'bad_request'],
    ] as const) {
      const f = await fake({ token: [errorStep(status, code)] });
      const error = await failure(get(f));
      expect(error).to.be.instanceOf(KaleyraCallError);
      expect(error).to.include({ phase: 'token', code: reported, fatal: true, status });
      expect(error.params).to.include({ server: code, status });
      // The server's own text is not repeated: the element says it in its words.
      expect(error.message).not.to.contain('from the test');
      expect(error.retryInMs).to.equal(undefined);
    }
  });

  it('429 and 5xx are retryable; Retry-After (seconds) becomes retryInMs', async () => {
    for (const [status, code, retryAfter, retryInMs] of [
      [429, 'rate_limited', '3', 3000],
      [500, 'internal', undefined, undefined],
      [502, 'upstream_error', '0', 0],
      [503, 'unavailable', '120', 120_000],
      [504, 'upstream_timeout', 'soon', undefined],
    ] as const) {
      const headers = retryAfter === undefined ? undefined : { 'Retry-After': retryAfter };
      const f = await fake({ token: [errorStep(status, code, headers)] });
      const error = await failure(get(f));
      expect(error).to.include({ phase: 'token', code, fatal: false, status });
      expect(error.retryInMs, `${status}`).to.equal(retryInMs);
    }
  });

  it('a 5xx is retried whatever its body; an error body without a code gets its status’s', async () => {
    for (const [status, body, code, fatal] of [
      [502, '<html>Bad gateway</html>', 'upstream_error', false],
      [500, '', 'internal', false],
      [599, 'oops', 'internal', false],
      [400, { error: { code: 7 } }, 'bad_request', true],
    ] as const) {
      const f = await fake({ token: [{ status, body }] });
      const error = await failure(get(f));
      expect(error).to.include({ phase: 'token', code, fatal, status });
      expect(word(error, 'en').message).to.contain(String(status));
    }
  });

  it('a network error is retryable', async () => {
    const f = await fake({ token: [{ network: true }] });
    const error = await failure(get(f));
    expect(error).to.be.instanceOf(KaleyraCallError);
    expect(error).to.include({ phase: 'token', code: 'network_error', fatal: false });
    expect(error.status).to.equal(undefined);
  });

  it('gives up on an endpoint that does not answer after the timeout (15 s by default)', async () => {
    const clock = fakeClock({ frozen: true });
    const f = await fake({ token: [{ hang: true }] });
    let settled = false;
    const result = failure(get(f)).finally(() => (settled = true));
    await until(async () => (await f.log('token')).length === 1, 'the request');
    await clock.advance(14_999);
    expect(settled).to.equal(false);
    await clock.advance(1);
    const error = await result;
    expect(error).to.include({ phase: 'token', code: 'network_error', fatal: false });
    expect(clock.pending()).to.deep.equal([]);

    const g = await fake({ token: [{ hang: true }] });
    const short = failure(get(g, { timeoutMs: 500 }));
    await until(async () => (await g.log('token')).length === 1, 'the request');
    await clock.advance(500);
    expect(await short).to.include({ code: 'network_error' });
  });

  it('an abort rejects with the signal’s reason and clears the timeout', async () => {
    const clock = fakeClock({ frozen: true });
    const f = await fake({ token: [{ hang: true }] });
    const controller = new AbortController();
    const result = get(f, { signal: controller.signal }).catch((e: unknown) => e);
    await until(async () => (await f.log('token')).length === 1, 'the request');
    expect(clock.pending()).to.deep.equal([15_000]);
    const reason = new DOMException('the element left', 'AbortError');
    controller.abort(reason);
    expect(await result).to.equal(reason);
    expect(clock.pending()).to.deep.equal([]);
  });

  it('sends nothing when aborted before the request (say, while the bearer function ran)', async () => {
    const f = await fake();
    const controller = new AbortController();
    const reason = new DOMException('superseded', 'AbortError');
    const result = get(f, {
      signal: controller.signal,
      authToken: async () => {
        controller.abort(reason);
        return 'site-jwt';
      },
    }).catch((e: unknown) => e);
    expect(await result).to.equal(reason);
    expect(await f.log('token')).to.have.length(0);
  });
});

describe('token-client: validate', () => {
  it('normalises expires_at to an ISO date and keeps the token and user id', () => {
    expect(
      validate({ access_token: 'tok', user_id: 'u_1', expires_at: '2030-01-02T03:04:05Z' }),
    ).to.deep.equal({ accessToken: 'tok', userId: 'u_1', expiresAt: '2030-01-02T03:04:05.000Z' });
  });

  it('refuses a user id that is not a string, even one that looks like an id', () => {
    for (const user_id of [42, ['u_1'], null]) {
      expect(() => validate({ access_token: 'tok', user_id, expires_at: '2030-01-02T03:04:05Z' }))
        .to.throw(KaleyraCallError)
        .that.includes({ code: 'invalid_response' });
    }
  });

  it('refuses a missing body', () => {
    for (const body of [undefined, null, {}]) {
      expect(() => validate(body))
        .to.throw(KaleyraCallError)
        .that.includes({ phase: 'config', code: 'invalid_response', fatal: true });
    }
  });
});
