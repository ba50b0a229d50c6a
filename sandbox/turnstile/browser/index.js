/**
 * Cloudflare Turnstile stand-in, browser side: what `https://challenges.cloudflare.com/turnstile/
 * v0/api.js` does for a page, against the stand-in server (sandbox/turnstile/api.mjs).
 *
 * These modules are bundled into one classic script (sandbox/turnstile/build.mjs; generated, not
 * in git) that the stand-in server's host serves as `/turnstile/v0/api.js`. Like Cloudflare's
 * script it defines `window.turnstile`, honours `?render=explicit` and `&onload=<global
 * function>` in its own URL, and renders `.cf-turnstile` elements otherwise; loaded twice, the
 * first copy stays.
 * The server it talks to is the one it was loaded from: challenges go to `challenge` next to
 * `api.js`. Tests and the sandbox console drive it through `window.__turnstileStandIn`
 * (control-api.js), so `window.turnstile` itself stays faithful.
 *
 *   api.js            window.turnstile
 *   widget.js         one widget: iframe, challenge, token lifetime, callbacks
 *   frame.js          what the iframe shows (strings.js: en, it, es)
 *   params.js         render() parameters: defaults and checks
 *   state.js          the page's widgets and timings; timers.js: timers and listeners, counted
 *   control-api.js    window.__turnstileStandIn
 *
 * The choices it made where Cloudflare is silent, and its control API:
 * sandbox/turnstile/README.md.
 */
import { createApi } from './api.js';
import { createControl } from './control-api.js';
import { PREFIX } from './params.js';

const CLOUDFLARE = 'https://challenges.cloudflare.com/turnstile/v0/api.js';

if (window.turnstile) {
  console.warn(
    `${PREFIX} Turnstile already has been loaded. Was Turnstile imported multiple times?`,
  );
} else {
  const script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  const src = new URL(script?.src || CLOUDFLARE);
  const endpoints = {
    challenge: new URL('challenge', src).href,
    control: new URL('../../__control/turnstile', src).href,
  };
  const api = createApi(endpoints);
  window.turnstile = api;
  window.__turnstileStandIn = createControl(endpoints);

  if (src.searchParams.get('render') !== 'explicit') {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', () => api.implicitRender(), { once: true });
    } else {
      Promise.resolve().then(() => api.implicitRender());
    }
  }
  const onload = src.searchParams.get('onload');
  if (onload) {
    Promise.resolve().then(() => {
      const callback = window[onload];
      if (typeof callback === 'function') callback();
      else console.warn(`${PREFIX} Unable to find onload callback '${onload}'.`);
    });
  }
}
