// custom-elements.json is committed and shipped. These tests fail when it is
// stale (regenerate with `npm run manifest`), and when the README's Reference
// tables and the manifest disagree about the element's API.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const element = manifest.modules
  .flatMap((m) => m.declarations ?? [])
  .find((d) => d.customElement && d.tagName === 'kaleyra-call');

test('custom-elements.json is what `npm run manifest` generates from the sources now', (t) => {
  const outdir = mkdtempSync(join(tmpdir(), 'kaleyra-manifest-'));
  t.after(() => rmSync(outdir, { recursive: true, force: true }));
  // The analyzer takes --outdir relative to the working directory.
  const run = spawnSync(
    process.execPath,
    [
      'node_modules/@custom-elements-manifest/analyzer/cem.js',
      'analyze',
      '--quiet',
      '--outdir',
      relative(process.cwd(), outdir),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, `the analyzer failed:\n${run.stdout}\n${run.stderr}`);
  const fresh = readFileSync(join(outdir, 'custom-elements.json'), 'utf8');
  assert.ok(
    fresh === readFileSync('custom-elements.json', 'utf8'),
    'custom-elements.json is stale: run `npm run manifest` and commit the result',
  );
});

test('the manifest describes <kaleyra-call> in the shipped modules', () => {
  assert.ok(element, 'no custom element with tagName kaleyra-call');
  const define = manifest.modules.find((m) => m.path === 'dist/esm/define.js');
  assert.ok(
    define?.exports?.some(
      (e) => e.kind === 'custom-element-definition' && e.name === 'kaleyra-call',
    ),
    'dist/esm/define.js should define the tag',
  );
  for (const mod of manifest.modules) assert.match(mod.path, /^dist\/esm\/(common\/)?[\w.-]+\.js$/);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  assert.equal(pkg.customElements, 'custom-elements.json');
  assert.equal(pkg.exports['./custom-elements.json'], './custom-elements.json');
});

/**
 * The README's `## Reference` section as `{ '<### heading>': rows }`, each row
 * its cells with the backticks kept.
 */
function referenceTables() {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('\n## Reference\n');
  assert.ok(start >= 0, 'README.md has no "## Reference" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const tables = {};
  let heading;
  for (const line of section.split('\n')) {
    if (line.startsWith('### ')) heading = line.slice(4).trim();
    else if (heading && /^\|(?!\s*-)/.test(line) && !/^\|\s*-/.test(line)) {
      (tables[heading] ??= []).push(
        line
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    }
  }
  for (const rows of Object.values(tables)) rows.shift(); // the header row
  return tables;
}

/** `code` in backticks → `code`; "`connect()`" → "connect". */
const name = (cell) => cell.replace(/^`([^`(]*)(\([^`]*\))?`$/, '$1');
const column = (rows, i) => (rows ?? []).map((r) => name(r[i] ?? ''));

function sameSet(actual, expected, what) {
  const missing = expected.filter((x) => !actual.includes(x));
  const extra = actual.filter((x) => !expected.includes(x));
  assert.deepEqual(
    { missing, extra },
    { missing: [], extra: [] },
    `README ${what}: "missing" are in the manifest but not in the table, "extra" the reverse`,
  );
}

const tables = referenceTables();

test('the README lists every attribute, with its property and default', () => {
  const rows = tables['Attributes and properties'];
  sameSet(
    column(rows, 0),
    element.attributes.map((a) => a.name),
    'attribute table',
  );
  for (const attr of element.attributes) {
    const row = rows.find((r) => name(r[0]) === attr.name);
    assert.equal(name(row[1]), attr.fieldName, `property of ${attr.name}`);
    if (attr.default !== undefined) {
      const value = attr.default.replace(/^'(.*)'$/, '$1');
      assert.equal(row[2], `\`${value}\``, `default of ${attr.name}`);
    }
  }
});

test('the README lists every public property and method', () => {
  const members = element.members.filter(
    (m) => m.privacy !== 'private' && m.privacy !== 'protected',
  );
  const documented = [
    ...column(tables['Attributes and properties'], 1),
    ...column(tables['JavaScript-only properties'], 0),
    ...column(tables['Read-only properties'], 0),
  ];
  sameSet(
    documented,
    members.filter((m) => m.kind === 'field').map((m) => m.name),
    'property tables',
  );
  sameSet(
    column(tables['Methods'], 0),
    members.filter((m) => m.kind === 'method').map((m) => m.name),
    'methods table',
  );
  const timeout = element.members.find((m) => m.name === 'connectTimeout');
  const row = tables['JavaScript-only properties'].find((r) => name(r[0]) === 'connectTimeout');
  assert.match(row[1], new RegExp(`default \`${timeout.default.replace(/_/g, '')}\``));
});

test('the README lists every event, slot, CSS part, CSS state and CSS custom property', () => {
  sameSet(
    column(tables['Events'], 0),
    element.events.map((e) => e.name),
    'events table',
  );
  sameSet(
    column(tables['Slots'], 0).map((s) => (s === '(default)' ? '' : s)),
    element.slots.map((s) => s.name),
    'slots table',
  );
  sameSet(
    column(tables['CSS parts'], 0),
    element.cssParts.map((p) => p.name),
    'CSS parts table',
  );
  sameSet(
    column(tables['States'], 0),
    element.cssStates.map((s) => s.name),
    'states table',
  );
  sameSet(
    column(tables['CSS custom properties'], 0),
    element.cssProperties.map((p) => p.name),
    'CSS custom properties table',
  );
});

test('the README states the stylesheet’s defaults of the CSS custom properties', () => {
  // The element's stylesheet, and the runtime's sheet of the inline error.
  const styles = ['component/facade/styles.ts', 'component/runtime/error-view.ts']
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  const defaults = new Map(
    [...styles.matchAll(/var\((--kaleyra-call-[\w-]+),\s*([^()]*?)\)/g)].map(([, n, v]) => [n, v]),
  );
  assert.ok(defaults.size > 0, 'no var(--kaleyra-call-…, default) in the stylesheet');
  for (const row of tables['CSS custom properties']) {
    const prop = name(row[0]);
    assert.ok(defaults.has(prop), `${prop} has no default in the stylesheet`);
    assert.equal(row[1], `\`${defaults.get(prop)}\``, `default of ${prop}`);
  }
});
