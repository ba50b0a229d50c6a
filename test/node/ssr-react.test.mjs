// Server rendering, as Next.js does it (needs `npm run build`): a React server
// render that imports the element's define entry by package name writes the
// tag with its string props as attributes, and creates no window or document.
// (Lit's Node build installs a bare `customElements` registry of its own,
// @lit-labs/ssr-dom-shim, for server renderers; the tag is registered there.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';

test('react-dom/server renders <kaleyra-call> after importing kaleyra-call/define', async () => {
  await import('kaleyra-call/define');
  assert.equal(typeof globalThis.window, 'undefined');
  assert.equal(typeof globalThis.document, 'undefined');

  const html = renderToString(
    createElement('kaleyra-call', {
      'app-id': 'wAppId_ssr',
      'token-endpoint': '/token',
      'widget-hidden': true,
      authToken: () => 'never serialised',
      layout: { launcher: { background: '#000' } },
      'onkaleyra-call-ready': () => {},
    }),
  );
  assert.equal(
    html,
    '<kaleyra-call app-id="wAppId_ssr" token-endpoint="/token" widget-hidden=""></kaleyra-call>',
  );
});
