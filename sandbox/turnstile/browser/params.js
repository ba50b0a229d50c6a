/**
 * `render()` parameters: their defaults and checks. A wrong type or an unknown value for an
 * enumerated parameter throws, as Cloudflare's script does; what only the service can judge
 * (the site key, the action's and cData's content, the hostname) is judged by the stand-in
 * server and reported through `error-callback`.
 */

export const PREFIX = '[Cloudflare Turnstile]';

const ENUMS = {
  theme: ['auto', 'light', 'dark'],
  size: ['normal', 'compact', 'flexible'],
  appearance: ['always', 'execute', 'interaction-only'],
  execution: ['render', 'execute'],
  retry: ['auto', 'never'],
  'refresh-expired': ['auto', 'manual', 'never'],
  'refresh-timeout': ['auto', 'manual', 'never'],
};

const CALLBACKS = [
  'callback',
  'error-callback',
  'expired-callback',
  'timeout-callback',
  'before-interactive-callback',
  'after-interactive-callback',
  'unsupported-callback',
];

const DEFAULTS = {
  action: '',
  cData: '',
  theme: 'auto',
  language: 'auto',
  size: 'normal',
  appearance: 'always',
  execution: 'render',
  retry: 'auto',
  'retry-interval': 8000,
  'refresh-expired': 'auto',
  'refresh-timeout': 'auto',
  'response-field': true,
  'response-field-name': 'cf-turnstile-response',
  tabindex: 0,
};

/** The parameters with defaults applied. @param {Record<string, unknown>} params */
export function normalize(params) {
  if (!params || typeof params !== 'object') throw new TypeError(`${PREFIX} Missing parameters.`);
  const out = { ...DEFAULTS };
  for (const [name, value] of Object.entries(params)) if (value !== undefined) out[name] = value;
  if (typeof out.sitekey !== 'string' || out.sitekey === '') {
    throw invalid('sitekey', 'string', out.sitekey);
  }
  for (const name of ['action', 'cData', 'language', 'response-field-name']) {
    if (typeof out[name] !== 'string') throw invalid(name, 'string', out[name]);
  }
  for (const [name, allowed] of Object.entries(ENUMS)) {
    if (!allowed.includes(out[name])) throw invalid(name, allowed.join(' | '), out[name]);
  }
  for (const name of CALLBACKS) {
    if (out[name] !== undefined && typeof out[name] !== 'function') {
      throw invalid(name, 'function', out[name]);
    }
  }
  const interval = out['retry-interval'];
  if (!(Number.isInteger(interval) && interval > 0 && interval <= 900_000)) {
    throw invalid('retry-interval', 'an integer 1..900000', interval);
  }
  return out;
}

/** @param {string} name @param {string} expected @param {unknown} got */
function invalid(name, expected, got) {
  return new TypeError(
    `${PREFIX} Invalid or missing type for parameter "${name}", expected "${expected}", got "${typeof got === 'string' ? got : typeof got}".`,
  );
}
