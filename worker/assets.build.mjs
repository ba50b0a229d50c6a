/**
 * The worker's static files, for rollup.config.mjs: its last entry writes
 * dist/worker-assets/, the folder that wrangler.jsonc's `assets` deploys with the
 * worker (Workers Static Assets), so one deploy serves a site its token endpoint and
 * the element's script (worker/README.md, The element's files):
 *
 *   kaleyra-call/<version>/kaleyra-call.js, .iife.js, .runtime.<en|it|es>.js,
 *                          .trusted-types.js (each with its .map), integrity.json
 *   _headers               the files' headers (below); read by the assets service, not served
 *
 * The files are dist/'s, byte for byte, under a folder that names the version: the
 * bundle loads its runtime file from beside itself, and a version's files never change,
 * so only they are cached for a year as immutable. Whatever else the folder holds (an
 * earlier version's files) is deleted: a deploy carries the files of its own version and
 * nothing else. The folder itself stays, for a `wrangler dev` that serves it meanwhile.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ASSETS_DIR = 'dist/worker-assets';
/** The element's files, as in dist/. */
const ELEMENT_FILES = [
  'kaleyra-call.js',
  'kaleyra-call.iife.js',
  'kaleyra-call.runtime.en.js',
  'kaleyra-call.runtime.it.js',
  'kaleyra-call.runtime.es.js',
  'kaleyra-call.trusted-types.js',
];
/** What the versioned folder holds: those files, their source maps, and their hashes. */
export const SERVED_FILES = [
  ...ELEMENT_FILES.flatMap((name) => [name, `${name}.map`]),
  'integrity.json',
];

/**
 * The folder of a version's files, as served: `kaleyra-call/0.1.0`. Not `kaleyra-call@0.1.0`
 * as on npm CDNs: the assets service answers a path with `@` by a redirect to its `%40`
 * spelling, which its `_headers` rules then miss.
 */
export function versionFolder(version) {
  if (!/^[0-9A-Za-z.-]+$/.test(version)) {
    throw new Error(`worker-assets: the version ${version} does not fit in a URL path as it is`);
  }
  return `kaleyra-call/${version}`;
}

/**
 * The headers of every file (Workers Static Assets' `_headers` applies them to the
 * files only, never to the worker's own answers, whose CORS stays exact-origin):
 * anyone may load them, `integrity` included (which needs CORS across origins),
 * and only the versioned folder is immutable.
 */
export function headersFile(version) {
  return [
    '# Written by `npm run build` (worker/assets.build.mjs). Applies to the static files only.',
    '/*',
    '  Access-Control-Allow-Origin: *',
    '  Cross-Origin-Resource-Policy: cross-origin',
    '  X-Content-Type-Options: nosniff',
    `/${versionFolder(version)}/*`,
    '  Cache-Control: public, max-age=31536000, immutable',
    '',
  ].join('\n');
}

/** Writes the folder from dist/'s files, leaving nothing else in it. */
export function writeWorkerAssets() {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const folder = join(ASSETS_DIR, versionFolder(version));
  mkdirSync(folder, { recursive: true });
  keepOnly(ASSETS_DIR, ['kaleyra-call', '_headers']);
  keepOnly(join(ASSETS_DIR, 'kaleyra-call'), [version]);
  keepOnly(folder, SERVED_FILES);
  for (const name of SERVED_FILES) copyFileSync(join('dist', name), join(folder, name));
  writeFileSync(join(ASSETS_DIR, '_headers'), headersFile(version));
}

function keepOnly(dir, names) {
  for (const entry of readdirSync(dir)) {
    if (!names.includes(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}
