// Every failure the element can report is explained (component/runtime/messages.ts), in
// every language, and listed in the "Error codes" table of docs/error-codes.md; visitors never
// read a vendor, an endpoint or a status.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { build } from 'esbuild';

const bundled = await build({
  entryPoints: ['component/runtime/messages.ts'],
  bundle: true,
  write: false,
  format: 'esm',
});
const { MESSAGES, SAME_AS, describe } = await import(
  `data:text/javascript,${encodeURIComponent(bundled.outputFiles[0].text)}`
);
const explained = new Set([...Object.keys(MESSAGES), ...Object.keys(SAME_AS)]);
const LANGUAGES = ['en', 'it', 'es'];

/**
 * The codes the element's sources report: `new KaleyraCallError({… code: 'code' …})`, the
 * attribute checks, the SDK loader's and the token client's helpers, the SDK actions' table.
 */
function reportedCodes(room = /^(runtime|shared)\//) {
  const codes = new Set();
  const sources = readdirSync('component', { recursive: true }).filter(
    (f) => f.endsWith('.ts') && room.test(f),
  );
  for (const file of sources) {
    const source = readFileSync(`component/${file}`, 'utf8');
    for (const pattern of [
      /fail\(\s*'(\w+)'/g,
      /misconfigured\(\s*'(\w+)'/g,
      /^\s+'([a-z]+_[a-z_]+)',$/gm,
      /fromSdk\([^,]+,\s*'\w+',\s*'(\w+)'/g,
      /code: '([a-z][a-z0-9_]*)'/g,
    ]) {
      for (const [, code] of source.matchAll(pattern)) codes.add(code);
    }
  }
  if (!room.test('runtime/token-client.ts')) return codes;
  // The token endpoint's codes come from its status table.
  const tokenClient = readFileSync('component/runtime/token-client.ts', 'utf8');
  const table = /STATUS_CODES[^=]*=\s*\{([^}]*)\}/.exec(tokenClient)[1];
  for (const [, code] of table.matchAll(/'(\w+)'/g)) codes.add(code);
  return codes;
}

/**
 * The codes the facade reports before (or without) the runtime, and words itself: an
 * editor's preview (its status line's words) and a runtime file that did not load (English:
 * the words are in the runtime). docs/error-codes.md explains them with the others.
 */
const FACADE_CODES = ['preview', 'runtime_load_failed'];

test('every code the runtime reports is explained', () => {
  const codes = reportedCodes();
  assert.ok(codes.size > 30, `found only ${codes.size} codes: the scan is broken`);
  const missing = [...codes].filter((c) => !explained.has(c));
  assert.deepEqual(missing, [], 'codes reported by the runtime but missing from messages.ts');
});

test('the facade words its own codes, and the runtime every other it reports', () => {
  const codes = [...reportedCodes(/^(facade\/|kaleyra-call\.ts$)/)];
  for (const code of FACADE_CODES) {
    assert.ok(codes.includes(code), `the facade no longer reports ${code}`);
    assert.ok(!explained.has(code), `${code} is worded twice`);
  }
  const unexplained = codes.filter((c) => !explained.has(c) && !FACADE_CODES.includes(c));
  assert.deepEqual(unexplained, []);
});

test('every explanation exists in every language, with the same placeholders', () => {
  const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [code, entry] of Object.entries(MESSAGES)) {
    for (const lang of LANGUAGES) assert.ok(entry[lang]?.trim(), `${code} has no ${lang} text`);
    for (const lang of LANGUAGES.slice(1)) {
      assert.deepEqual(placeholders(entry[lang]), placeholders(entry.en), `${code} in ${lang}`);
    }
  }
  for (const [code, target] of Object.entries(SAME_AS)) {
    assert.ok(MESSAGES[target], `${code} points at ${target}, which is not explained`);
  }
});

test('the visitor never reads a vendor, an endpoint or a status', () => {
  for (const code of explained) {
    for (const lang of LANGUAGES) {
      const { visitor } = describe(
        { code, params: { url: 'https://x.test/v1/token', status: 404 } },
        lang,
      );
      assert.doesNotMatch(
        visitor,
        /kaleyra|bandyer|sdk|token|endpoint|https?:|\d{3}/i,
        `${code} (${lang})`,
      );
    }
  }
});

test('the "Error codes" table of docs/error-codes.md lists exactly the codes the element can report', () => {
  const doc = readFileSync('docs/error-codes.md', 'utf8');
  const start = doc.indexOf('\n## Error codes\n');
  assert.ok(start >= 0, 'docs/error-codes.md has no "## Error codes"');
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const listed = [...section.matchAll(/^\| `(\w+)`/gm)].map((m) => m[1]);
  const all = new Set([...explained, ...FACADE_CODES]);
  const missing = [...all].filter((c) => !listed.includes(c));
  const extra = listed.filter((c) => !all.has(c));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
});
