// The import rules (.dependency-cruiser.cjs) that `npm test` checks on component/ and worker/:
// the real tree passes, and each rule fails on a small tree that breaks it, so the check
// cannot pass by accident (a rule that matches no path, type imports not counted).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';

const config = resolve('.dependency-cruiser.cjs');
const bin = resolve('node_modules/.bin/depcruise');

/** The rules `files` ({path: source}) break, as dependency-cruiser reports them. */
function broken(t, files) {
  mkdirSync('test-results', { recursive: true });
  const dir = resolve(mkdtempSync(join('test-results', 'import-rules-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'bundler' } }),
  );
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  const roots = ['component', 'worker'].filter((root) => existsSync(join(dir, root)));
  // It exits non-zero when it finds violations: the JSON report says which.
  const { stdout } = spawnSync(
    bin,
    [...roots, '--config', config, '--output-type', 'json', '--no-progress'],
    { cwd: dir, encoding: 'utf8' },
  );
  return [...new Set(JSON.parse(stdout).summary.violations.map((v) => v.rule.name))].sort();
}

test('the repository keeps its import rules', () => {
  // Exits non-zero (and throws here) on any violation.
  execFileSync(bin, ['component', 'worker', '--config', config], { stdio: 'pipe' });
});

test('a circle through type imports alone is refused', (t) => {
  assert.deepEqual(
    broken(t, {
      'component/runtime/a.ts': "import type { B } from './b.js';\nexport type A = B[];\n",
      'component/runtime/b.ts': "import type { A } from './a.js';\nexport type B = A | 1;\n",
    }),
    ['no-circular'],
  );
});

test('the runtime importing the facade, even a type, is refused', (t) => {
  assert.deepEqual(
    broken(t, {
      'component/facade/words.ts': 'export type Words = string;\n',
      'component/runtime/texts.ts':
        "import type { Words } from '../facade/words.js';\nexport const w: Words = '';\n",
    }),
    ['runtime-not-to-facade'],
  );
});

test('the facade reaches the runtime only by loading it, or through the contract', (t) => {
  const files = {
    'component/common/contract.ts': 'export interface Driver { start(): void }\n',
    'component/runtime/index.ts': 'export const drive = () => ({ start() {} });\n',
    'component/runtime/session.ts': 'export class Session {}\n',
    'component/facade/runtime-loader.ts':
      "import type { Driver } from '../common/contract.js';\n" +
      "export const load = (): Promise<unknown> => import('../runtime/index.js');\n" +
      'export type D = Driver;\n',
  };
  assert.deepEqual(broken(t, files), []);
  assert.deepEqual(
    broken(t, {
      ...files,
      'component/kaleyra-call.ts':
        "import type { Session } from './runtime/session.js';\nexport type S = Session;\n",
    }),
    ['facade-through-the-door'],
  );
});

test('common/ imports neither room, and the two halves never import each other', (t) => {
  assert.deepEqual(
    broken(t, {
      'component/facade/words.ts': 'export const w = 1;\n',
      'component/common/clock.ts': "import { w } from '../facade/words.js';\nexport const c = w;\n",
      'worker/env.ts': 'export type Env = 1;\n',
      'component/common/types.ts':
        "import type { Env } from '../../worker/env.js';\nexport type T = Env;\n",
    }),
    ['common-stands-alone', 'element-not-to-worker'],
  );
});
