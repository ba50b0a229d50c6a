/**
 * The plugin's translations are complete: every string of its PHP (`__`, `esc_html__`,
 * `esc_attr__` with the `kaleyra-call` domain), of its editor script and of block.json (with
 * WordPress's `block title`, `block description` and `block keyword` contexts) has an Italian
 * and a Spanish translation, with the same placeholders; no translation is left over; and
 * the editor script's strings are referenced from src/editor.ts, which is how the build picks
 * them for the script's JSON translations.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { po } from 'gettext-parser';

const PLUGIN = resolve(import.meta.dirname, '../../integrations/wordpress');
const LOCALES = ['it_IT', 'es_ES'];
const CALL =
  /\b(?:__|esc_html__|esc_attr__)\(\s*(['"])((?:(?!\1)[^\\]|\\.)*)\1\s*,\s*(?:'kaleyra-call'|DOMAIN)\s*\)/g;

/** `context\u0004msgid` → the files that use it. */
function sourceStrings() {
  const found = new Map();
  const add = (key, file) => found.set(key, new Set([...(found.get(key) ?? []), file]));
  const files = [
    'kaleyra-call.php',
    'uninstall.php',
    ...readdirSync(join(PLUGIN, 'includes')).map((name) => `includes/${name}`),
    'src/editor.ts',
  ];
  for (const file of files) {
    const text = readFileSync(join(PLUGIN, file), 'utf8');
    for (const [, , msgid] of text.matchAll(CALL)) add(msgid.replace(/\\(['"])/g, '$1'), file);
  }
  const block = JSON.parse(readFileSync(join(PLUGIN, 'block.json'), 'utf8'));
  add(`block title\u0004${block.title}`, 'block.json');
  add(`block description\u0004${block.description}`, 'block.json');
  for (const keyword of block.keywords) add(`block keyword\u0004${keyword}`, 'block.json');
  return found;
}

const placeholders = (text) => (text.match(/%(\d\$)?[sd]/g) ?? []).sort();

test('the plugin uses translatable strings (a sanity check of the extraction)', () => {
  const strings = sourceStrings();
  assert.ok(strings.size > 50, `${strings.size} strings`);
  assert.ok(strings.has('Preview: calls start on the published page'));
  assert.ok(strings.has('block title\u0004Video call'));
});

for (const locale of LOCALES) {
  test(`every string has its ${locale} translation, and no other is left`, () => {
    const strings = sourceStrings();
    const table = po.parse(readFileSync(join(PLUGIN, `languages/kaleyra-call-${locale}.po`)));
    assert.equal(table.headers.Language, locale);
    const translated = new Map();
    for (const [context, entries] of Object.entries(table.translations)) {
      for (const [msgid, entry] of Object.entries(entries)) {
        if (msgid) translated.set(context ? `${context}\u0004${msgid}` : msgid, entry);
      }
    }
    const missing = [...strings.keys()].filter((key) => !translated.get(key)?.msgstr[0]);
    assert.deepEqual(missing, [], 'untranslated');
    const stale = [...translated.keys()].filter((key) => !strings.has(key));
    assert.deepEqual(stale, [], 'translations of strings the plugin no longer has');
    for (const [key, entry] of translated) {
      const msgid = key.split('\u0004').at(-1);
      assert.deepEqual(placeholders(entry.msgstr[0]), placeholders(msgid), key);
      const inEditor = strings.get(key).has('src/editor.ts');
      const referenced = (entry.comments?.reference ?? '').split(/\s+/).includes('src/editor.ts');
      assert.equal(referenced, inEditor, `${key}: the #: reference to src/editor.ts`);
    }
  });
}
