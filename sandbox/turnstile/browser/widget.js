/**
 * One rendered widget: its iframe (and hidden response field) in the container, its challenge
 * run against the stand-in server, its token's lifetime, and the page's callbacks.
 *
 * States: idle (waiting for execute) → running → success | interactive | error; success →
 * expired after 300 s; interactive → running on the visitor's click, or timeout.
 */
import { drawFrame } from './frame.js';
import { PREFIX } from './params.js';
import { settings } from './state.js';
import { STRINGS, languageOf } from './strings.js';
import { clearBag, clearTimers, listen, schedule } from './timers.js';

const SIZES = {
  normal: { width: '300px', height: '65px' },
  compact: { width: '150px', height: '140px' },
  flexible: { width: '100%', minWidth: '300px', height: '65px' },
};

/** Errors a new attempt cannot fix: the site key, domain, action or cData is wrong. */
const FINAL_ERRORS = ['106010', '110100', '110200', '110420', '110430'];
const NETWORK_ERROR = '300010';

/** The page's host name; a srcdoc or about:blank document has its creator's (its origin's). */
function hostname() {
  if (location.hostname) return location.hostname;
  try {
    return new URL(window.origin).hostname;
  } catch {
    return ''; // an opaque origin: the server refuses it (110200)
  }
}

export class Widget {
  /**
   * @param {string} id
   * @param {Element} container
   * @param {Record<string, any>} params normalized (params.js)
   * @param {{ challenge: string }} endpoints
   */
  constructor(id, container, params, endpoints) {
    this.id = id;
    this.container = container;
    this.params = params;
    this.endpoints = endpoints;
    /** Timers and listeners (timers.js). */
    this.bag = new Set();
    this.state = 'idle';
    /** @type {string | undefined} */
    this.token = undefined;
    this.expired = false;
    /** From the server: an invisible widget never shows. */
    this.mode = 'managed';
    this.executed = false;
    this.interactionShown = false;
    /** @type {AbortController | undefined} */
    this.inFlight = undefined;
    this.lang = languageOf(params.language);
    this.strings = STRINGS[this.lang];

    this.iframe = document.createElement('iframe');
    this.iframe.id = id;
    this.iframe.title = this.strings.title;
    this.iframe.tabIndex = Number(params.tabindex) || 0;
    Object.assign(this.iframe.style, { border: 'none', overflow: 'hidden' }, SIZES[params.size]);
    this.input = null;
    if (params['response-field']) {
      this.input = document.createElement('input');
      this.input.type = 'hidden';
      this.input.name = params['response-field-name'];
      this.input.id = `${id}_response`;
    }
    container.append(this.iframe);
    if (this.input) container.append(this.input);
    // A moved iframe loads a fresh about:blank document: draw it again.
    listen(this.bag, this.iframe, 'load', () => this.draw());
    this.draw();
    if (params.execution === 'render') this.run(false);
  }

  draw() {
    this.iframe.style.display = this.visible() ? 'block' : 'none';
    const manual =
      (this.state === 'expired' && this.params['refresh-expired'] === 'manual') ||
      (this.state === 'timeout' && this.params['refresh-timeout'] === 'manual');
    drawFrame(this.iframe, {
      state: this.state,
      strings: this.strings,
      lang: this.lang,
      theme: this.params.theme,
      manualRefresh: manual,
      onVerify: () => this.verify(),
      onRefresh: () => this.run(false),
    });
  }

  visible() {
    if (this.mode === 'invisible') return false;
    if (this.params.appearance === 'execute') return this.executed;
    if (this.params.appearance === 'interaction-only') return this.interactionShown;
    return true;
  }

  /** @param {string} state */
  setState(state) {
    this.state = state;
    if (state === 'interactive') this.interactionShown = true;
    this.draw();
  }

  /** Stops what is under way: the request and every timer (the listeners stay). */
  cancel() {
    this.inFlight?.abort();
    this.inFlight = undefined;
    clearTimers(this.bag);
  }

