/**
 * The HTML pages the bench loads. Each records, with performance.now(), the
 * element's state changes and its `kaleyra-call-ready` in `window.__bench`; the
 * listeners are on `document` (the events bubble and are composed) and are added
 * before the element's module runs, so the first state change is seen. The first
 * click and the pointer's first arrival anywhere are recorded too, in the capture
 * phase: the earliest moment a page's own code can see them.
 */
const APP_ID = 'wAppId_bench';

const MARKS = `<script>
  window.__bench = { states: [], ready: null, error: null, clickAt: null, pointerAt: null };
  document.addEventListener('click', () => { window.__bench.clickAt ??= performance.now(); }, true);
  document.addEventListener('pointerover', () => { window.__bench.pointerAt ??= performance.now(); }, true);
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

/**
 * The vendor snippet's eager pattern as a site would integrate it: the SDK script
 * in <head>, loaded with the page; a "Start a call" button whose handler asks the
 * site's token endpoint for a token, then configures the SDK and connects. It
 * reports the connect in `window.__bench` as the element reports its events.
 * @param {{ sdkSrc: string, tokenEndpoint: string }} options
 */
export function vendorIntegrationPage({ sdkSrc, tokenEndpoint }) {
  return page(
    `${MARKS}\n<script src="${sdkSrc}"></script>`,
    `<button id="start-call" type="button">Start a call</button>
<script>
  const button = document.getElementById('start-call');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const res = await fetch(${JSON.stringify(tokenEndpoint)}, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (!res.ok) throw new Error('token endpoint answered ' + res.status);
      const { access_token: accessToken, user_id: userId } = await res.json();
      const client = BandyerSDK.configure({
        appId: ${JSON.stringify(APP_ID)},
        region: 'eu',
        environment: 'sandbox',
      });
      await client.connect(userId, accessToken);
      window.__bench.ready = performance.now();
    } catch (err) {
      window.__bench.error = { phase: 'vendor page', code: String(err) };
      button.disabled = false;
    }
  });
</script>`,
  );
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
