/**
 * Cloudflare Turnstile stand-in, browser side: what `https://challenges.cloudflare.com/turnstile/
 * v0/api.js` does for a page, against the stand-in server (sandbox/turnstile/api.mjs).
 *
 * These modules are bundled into one classic script (build.mjs here; generated, not in git) that
 * the stand-in server's host serves as `/turnstile/v0/api.js`. Like Cloudflare's script it
 * defines `window.turnstile`, honours `?render=explicit` and `&onload=<global function>` in its
 * own URL, and renders `.cf-turnstile` elements otherwise; loaded twice, the first copy stays.
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
 * Choices where Cloudflare's behaviour is not documented (asserted by
 * test/sandbox/browser/turnstile.test.ts):
 * - The iframe has no `src`: the stand-in draws it from the page (so a page could reach into it,
 *   which Cloudflare's cross-origin iframe forbids). Its title is Cloudflare's.
 * - Hidden means `display: none` on the iframe: `interaction-only` until a challenge needs the
 *   visitor (and from then until reset, so the visitor sees the outcome), `execute` until the
 *   first run, an invisible site key always.
 * - `render` throws for a missing container, a container that already has a widget, a missing
 *   site key and a wrong type or unknown value of an enumerated parameter; the server's verdicts
 *   arrive through `error-callback`: 110100 unknown site key, 110200 hostname not allowed,
 *   110420 action, 110430 cData, 600010 challenge failed, 300010 server unreachable. With
 *   `retry: auto` the last two are retried every `retry-interval` (8 s).
 * - An interactive challenge times out after 120 s; `refresh-timeout: auto` then starts over.
 * - At expiry `getResponse` still returns the old token (siteverify refuses it) and
 *   `isExpired` is true until the next run; `expired-callback` has no argument.
 * - `execute` on a widget that is running, waiting for the visitor, or holds a valid token does
 *   nothing; `reset` without `execution: execute` runs the challenge again at once.
 * - A method given no widget id acts on the first widget rendered; an unknown id warns.
 * - A second copy warns and does nothing else: its `onload` is not called.
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
