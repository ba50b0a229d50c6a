#!/usr/bin/env node
// `npm test`: lint, type-check, build, worker tests (workerd), browser tests
// (Chromium), Node-side tests and the WordPress plugin's tests, in that order. Every step runs even when an
// earlier one fails; the last line is the summary `N passed, N failed`, where N
// counts every test plus one check for each non-test step (lint, type-check,
// build). Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './support/chromium.mjs';
import { ensureWordPress } from './wordpress/support/wordpress.mjs';

const results = 'test-results';
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0' };

/** Each step: a command, and where its test counts come from (none = one check). */
const steps = [
  { name: 'lint', cmd: ['npx', 'eslint', '--max-warnings=0', '.'] },
  { name: 'format', cmd: ['npx', 'prettier', '--check', '.'] },
  // No import circle (type imports included); the element's rooms talk through one door.
  {
    name: 'imports',
    cmd: ['npx', 'depcruise', 'component', 'worker', '--config', '.dependency-cruiser.cjs'],
  },
  { name: 'types (element)', cmd: ['npx', 'tsc', '-p', 'tsconfig.json'] },
  { name: 'types (worker)', cmd: ['npx', 'tsc', '-p', 'worker/tsconfig.json'] },
  { name: 'build', cmd: ['npm', 'run', '--silent', 'build'] },
  {
    name: 'worker tests (workerd)',
    cmd: [
      'npx',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join(results, 'worker.json')}`,
    ],
    counts: () => {
      const r = JSON.parse(readFileSync(join(results, 'worker.json'), 'utf8'));
      // A test file that fails to load has no tests but still fails.
      const broken = r.testResults.filter(
        (f) => f.status === 'failed' && f.assertionResults.length === 0,
      ).length;
      return {
        passed: r.numPassedTests,
        failed: r.numFailedTests + broken,
        skipped: r.numPendingTests,
      };
    },
  },
  {
    name: 'browser tests (Chromium)',
    cmd: ['npx', 'wtr'],
    // Found, or installed from Debian when possible; else the step fails with the advice.
    before: ensureChromium,
    counts: () => JSON.parse(readFileSync(join(results, 'browser.json'), 'utf8')),
  },
  nodeTests('node tests', 'node.json', ['test/node/', 'test/sandbox/node/']),
  {
    ...nodeTests('wordpress tests', 'wordpress.json', [
      'test/wordpress/plugin.test.mjs',
      'test/wordpress/translations.test.mjs',
      'test/wordpress/values.test.mjs',
    ]),
    // WordPress, MariaDB and PHP from Debian, and Chromium: installed when possible (root,
    // apt-get), else the step fails with the one line to run.
    before: () => ensureWordPress() && Boolean(ensureChromium()),
  },
];

/** A step of `node --test` over `files`, its counts written to `test-results/<countsFile>`. */
function nodeTests(name, countsFile, files) {
  return {
    name,
    cmd: [
      'node',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./test/support/node-count-reporter.mjs',
      '--test-reporter-destination=stdout',
      ...files,
    ],
    env: { NODE_TEST_COUNTS: join(results, countsFile) },
    counts: () => JSON.parse(readFileSync(join(results, countsFile), 'utf8')),
  };
}

const only = process.argv.slice(2);
const table = [];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const step of steps) {
  if (only.length && !only.some((o) => step.name.startsWith(o))) continue;
  console.log(`\n━━ ${step.name}: ${step.cmd.join(' ')}`);
  const t0 = Date.now();
  if (step.before && !step.before()) {
    failed += 1;
    table.push(`FAIL  ${step.name.padEnd(26)}    0 passed   1 failed  (not run)`);
    continue;
  }
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), {
    stdio: 'inherit',
    env: { ...env, ...step.env },
  });
  const ok = run.status === 0;
  let c = { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  if (step.counts) {
    try {
      c = step.counts();
      // A runner that failed without a failing test (crash, config error) still fails.
      if (!ok && c.failed === 0) c.failed = 1;
    } catch {
      c = { passed: 0, failed: 1, skipped: 0 };
    }
  }
  passed += c.passed;
  failed += c.failed;
  skipped += c.skipped ?? 0;
  table.push(
    `${ok && c.failed === 0 ? 'ok  ' : 'FAIL'}  ${step.name.padEnd(26)} ${String(c.passed).padStart(4)} passed ${String(c.failed).padStart(3)} failed  ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}
console.log('\n━━ summary');
for (const line of table) console.log(line);
if (!existsSync(results)) mkdirSync(results);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && table.length > 0 ? 0 : 1);
