import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

// These requests go through the worker's real fetch handler inside workerd.
const worker = exports.default;

describe('GET /health', () => {
  it('answers {"status":"ok"} as JSON and is not cacheable', async () => {
    const res = await worker.fetch('https://token.test/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reveals no configuration', async () => {
    const text = await (await worker.fetch('https://token.test/health')).text();
    expect(text).not.toMatch(/eu|sandbox|example\.com|ak_/);
  });
});

describe('unknown routes', () => {
  for (const path of ['/', '/nope', '/v1', '/health/extra']) {
    it(`${path} → JSON 404 not_found`, async () => {
      const res = await worker.fetch(`https://token.test${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({
        error: { code: 'not_found', message: expect.any(String) },
      });
    });
  }
});
