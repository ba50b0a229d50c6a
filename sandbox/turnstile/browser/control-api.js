/**
 * `window.__turnstileStandIn`: for tests and the sandbox console, never for the element. It
 * looks inside the page's widgets, forces what would otherwise take minutes (a token's expiry,
 * an interactive challenge's timeout), and tells the stand-in server how to answer challenges.
 * Types: sandbox/turnstile/turnstile.d.ts, `TurnstileStandInControl`.
 */
import { findWidget, settings, widgets } from './state.js';
import { liveListeners, pendingTimers } from './timers.js';

/** @param {{ challenge: string, control: string }} endpoints */
export function createControl(endpoints) {
  /** @param {unknown} ref */
  function widget(ref) {
    const found = findWidget(ref);
    if (!found) throw new Error(`[Turnstile stand-in] no widget ${String(ref)}`);
    return found;
  }

  /** @param {RequestInit} [init] */
  async function server(init) {
    const response = await fetch(endpoints.control, { credentials: 'omit', ...init });
    const body = await response.json();
    if (!response.ok) throw new Error(`[Turnstile stand-in] ${body.error}`);
    return body;
  }

  return {
    endpoints,
    liveWidgets: () => widgets.size,
    widgetIds: () => [...widgets.keys()],
    /** Timers and listeners the widgets hold (timers.js); 0 once all are removed. */
    activeTimers: () => pendingTimers.size,
    activeListeners: () => liveListeners.size,
    /** idle | running | interactive | success | error | expired | timeout */
    state: (/** @type {unknown} */ ref) => widget(ref).state,
    /** The widget's token expires now, as it would after 300 s. */
    expire(/** @type {unknown} */ ref) {
      const target = widget(ref);
      if (target.state !== 'success') throw new Error('[Turnstile stand-in] no token to expire');
      target.expire();
    },
    /** The interactive challenge waiting for the visitor times out now. */
    timeOut(/** @type {unknown} */ ref) {
      const target = widget(ref);
      if (target.state !== 'interactive') throw new Error('[Turnstile stand-in] not interactive');
      target.timeOut();
    },
    /** For challenges that start later; null restores 120 s. */
    setInteractiveTimeoutMs(/** @type {number | null} */ ms) {
      if (ms !== null && !(Number.isFinite(ms) && ms >= 0)) throw new TypeError('ms: ≥ 0 or null');
      settings.interactiveTimeoutMs = ms ?? 120_000;
    },
    /**
     * How the server answers the next challenges of sandbox sites: 'pass', 'interactive' or
     * 'fail' (for one site key, or for all). Test keys keep their documented behaviour.
     */
    setBehavior(/** @type {string} */ challenge, /** @type {string | undefined} */ sitekey) {
      return server({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ challenge, sitekey }),
      });
    },
    /** The server's control state: behaviour, siteverify counters and last requests. */
    serverState: () => server(),
  };
}
