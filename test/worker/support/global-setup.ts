/**
 * Runs once in Node before the worker tests (vitest.config.mts `globalSetup`):
 * - bundles the worker exactly as a deploy would (`wrangler deploy --dry-run`)
 *   and prints the bundle's size and gzip size; bundle.test.ts checks the result;
 * - reads the rate limits from wrangler.jsonc, so rate-limit tests use the
 *   deployed numbers rather than copies of them;
 * - hashes the element's built files in dist/ (`npm run build`), which
 *   assets.test.ts compares with what the worker's static assets serve.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TestProject } from 'vitest/node';
import { unstable_readConfig } from 'wrangler';
import { SERVED_FILES } from '../../../worker/assets.build.mjs';

export interface WorkerBundle {
  ok: boolean;
  bytes: number;
  gzipBytes: number;
  /** Last lines of wrangler's output when it failed. */
  output: string;
}

export interface Limits {
  ip: number;
  user: number;
  guest: number;
  period: number;
}

/** The element's files as built: the package's version, and each file's SHA-256 (hex) by name. */
export interface BuiltFiles {
  version: string;
  sha256: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    workerBundle: WorkerBundle;
    limits: Limits;
    builtFiles: BuiltFiles;
  }
}

export default function setup(project: TestProject): void {
  project.provide('limits', readLimits());
  project.provide('builtFiles', hashBuiltFiles());
  project.provide('workerBundle', dryRun());
}

/** dist/'s files that the worker serves; one not built is left out (assets.test.ts says so). */
function hashBuiltFiles(): BuiltFiles {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const sha256: Record<string, string> = {};
  for (const name of SERVED_FILES) {
    const path = join('dist', name);
    if (existsSync(path)) {
      sha256[name] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  }
  return { version, sha256 };
}

function readLimits(): Limits {
  const config = unstable_readConfig({ config: 'wrangler.jsonc' });
  const limiters: { name: string; simple: { limit: number; period: number } }[] = config.ratelimits;
  const find = (name: string) => {
    const binding = limiters.find((r) => r.name === name);
    if (!binding) throw new Error(`wrangler.jsonc has no rate limiter ${name}`);
    return binding.simple;
  };
  const ip = find('IP_LIMITER');
  const user = find('USER_LIMITER');
  const guest = find('GUEST_LIMITER');
  if (ip.period !== user.period || ip.period !== guest.period) {
    throw new Error('the rate limiters should share one period (the Retry-After the worker sends)');
  }
  return { ip: ip.limit, user: user.limit, guest: guest.limit, period: ip.period };
}

function dryRun(): WorkerBundle {
  const outdir = mkdtempSync(join(tmpdir(), 'kaleyra-worker-'));
  try {
    const run = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0' },
    });
    if (run.status !== 0) {
      const output = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-15).join('\n');
      return { ok: false, bytes: 0, gzipBytes: 0, output };
    }
    const code = readFileSync(join(outdir, 'index.js'));
    const bundle = { ok: true, bytes: code.length, gzipBytes: gzipSync(code).length, output: '' };
    const kib = (n: number) => (n / 1024).toFixed(2);
    console.log(
      `worker bundle (wrangler deploy --dry-run): ${kib(bundle.bytes)} KiB, gzip ${kib(bundle.gzipBytes)} KiB`,
    );
    return bundle;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
