import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';

/**
 * The element's files as the worker deploys them (Workers Static Assets, wrangler.jsonc
 * `assets`), read through the ASSETS binding: the assets service of workerd with the
 * folder `npm run build` wrote and its _headers. What Cloudflare does with a path that has
 * no file, it sends to the worker: the worker's answer is checked for those paths too.
 */
const built = inject('builtFiles');
const FOLDER = `/kaleyra-call/${built.version}`;
const JS = [
  'kaleyra-call.js',
  'kaleyra-call.iife.js',
  'kaleyra-call.runtime.en.js',
  'kaleyra-call.runtime.it.js',
  'kaleyra-call.runtime.es.js',
  'kaleyra-call.trusted-types.js',
];
const FILES = [...JS, ...JS.map((name) => `${name}.map`), 'integrity.json'];

const file = (path: string, init?: RequestInit) =>
  env.ASSETS.fetch(`https://token.test${path}`, init);

async function digest(algorithm: 'SHA-256' | 'SHA-384', bytes: ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, bytes));
}
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

describe('the element’s files, under /kaleyra-call/<version>/', () => {
  it('dist/ has all of them (npm run build)', () => {
    expect(Object.keys(built.sha256).sort()).toEqual([...FILES].sort());
  });

  for (const name of FILES) {
    it(`${name}: the bytes of dist/${name}, its type, public CORS, immutable`, async () => {
      const res = await file(`${FOLDER}/${name}`);
      expect(res.status).toBe(200);
      expect(hex(await digest('SHA-256', await res.arrayBuffer()))).toBe(built.sha256[name]);
      expect(res.headers.get('content-type')).toBe(
        name.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'application/json',
      );
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    });
  }

  it('integrity.json’s hashes are those of the files served, so `integrity` holds', async () => {
    const integrity = (await (await file(`${FOLDER}/integrity.json`)).json()) as Record<
      string,
      string
    >;
    for (const name of JS) {
      const bytes = await (await file(`${FOLDER}/${name}`)).arrayBuffer();
      expect(integrity[`dist/${name}`], name).toBe(
        `sha384-${base64(await digest('SHA-384', bytes))}`,
      );
    }
  });

  it('a revalidation with the ETag is a 304', async () => {
    const first = await file(`${FOLDER}/kaleyra-call.iife.js`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await file(`${FOLDER}/kaleyra-call.iife.js`, {
      headers: { 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
  });

  it('the _headers file itself is not served', async () => {
    expect((await file('/_headers')).status).toBe(404);
  });
});

describe('anything unversioned is not immutable', () => {
  const paths = [
    '/kaleyra-call/kaleyra-call.iife.js',
    '/kaleyra-call.iife.js',
    '/dist/kaleyra-call.iife.js',
    '/kaleyra-call/latest/kaleyra-call.iife.js',
    `/kaleyra-call/0.0.0-not-this-one/kaleyra-call.iife.js`,
    `/kaleyra-call@${built.version}/kaleyra-call.iife.js`,
  ];
  for (const path of paths) {
    it(`${path}: no file; the worker’s answer is a 404 that is never stored`, async () => {
      const asset = await file(path);
      expect(asset.status).toBe(404);
      expect(asset.headers.get('cache-control') ?? '').not.toMatch(/immutable|max-age=[1-9]/);
      const res = await exports.default.fetch(`https://token.test${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  }
});
