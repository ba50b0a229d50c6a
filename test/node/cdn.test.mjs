// The CDN files (needs `npm run build`): their SRI hashes in dist/integrity.json
// and in the pinned snippets of the README and docs/security.md, and the
// JavaScript level they need (README › Browser support).
import { parse } from 'acorn';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

const CDN_FILES = ['dist/kaleyra-call.iife.js', 'dist/kaleyra-call.js'];
// Loaded by either CDN file with the hash it carries, never from a page's tag:
// one runtime per language, the one of the element's language.
const RUNTIMES = ['en', 'it', 'es'].map((language) => `dist/kaleyra-call.runtime.${language}.js`);
// The opt-in Trusted Types `default` policy: a classic script of its own, pinned in docs/security.md.
const TRUSTED_TYPES = 'dist/kaleyra-call.trusted-types.js';
const sri = (file, hash = 'sha384') =>
  `${hash}-${createHash(hash).update(readFileSync(file)).digest('base64')}`;
const integrity = JSON.parse(readFileSync('dist/integrity.json', 'utf8'));
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
// The documents with pinned snippets of the npm CDN: part of rollup.config.mjs's
// PINNED_DOCS, which `npm run sri:readme` updates.
const PINNED_DOCS = ['README.md', 'docs/security.md'];
// The token worker's README pins the files the worker serves itself (the rest of PINNED_DOCS).
const WORKER_DOC = 'worker/README.md';

test('dist/integrity.json holds the sha384 hash of each CDN file', () => {
  const files = [...CDN_FILES, ...RUNTIMES, TRUSTED_TYPES];
  assert.deepEqual(Object.keys(integrity).sort(), files.sort());
  for (const file of files) assert.equal(integrity[file], sri(file), file);
});

test('each CDN file carries the runtime files’ hashes, so the page’s integrity covers them', () => {
  for (const file of CDN_FILES) {
    for (const runtime of RUNTIMES) {
      assert.ok(
        readFileSync(file, 'utf8').includes(`"${sri(runtime, 'sha256')}"`),
        `${file} lacks ${runtime}`,
      );
    }
  }
});

test('each runtime file holds the texts of its language, and no other', () => {
  // A sentence of each language's messages (component/runtime/messages.ts).
  const texts = {
    en: 'Please sign in to start a video call.',
    it: 'Accedi per avviare una videochiamata.',
    es: 'Inicia sesión para empezar una videollamada.',
  };
  for (const language of Object.keys(texts)) {
    const code = readFileSync(`dist/kaleyra-call.runtime.${language}.js`, 'utf8');
    for (const [other, text] of Object.entries(texts)) {
      const kept = other === language;
      assert.equal(code.includes(text), kept, `${other} in the ${language} runtime`);
    }
  }
});

test('the docs pin the CDN files to this version with their current hashes', () => {
  const text = PINNED_DOCS.map((doc) => readFileSync(doc, 'utf8')).join('\n');
  const tags = [...text.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
  const attr = (tag, a) => new RegExp(`\\s${a}(?:="([^"]*)")?`).exec(tag);
  for (const file of [...CDN_FILES, TRUSTED_TYPES]) {
    const url = `https://cdn.jsdelivr.net/npm/${name}@${version}/${file}`;
    const found = tags.filter((tag) => attr(tag, 'src')?.[1] === url);
    assert.ok(found.length > 0, `no <script src="${url}"> in ${PINNED_DOCS.join(' or ')}`);
    for (const tag of found) {
      assert.equal(attr(tag, 'integrity')?.[1], integrity[file], `integrity of ${file}`);
      assert.equal(attr(tag, 'crossorigin')?.[1], 'anonymous', `crossorigin of ${file}`);
      const isModule = attr(tag, 'type')?.[1] === 'module';
      assert.equal(
        isModule,
        file === 'dist/kaleyra-call.js',
        `type="module" only for the ES module`,
      );
    }
  }
  // No snippet pins another version of this package.
  const pins = [...text.matchAll(new RegExp(`/npm/${name}@([^/"\\s]+)/`, 'g'))].map((m) => m[1]);
  assert.deepEqual([...new Set(pins)], [version]);
});

test('the worker’s README pins the files it serves to this version with their current hashes', () => {
  const text = readFileSync(WORKER_DOC, 'utf8');
  const tags = [...text.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
  const attr = (tag, a) => new RegExp(`\\s${a}(?:="([^"]*)")?`).exec(tag);
  const served = tags.filter((tag) => /\/kaleyra-call\/[^/"]+\//.test(attr(tag, 'src')?.[1] ?? ''));
  assert.ok(served.length > 0, `no <script> of the worker's files in ${WORKER_DOC}`);
  for (const tag of served) {
    const [, folder, file] = /\/kaleyra-call\/([^/"]+)\/([\w.-]+)$/.exec(attr(tag, 'src')[1]);
    assert.equal(folder, version, 'the version folder');
    assert.equal(attr(tag, 'integrity')?.[1], integrity[`dist/${file}`], `integrity of ${file}`);
    assert.equal(attr(tag, 'crossorigin')?.[1], 'anonymous', `crossorigin of ${file}`);
  }
});

test('no other document pins a CDN file, where `npm run sri:readme` would not update it', () => {
  const docs = ['worker/README.md', ...readdirSync('docs').map((f) => `docs/${f}`)].filter(
    (doc) => doc.endsWith('.md') && !PINNED_DOCS.includes(doc),
  );
  for (const doc of docs) {
    assert.doesNotMatch(readFileSync(doc, 'utf8'), new RegExp(`/npm/${name}@`), doc);
  }
});

test('the CDN files are ES2021, the level of the browsers the README supports', () => {
  // ES2022 syntax (class static blocks, `#private` members, top-level await)
  // would raise the floor to Safari 16.4 and Chrome 94.
  for (const [file, sourceType] of [
    ['dist/kaleyra-call.js', 'module'],
    ['dist/kaleyra-call.iife.js', 'script'],
    ...RUNTIMES.map((runtime) => [runtime, 'script']),
    [TRUSTED_TYPES, 'script'],
  ]) {
    assert.doesNotThrow(
      () => parse(readFileSync(file, 'utf8'), { ecmaVersion: 2021, sourceType }),
      `${file} does not parse as ES2021`,
    );
  }
});

test('a runtime file takes the shared modules from the first file, so a page has one error and one event class', () => {
  for (const runtime of RUNTIMES) {
    const text = readFileSync(runtime, 'utf8');
    assert.match(
      text,
      /\[Symbol\.for\("kaleyra-call\.builds"\)\]\.get\("[\d.]+"\)\.errors/,
      runtime,
    );
    assert.doesNotMatch(text, /extends CustomEvent/, `${runtime} defines its own event class`);
    assert.doesNotMatch(text, /extends Error/, `${runtime} defines its own error class`);
  }
  for (const file of ['dist/kaleyra-call.js', 'dist/kaleyra-call.iife.js']) {
    const text = readFileSync(file, 'utf8');
    assert.match(text, /Symbol\.for\("kaleyra-call\.builds"\)/, `${file} lends them`);
    assert.match(text, /extends Error/, `${file} defines the error class`);
  }
});
