import { describe, expect, it } from 'vitest';
import { capturedLines } from './support/log-capture';
import { claims, errorOf, hs256, ORIGIN, setup, unique } from './support/harness';

describe('routes and methods', () => {
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    it(`${method} /v1/token → 405 method_not_allowed with Allow, and Kaleyra is never called`, async () => {
      const t = setup();
      const user = unique('m');
      await t.kaleyra.register(user);
      const res = await t.fetch('/v1/token', {
        method,
        headers: {
          origin: ORIGIN,
          'content-type': 'application/json',
          authorization: `Bearer ${await hs256(claims(user))}`,
        },
        body: method === 'GET' ? undefined : '{}',
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST, OPTIONS');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await errorOf(res)).toEqual({
        code: 'method_not_allowed',
        message: expect.any(String),
      });
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }

  it('HEAD /v1/token → 405 with Allow', async () => {
    const t = setup();
    const res = await t.fetch('/v1/token', { method: 'HEAD' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  for (const method of ['POST', 'PUT', 'DELETE']) {
    it(`${method} /health → 405 with Allow: GET, HEAD`, async () => {
      const res = await setup().fetch('/health', { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect(await errorOf(res)).toEqual({
        code: 'method_not_allowed',
        message: expect.any(String),
      });
    });
  }

  it('OPTIONS /health and a custom method on /v1/token → 405 with their Allow', async () => {
    const t = setup();
    const health = await t.fetch('/health', { method: 'OPTIONS' });
    expect(health.status).toBe(405);
    expect(health.headers.get('allow')).toBe('GET, HEAD');
    const custom = await t.fetch('/v1/token', { method: 'PROPFIND' });
    expect(custom.status).toBe(405);
    expect(custom.headers.get('allow')).toBe('POST, OPTIONS');
    expect(custom.headers.get('cache-control')).toBe('no-store');
    expect(custom.headers.get('x-request-id')).toBeTruthy();
  });

  it('the 405 is logged with its own code, not the 404 it replaced', async () => {
    const from = capturedLines.length;
    await setup().fetch('/v1/token', { method: 'PUT', body: '{}' });
    const lines = capturedLines.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ status: 405, code: 'method_not_allowed' })]);
  });

  for (const method of ['GET', 'PUT']) {
    it(`${method} on another spelling of a route (/v1/%74oken) → 404, not 405`, async () => {
      const res = await setup().fetch('/v1/%74oken', { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('allow')).toBeNull();
    });
  }

  const variants = [
    '/v1/token/',
    '/V1/TOKEN',
    '/v1/Token',
    '/v1%2Ftoken',
    '/v1%2ftoken',
    '/v1/token%2F',
    '/v1/token%2f',
    '//v1/token',
    '/v1//token',
    '/v1/token.json',
    '/v1/token;x',
    '/v2/token',
    '/token',
    // Percent-encoded unreserved characters: routes match the raw path, never a decoded one.
    '/v1/%74oken',
    '/v1/toke%6E',
    '/%76%31/token',
    '/v1/%2574oken',
  ];
  for (const path of variants) {
    it(`POST ${path} → 404 not_found, and Kaleyra is never called`, async () => {
      const t = setup();
      const user = unique('p');
      await t.kaleyra.register(user);
      const res = await t.fetch(path, {
        method: 'POST',
        headers: {
          origin: ORIGIN,
          'content-type': 'application/json',
          authorization: `Bearer ${await hs256(claims(user))}`,
        },
        body: '{}',
      });
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toEqual({ code: 'not_found', message: expect.any(String) });
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }
});

describe('routes match the raw path', () => {
  for (const path of ['/%68ealth', '/healt%68']) {
    it(`GET ${path} → 404`, async () => {
      const res = await setup().fetch(path);
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toEqual({ code: 'not_found', message: expect.any(String) });
    });
  }

  it('OPTIONS /v1/%74oken → 404, no CORS grant', async () => {
    const res = await setup().fetch('/v1/%74oken', {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a query string does not change the route', async () => {
    const t = setup();
    const user = unique('q');
    await t.kaleyra.register(user);
    const res = await t.fetch('/v1/token?x=1', {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        'content-type': 'application/json',
        authorization: `Bearer ${await hs256(claims(user))}`,
      },
      body: '{}',
    });
    expect(res.status).toBe(200);
  });
});

describe('request ids are made by the worker', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  for (const sent of ['abc-123', 'attacker-chosen-id', 'a'.repeat(64), 'x y', '']) {
    it(`X-Request-Id ${JSON.stringify(sent)} from the client is never the answer's id`, async () => {
      const res = await setup().fetch('/health', { headers: { 'x-request-id': sent } });
      const id = res.headers.get('x-request-id');
      expect(id).toMatch(UUID);
      expect(id).not.toBe(sent);
    });
  }

  it('two requests get two ids', async () => {
    const t = setup();
    const a = (await t.fetch('/health')).headers.get('x-request-id');
    const b = (await t.fetch('/health')).headers.get('x-request-id');
    expect(a).toMatch(UUID);
    expect(b).not.toBe(a);
  });
});

describe('OPTIONS /v1/token (CORS preflight)', () => {
  const preflight = (origin?: string) => {
    const headers: Record<string, string> = {
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    };
    if (origin !== undefined) headers.origin = origin;
    return setup().fetch('/v1/token', { method: 'OPTIONS', headers });
  };

  it('answers 204 for an allowed origin, naming that origin and never *', async () => {
    const res = await preflight(ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toBe('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toBe(
      'authorization,content-type',
    );
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-max-age')).toBe('600');
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  for (const origin of ['https://evil.example', 'null', 'https://www.example.com.evil.example']) {
    it(`refuses ${origin} with 403 origin_not_allowed and no CORS grant`, async () => {
      const res = await preflight(origin);
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect(await errorOf(res)).toEqual({
        code: 'origin_not_allowed',
        message: expect.any(String),
      });
    });
  }

  it('refuses a preflight without Origin', async () => {
    const res = await preflight();
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toEqual({ code: 'origin_not_allowed', message: expect.any(String) });
  });
});

describe('headers on every answer', () => {
  const requests: [string, string, RequestInit][] = [
    ['health', '/health', {}],
    ['404', '/nope', {}],
    ['405', '/v1/token', { method: 'GET' }],
    ['401', '/v1/token', { method: 'POST', headers: { 'content-type': 'application/json' } }],
    ['preflight', '/v1/token', { method: 'OPTIONS', headers: { origin: ORIGIN } }],
  ];
  for (const [label, path, init] of requests) {
    it(`${label}: no-store, nosniff, a restrictive CSP, no frames, a request id`, async () => {
      const res = await setup().fetch(path, init);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.headers.get('access-control-allow-origin')).not.toBe('*');
    });
  }
});