  /** A challenge attempt; `interacted` when the visitor has just ticked the checkbox. */
  run(interacted = false) {
    this.cancel();
    this.token = undefined;
    this.expired = false;
    this.setField('');
    this.executed = true;
    this.setState('running');
    const controller = new AbortController();
    this.inFlight = controller;
    const { sitekey, action, cData } = this.params;
    fetch(this.endpoints.challenge, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sitekey, action, cData, hostname: hostname(), interacted }),
      credentials: 'omit',
      signal: controller.signal,
    })
      .then((response) => (response.ok ? response.json() : { error: NETWORK_ERROR }))
      .catch(() => ({ error: NETWORK_ERROR }))
      .then((answer) => {
        if (this.inFlight !== controller) return;
        this.inFlight = undefined;
        this.settle(answer);
      });
  }

  /** @param {{ token?: string, interactive?: boolean, error?: string, mode?: string }} answer */
  settle(answer) {
    if (answer.mode === 'invisible' || answer.mode === 'managed') this.mode = answer.mode;
    if (typeof answer.token === 'string') {
      this.token = answer.token;
      this.setField(answer.token);
      this.setState('success');
      schedule(this.bag, settings.tokenTtlMs, () => this.expire());
      this.call('callback', answer.token);
    } else if (answer.interactive === true) {
      this.setState('interactive');
      schedule(this.bag, settings.interactiveTimeoutMs, () => this.timeOut());
      this.call('before-interactive-callback');
    } else {
      this.fail(typeof answer.error === 'string' ? answer.error : NETWORK_ERROR);
    }
  }

  verify() {
    if (this.state !== 'interactive') return;
    this.call('after-interactive-callback');
    this.run(true);
  }

  /** @param {string} code */
  fail(code) {
    this.setState('error');
    this.report(code);
    if (this.params.retry === 'auto' && !FINAL_ERRORS.includes(code) && this.state === 'error') {
      schedule(this.bag, this.params['retry-interval'], () => this.run(false));
    }
  }

  /** Like Cloudflare's: the error callback, or an uncaught error when there is none. @param {string} code */
  report(code) {
    if (typeof this.params['error-callback'] !== 'function') {
      reportError(new Error(`${PREFIX} Error: ${code}.`));
      return;
    }
    if (!this.call('error-callback', code)) console.warn(`${PREFIX} Error: ${code}.`);
  }

  expire() {
    clearTimers(this.bag);
    this.expired = true;
    this.setState('expired');
    this.call('expired-callback');
    if (this.params['refresh-expired'] === 'auto' && this.state === 'expired') this.run(false);
  }

  timeOut() {
    this.setState('timeout');
    this.call('timeout-callback');
    if (this.params['refresh-timeout'] === 'auto' && this.state === 'timeout') this.run(false);
  }

  /** `turnstile.execute`: runs the challenge unless one is under way or solved and valid. */
  execute() {
    const busy = ['running', 'interactive'].includes(this.state);
    if (busy || (this.state === 'success' && !this.expired)) return;
    this.run(false);
  }

  reset() {
    this.cancel();
    this.token = undefined;
    this.expired = false;
    this.executed = false;
    this.interactionShown = false;
    this.setField('');
    this.setState('idle');
    if (this.params.execution === 'render') this.run(false);
  }

  destroy() {
    this.cancel();
    clearBag(this.bag);
    this.state = 'removed';
    this.iframe.remove();
    this.input?.remove();
  }

  /** @param {string} value */
  setField(value) {
    if (this.input) this.input.value = value;
  }

  /** A page callback; what it throws is reported, not allowed to break the widget. @param {string} name @param {unknown[]} args */
  call(name, ...args) {
    const fn = this.params[name];
    if (typeof fn !== 'function') return undefined;
    try {
      return fn(...args);
    } catch (err) {
      reportError(err);
      return undefined;
    }
  }
}
