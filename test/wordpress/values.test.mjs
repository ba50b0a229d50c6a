/**
 * The plugin offers exactly the values the element accepts: the lists its PHP checks every
 * block and shortcode attribute against (includes/values.php), the enums of block.json and the
 * choices of the editor's controls (src/editor.ts) are the element's own (component/common/
 * values.ts, and the languages it has a runtime for in dist/). A value added to the element
 * and forgotten here, or one the plugin accepts and the element does not, fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
const PLUGIN = join(ROOT, 'integrations/wordpress');

const bundled = await build({
  entryPoints: [join(ROOT, 'component/common/values.ts')],
  bundle: true,
  write: false,
  format: 'esm',
});
const { VALUES } = await import(
  `data:text/javascript,${encodeURIComponent(bundled.outputFiles[0].text)}`
);
const element = {
  connect: VALUES.connectOn.values.split(' '),
  placement: VALUES.placement.values.split(' '),
  tools: VALUES.tools.values.split(' '),
  // One runtime per language the element speaks.
  language: readdirSync(join(ROOT, 'dist'))
    .map((name) => /^kaleyra-call\.runtime\.([a-z]{2})\.js$/.exec(name)?.[1])
    .filter(Boolean),
};
const sorted = (list) => [...list].sort();

test('the element speaks English, Italian and Spanish (dist/ is built)', () => {
  assert.deepEqual(sorted(element.language), ['en', 'es', 'it']);
});

test("the PHP's lists (includes/values.php) are the element's", () => {
  const run = spawnSync(
    'php',
    [
      '-r',
      `define( 'ABSPATH', '/' ); require ${JSON.stringify(join(PLUGIN, 'includes/values.php'))};
echo json_encode( array( 'connect' => KALEYRA_CALL_CONNECT, 'placement' => KALEYRA_CALL_PLACEMENTS, 'language' => KALEYRA_CALL_LANGUAGES, 'tools' => KALEYRA_CALL_TOOLS ) );`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const php = JSON.parse(run.stdout);
  for (const name of ['connect', 'placement', 'language', 'tools']) {
    assert.deepEqual(sorted(php[name]), sorted(element[name]), name);
  }
});

test("block.json's enums are the element's ('' for the language: the site's)", () => {
  const { attributes } = JSON.parse(readFileSync(join(PLUGIN, 'block.json'), 'utf8'));
  assert.deepEqual(sorted(attributes.connect.enum), sorted(element.connect));
  assert.deepEqual(sorted(attributes.placement.enum), sorted(element.placement));
  assert.deepEqual(sorted(attributes.language.enum), sorted(['', ...element.language]));
  assert.ok(element.connect.includes(attributes.connect.default));
  assert.ok(element.placement.includes(attributes.placement.default));
});

test("the editor's controls offer the element's values, each once", () => {
  const source = readFileSync(join(PLUGIN, 'src/editor.ts'), 'utf8');
  const tools = /const TOOLS = \[([^\]]*)\] as const;/.exec(source);
  assert.ok(tools, 'const TOOLS = [...] as const in src/editor.ts');
  assert.deepEqual(
    [...tools[1].matchAll(/'(\w+)'/g)].map((m) => m[1]),
    element.tools,
  );
  /** The `value`s of the SelectControl whose `value` is `a.<name>`. */
  const options = (name) => {
    const control = source
      .split('el(SelectControl')
      .find((part) => part.includes(`value: a.${name},`));
    assert.ok(control, `a SelectControl for ${name}`);
    const body = control.slice(control.indexOf('options: ['), control.indexOf('onChange'));
    return [...body.matchAll(/value: '(\w*)'/g)].map((m) => m[1]);
  };
  assert.deepEqual(sorted(options('connect')), sorted(element.connect));
  assert.deepEqual(sorted(options('placement')), sorted(element.placement));
  assert.deepEqual(sorted(options('language')), sorted(['', ...element.language]));
});
