// Size budget (needs `npm run build`): what a page downloads for the element,
// and what Cloudflare deploys for the token worker, compressed with gzip at
// zlib's default level (what CDNs serve when a browser does not ask for brotli).
//   each CDN bundle (Lit included): what a page loads before interaction   ≤ 7 KiB gzip
//   that bundle and the largest runtime it loads at intent or at a start (one
//   per language: dist/kaleyra-call.runtime.<en|it|es>.js), together       ≤ 18 KiB gzip
// (Lit's ReactiveElement alone is about 2.7 KiB of the first figure.)
//   the opt-in Trusted Types default policy (dist/kaleyra-call.trusted-types.js) ≤ 1 KiB gzip
//   the worker bundle (`wrangler deploy --dry-run`)                        ≤ 60 KiB gzip
// Every figure is printed, pass or fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const CDN_BUDGET = 7 * 1024;
const TOTAL_BUDGET = 18 * 1024;
const TRUSTED_TYPES_BUDGET = 1024;
const WORKER_BUDGET = 60 * 1024;
const RUNTIMES = ['en', 'it', 'es'].map((language) => `dist/kaleyra-call.runtime.${language}.js`);

function measure(bytes) {
  return { bytes: bytes.length, gzip: gzipSync(bytes).length };
}

function report(t, label, { bytes, gzip }, budget) {
  const verdict = gzip <= budget ? 'within' : `OVER by ${gzip - budget} B`;
  t.diagnostic(`${label}: ${bytes} B, gzip ${gzip} B (budget ${budget} B, ${verdict})`);
}

for (const file of ['dist/kaleyra-call.js', 'dist/kaleyra-call.iife.js']) {
  test(`${file} is at most ${CDN_BUDGET} B gzip, and with each runtime at most ${TOTAL_BUDGET} B`, (t) => {
    const size = measure(readFileSync(file));
    report(t, file, size, CDN_BUDGET);
    const totals = RUNTIMES.map((runtime) => {
      const own = measure(readFileSync(runtime));
      t.diagnostic(`${runtime}: ${own.bytes} B, gzip ${own.gzip} B`);
      const total = { bytes: size.bytes + own.bytes, gzip: size.gzip + own.gzip };
      report(t, `${file} + ${runtime}`, total, TOTAL_BUDGET);
      return total.gzip;
    });
    assert.ok(size.gzip <= CDN_BUDGET, `${file} is ${size.gzip} B gzip, budget ${CDN_BUDGET} B`);
    const largest = Math.max(...totals);
    assert.ok(
      largest <= TOTAL_BUDGET,
      `${file} and its largest runtime are ${largest} B gzip, budget ${TOTAL_BUDGET} B`,
    );
  });
}

test(`dist/kaleyra-call.trusted-types.js is at most ${TRUSTED_TYPES_BUDGET} B gzip`, (t) => {
  const file = 'dist/kaleyra-call.trusted-types.js';
  const size = measure(readFileSync(file));
  report(t, file, size, TRUSTED_TYPES_BUDGET);
  assert.ok(size.gzip <= TRUSTED_TYPES_BUDGET, `${file} is ${size.gzip} B gzip`);
});

test(`the worker bundle is at most ${WORKER_BUDGET} B gzip`, (t) => {
  const outdir = mkdtempSync(join(tmpdir(), 'kaleyra-worker-size-'));
  t.after(() => rmSync(outdir, { recursive: true, force: true }));
  const run = spawnSync(
    process.execPath,
    ['node_modules/wrangler/bin/wrangler.js', 'deploy', '--dry-run', '--outdir', outdir],
    { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0' } },
  );
  assert.equal(run.status, 0, `wrangler deploy --dry-run failed:\n${run.stdout}\n${run.stderr}`);
  const bundles = readdirSync(outdir).filter((f) => f.endsWith('.js'));
  assert.equal(bundles.length, 1, `expected one worker bundle, found ${bundles.join(', ')}`);
  const size = measure(readFileSync(join(outdir, bundles[0])));
  report(t, `worker bundle (${bundles[0]})`, size, WORKER_BUDGET);
  assert.ok(size.gzip <= WORKER_BUDGET, `worker is ${size.gzip} B gzip, budget ${WORKER_BUDGET} B`);
});
