// A server renderer (Next.js, Astro, Lit SSR) imports the element's modules in
// Node with no DOM: that must not throw or touch window/document/customElements.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

test('the npm define entry (dist/esm/define.js) import in Node without a DOM', async () => {
  assert.equal(typeof globalThis.window, 'undefined');
  assert.equal(typeof globalThis.document, 'undefined');
  const mod = await import(pathToFileURL('dist/esm/define.js').href);
  assert.equal(typeof mod, 'object');
  assert.equal(typeof globalThis.document, 'undefined', 'import must not create a document');
  // Lit's Node build installs a customElements shim; nothing of ours is registered in it.
  assert.equal(globalThis.customElements?.get('kaleyra-call'), undefined);
});

test('the class entry has no side effects in Node', async () => {
  const mod = await import(pathToFileURL('dist/esm/index.js').href);
  assert.equal(typeof mod.KaleyraCallElement, 'function');
  assert.equal(typeof mod.KaleyraCallElement.define, 'function');
});

test('the Trusted Types entry installs nothing in Node (no trustedTypes) and says so', async () => {
  assert.equal(typeof globalThis.trustedTypes, 'undefined');
  const { installDefaultPolicy } = await import(
    pathToFileURL('dist/esm/trusted-types-default.js').href
  );
  assert.equal(installDefaultPolicy(), false);
  assert.equal(typeof globalThis.document, 'undefined', 'import must not create a document');
  // A malformed prefix is refused wherever it runs.
  assert.throws(() => installDefaultPolicy({ scriptUrlPrefixes: ['https://cdn.example/media'] }), {
    name: 'TypeError',
  });
});
