/**
 * The HTML pages the bench loads. Each records, with performance.now(), the
 * element's state changes and its `kaleyra-call-ready` in `window.__bench`; the
 * listeners are on `document` (the events bubble and are composed) and are added
 * before the element's module runs, so the first state change is seen.
 */
const APP_ID = 'wAppId_bench';

const MARKS = `<script>
  window.__bench = { states: [], ready: null, error: null };
  document.addEventListener('kaleyra-call-state', (e) => {
    window.__bench.states.push({ state: e.detail.state, at: performance.now() });
  });
  document.addEventListener('kaleyra-call-ready', () => { window.__bench.ready = performance.now(); });
  document.addEventListener('kaleyra-call-error', (e) => {
    window.__bench.error = { phase: e.detail.phase, code: e.detail.code };
  });
</script>`;

/**
 * A page with one `<kaleyra-call>`.
 * @param {{ connect: string, tokenEndpoint: string, sdkSrc: string, belowFold?: boolean,
 *   authToken?: string }} options
 */
export function elementPage({ connect, tokenEndpoint, sdkSrc, belowFold = false, authToken }) {
  const auth =
    authToken === undefined
      ? ''
      : // Set before the module upgrades the element; Lit keeps a property set that early.
        `<script>document.querySelector('kaleyra-call').authToken = ${JSON.stringify(authToken)};</script>`;
  return page(
    `${MARKS}\n<script type="module" src="/kaleyra-call.js"></script>`,
    `${belowFold ? '<div style="height: 300vh">Content above the fold.</div>' : ''}
<kaleyra-call app-id="${APP_ID}" token-endpoint="${tokenEndpoint}" sdk-src="${sdkSrc}" connect="${connect}"></kaleyra-call>
${auth}`,
  );
}

/** The vendor snippet's eager pattern: the SDK script in <head>, loaded with the page. */
export function eagerSnippetPage(sdkSrc) {
  return page(`<script src="${sdkSrc}"></script>`, '<p>Page with the SDK loaded eagerly.</p>');
}

/** @param {string} head @param {string} body */
function page(head, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kaleyra-call bench</title>
<link rel="icon" href="data:,">
${head}
</head>
<body>
${body}
</body>
</html>`;
}
