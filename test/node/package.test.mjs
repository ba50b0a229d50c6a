// What `npm publish` would ship (needs `npm run build`): exactly what a user
// needs, every entry point present and resolvable, every import declared.
//
// Source maps: the CDN files ship theirs (with the sources inside), because
// browsers fetch `*.map` next to a CDN file when devtools open; the npm modules
// ship none, being unminified, and the TypeScript sources not being published.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/** The file list of `npm pack`, without running `prepack` (the build ran already). */
function packedFiles() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'silent' },
  });
  return JSON.parse(out)[0].files.map((f) => f.path);
}
const files = packedFiles();
const packed = new Set(files);

const ALLOWED = [
  /^(README\.md|LICENSE|package\.json|custom-elements\.json)$/,
  /^dist\/kaleyra-call(\.iife|\.runtime\.(en|it|es)|\.trusted-types)?\.js(\.map)?$/,
  /^dist\/integrity\.json$/,
  /^dist\/esm\/((common|facade|runtime)\/)?[\w.-]+\.(js|d\.ts)$/,
];

test('the package holds the CDN files, the npm modules with types, the manifest and the docs', () => {
  for (const file of [
    'README.md',
    'LICENSE',
    'package.json',
    'custom-elements.json',
    'dist/kaleyra-call.js',
    'dist/kaleyra-call.iife.js',
    'dist/kaleyra-call.runtime.en.js',
    'dist/kaleyra-call.runtime.it.js',
    'dist/kaleyra-call.runtime.es.js',
    'dist/kaleyra-call.trusted-types.js',
    'dist/integrity.json',
    'dist/esm/index.js',
    'dist/esm/index.d.ts',
    'dist/esm/define.js',
    'dist/esm/define.d.ts',
    'dist/esm/jsx.d.ts',
    'dist/esm/trusted-types-default.js',
    'dist/esm/trusted-types-default.d.ts',
  ]) {
    assert.ok(packed.has(file), `${file} is missing from the package`);
  }
});

test('the package holds nothing else: no worker, demo, tests, CI, sources or secrets', () => {
  const extra = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  assert.deepEqual(extra, [], `unexpected files in the package: ${extra.join(', ')}`);
  const forbidden = files.filter((f) =>
    /^(worker|demo|test|\.ci|component|node_modules)\/|\.dev\.vars|wrangler\.jsonc/.test(f),
  );
  assert.deepEqual(forbidden, []);
});

test('every element module is published as JavaScript with its type declarations', () => {
  // The CDN build's own modules (`*.cdn.ts`) are not npm modules.
  const modules = readdirSync('component', { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.cdn.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
  for (const m of modules) {
    assert.ok(packed.has(`dist/esm/${m}.js`), `dist/esm/${m}.js is not in the package`);
    assert.ok(packed.has(`dist/esm/${m}.d.ts`), `dist/esm/${m}.d.ts is not in the package`);
  }
  // And no module of an older build whose source is gone.
  for (const f of files.filter((f) => f.startsWith('dist/esm/'))) {
    const m = f.replace(/^dist\/esm\/|\.(js|d\.ts)$/g, '');
    assert.ok(modules.includes(m), `${f} has no source in component/`);
  }
});

test('every path package.json points at is in the package', () => {
  const targets = new Set([
    pkg.main,
    pkg.types,
    pkg.unpkg,
    pkg.jsdelivr,
    pkg.customElements,
    ...pkg.sideEffects,
    ...Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t))),
  ]);
  for (const target of targets) {
    const file = target.replace(/^\.\//, '');
    assert.ok(packed.has(file), `package.json points at ${target}, which is not in the package`);
  }
});

test('only the define and trusted-types entries (and the CDN files) have side effects', () => {
  // define registers the tag; trusted-types installs the page's `default` policy.
  assert.deepEqual([...pkg.sideEffects].sort(), [
    './dist/esm/define.js',
    './dist/esm/trusted-types-default.js',
    './dist/kaleyra-call.iife.js',
    './dist/kaleyra-call.js',
    './dist/kaleyra-call.runtime.en.js',
    './dist/kaleyra-call.runtime.es.js',
    './dist/kaleyra-call.runtime.it.js',
    './dist/kaleyra-call.trusted-types.js',
  ]);
  const index = readFileSync('dist/esm/index.js', 'utf8');
  assert.doesNotMatch(index, /customElements|define\(/, 'the class entry registers nothing');
});

test('the entry points resolve by package name, as an app imports them', async () => {
  // A package may import itself by name through its `exports` (Node's self-reference).
  const resolve = (spec) =>
    new URL(import.meta.resolve(spec)).pathname.replace(/^.*\/dist\//, 'dist/');
  assert.equal(resolve('kaleyra-call'), 'dist/esm/index.js');
  assert.equal(resolve('kaleyra-call/define'), 'dist/esm/define.js');
  assert.equal(resolve('kaleyra-call/jsx'), 'dist/esm/jsx.js');
  assert.equal(resolve('kaleyra-call/trusted-types'), 'dist/esm/trusted-types-default.js');
  const { KaleyraCallElement } = await import('kaleyra-call');
  assert.equal(typeof KaleyraCallElement.define, 'function');
  const manifest = await import('kaleyra-call/custom-elements.json', { with: { type: 'json' } });
  assert.equal(manifest.default.schemaVersion.split('.')[0], '1');
  assert.throws(() => import.meta.resolve('kaleyra-call/dist/esm/session.js'), {
    code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
  });
});

test('every package the published modules import is a declared dependency', () => {
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  // `@types/react` declares the module `react` for the JSX typings.
  const provides = (name) =>
    declared.has(name) || declared.has(`@types/${name.replace(/^@(.*)\//, '$1__')}`);
  const missing = new Set();
  for (const file of files.filter((f) => f.startsWith('dist/esm/'))) {
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const specs = text.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'".][^'"]*)['"]/g);
    for (const [, spec] of specs) {
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0];
      if (!provides(name)) missing.add(`${name} (in ${file})`);
    }
  }
  assert.deepEqual([...missing], [], 'imported but not declared in package.json');
  const optional = Object.entries(pkg.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional);
  for (const [name] of optional) assert.ok(pkg.peerDependencies[name], `${name} is a peer`);
});
