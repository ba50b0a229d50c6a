/**
 * `window.turnstile`: Cloudflare's client API (render, reset, remove, getResponse, isExpired,
 * execute, ready) over the widgets of widget.js, plus implicit rendering of `.cf-turnstile`.
 */
import { normalize, PREFIX } from './params.js';
import { findWidget, widgets } from './state.js';
import { Widget } from './widget.js';

/** Marks this stand-in's API object, so tests can tell it from another copy. */
export const MARK = Symbol.for('turnstile-stand-in');

/** @param {{ challenge: string }} endpoints */
export function createApi(endpoints) {
  /** @param {unknown} ref @param {string} method */
  function existing(ref, method) {
    const widget = findWidget(ref);
    if (!widget) console.warn(`${PREFIX} Nothing to ${method}: no widget for ${String(ref)}.`);
    return widget;
  }

  const api = {
    [MARK]: true,
    /** @param {string | Element} container @param {Record<string, unknown>} params */
    render(container, params) {
      const element = typeof container === 'string' ? document.querySelector(container) : container;
      if (!(element instanceof Element)) {
        throw new Error(`${PREFIX} Unable to find a container for ${String(container)}.`);
      }
      for (const widget of widgets.values()) {
        if (widget.container === element) {
          throw new Error(`${PREFIX} Turnstile has already been rendered in this container.`);
        }
      }
      const normalized = normalize(params);
      const id = `cf-chl-widget-${Math.random().toString(36).slice(2, 7)}`;
      widgets.set(id, new Widget(id, element, normalized, endpoints));
      return id;
    },
    /** @param {unknown} [ref] */
    reset(ref) {
      existing(ref, 'reset')?.reset();
    },
    /** @param {unknown} [ref] */
    remove(ref) {
      const widget = existing(ref, 'remove');
      if (!widget) return;
      widget.destroy();
      widgets.delete(widget.id);
    },
    /** @param {unknown} [ref] */
    getResponse(ref) {
      return findWidget(ref)?.token;
    },
    /** @param {unknown} [ref] */
    isExpired(ref) {
      return findWidget(ref)?.expired ?? false;
    },
    /** @param {string | Element} container @param {Record<string, unknown>} [params] */
    execute(container, params) {
      let widget = findWidget(container);
      if (!widget) {
        widget = widgets.get(api.render(container, { ...params, execution: 'execute' }));
      }
      widget?.execute();
    },
    /** @param {() => void} callback */
    ready(callback) {
      if (typeof callback !== 'function') {
        throw new TypeError(`${PREFIX} turnstile.ready() expects a function.`);
      }
      Promise.resolve().then(() => {
        try {
          callback();
        } catch (err) {
          reportError(err);
        }
      });
    },
    /** Renders every `.cf-turnstile` not yet rendered, from its data-* attributes. */
    implicitRender() {
      for (const element of document.querySelectorAll('.cf-turnstile')) {
        if (findWidget(element)) continue;
        try {
          api.render(element, fromDataset(/** @type {HTMLElement} */ (element).dataset));
        } catch (err) {
          reportError(err);
        }
      }
    },
  };
  return api;
}

const CALLBACK_ATTRIBUTES = {
  callback: 'callback',
  errorCallback: 'error-callback',
  expiredCallback: 'expired-callback',
  timeoutCallback: 'timeout-callback',
};
const STRING_ATTRIBUTES = {
  sitekey: 'sitekey',
  action: 'action',
  cdata: 'cData',
  theme: 'theme',
  language: 'language',
  size: 'size',
  appearance: 'appearance',
  execution: 'execution',
  retry: 'retry',
  refreshExpired: 'refresh-expired',
  refreshTimeout: 'refresh-timeout',
  responseFieldName: 'response-field-name',
};

/** @param {DOMStringMap} data */
function fromDataset(data) {
  /** @type {Record<string, unknown>} */
  const params = {};
  for (const [attribute, name] of Object.entries(STRING_ATTRIBUTES)) {
    if (data[attribute] !== undefined) params[name] = data[attribute];
  }
  // Callbacks are global function names, looked up when they are due.
  for (const [attribute, name] of Object.entries(CALLBACK_ATTRIBUTES)) {
    const global = data[attribute];
    if (global) params[name] = (/** @type {unknown[]} */ ...args) => window[global]?.(...args);
  }
  if (data.retryInterval !== undefined) params['retry-interval'] = Number(data.retryInterval);
  if (data.responseField !== undefined) params['response-field'] = data.responseField !== 'false';
  if (data.tabindex !== undefined) params.tabindex = Number(data.tabindex);
  return params;
}
