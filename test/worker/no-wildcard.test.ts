import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guestSetup, ORIGIN, setup, type Setup } from './support/harness';

/**
 * The element's static files are public (`Access-Control-Allow-Origin: *`, from the
 * assets' _headers: assets.test.ts). The worker's own answers never are: whatever the
 * route, method, Origin and deployment (call page on or off, guests on or off), an
 * answer either has no Access-Control-Allow-Origin or names the request's own Origin,
 * and then only one the deployment allows.
 */
const OWN = 'https://token.test';
const PAGE = { KALEYRA_APP_ID: 'wAppId_nowild', CALL_PAGE_TARGETS: 'dr_rossi' };

const deployments: Record<string, () => Setup> = {
  plain: () => setup(),
  page: () => setup(PAGE),
  guests: () => guestSetup(),
  'page and guests': () => guestSetup(PAGE),
};

const methods = fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'DELETE');
const paths = fc.oneof(
  fc.constantFrom(
    '/v1/token',
    '/v1/guest',
    '/health',
    '/call?with=dr_rossi',
    '/call',
    '/kaleyra-call/0.1.0/kaleyra-call.iife.js',
    '/',
  ),
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
);
const origins = fc.option(
  fc.oneof(
    fc.constantFrom(ORIGIN, OWN, 'null', '*', 'https://evil.example', `${ORIGIN}.evil.example`),
    fc.webUrl().map((u) => new URL(u).origin),
  ),
  { nil: undefined },
);

describe('the worker never answers Access-Control-Allow-Origin: *', () => {
  for (const [name, make] of Object.entries(deployments)) {
    it(`${name}: any route, method and Origin`, async () => {
      const t = make();
      const pageOn = name.startsWith('page');
      await fc.assert(
        fc.asyncProperty(methods, paths, origins, async (method, path, origin) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (origin !== undefined) headers.origin = origin;
          if (method === 'OPTIONS') headers['access-control-request-method'] = 'POST';
          const res = await t.fetch(path, {
            method,
            headers,
            body: ['POST', 'PUT', 'DELETE'].includes(method) ? '{}' : undefined,
          });
          const allowOrigin = res.headers.get('access-control-allow-origin');
          await res.body?.cancel();
          expect(allowOrigin).not.toBe('*');
          if (allowOrigin !== null) {
            expect(allowOrigin).toBe(origin);
            expect(allowOrigin === ORIGIN || (pageOn && allowOrigin === OWN)).toBe(true);
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
