/**
 * The media client: the WebRTC library the SDK loads for calls. 2.7.5 loads its own at connect
 * by assigning a plain string to a new script's `src` (docs/kaleyra-sdk-notes.md, Trusted
 * Types); where Trusted Types are enforced and no `default` policy admits the URL, that
 * assignment throws, the SDK keeps the failure for the page's lifetime, and calls are refused
 * while connect and chat go on. The stand-in does the same with a file served beside its own
 * script (sandbox/kaleyra-sdk/bandyer-media-client.js); `__bandyerEmulator.setMediaClientUrl` points
 * it elsewhere.
 */
import { ExposeError } from './errors.js';
import { ownScript } from './own-script.js';

export const MEDIA_CLIENT_FILE = 'bandyer-media-client.js';
/** Set by the media client when it runs: a script that loads but is not it does not count. */
const RAN = Symbol.for('kaleyra-call.bandyer-media-client');

const initial = () => ({
  url: null, // null: the file beside this script
  status: 'idle', // idle | loading | loaded | failed
  reason: null, // why it failed
  promise: null,
  script: null,
  generation: 0,
});
const state = initial();

export function mediaClientUrl() {
  if (state.url) return state.url;
  const base = (ownScript && ownScript.src) || document.baseURI;
  return new URL(MEDIA_CLIENT_FILE, base).href;
}

/** What the control API shows: `{url, status, reason}`. */
export function mediaClientInfo() {
  return { url: mediaClientUrl(), status: state.status, reason: state.reason };
}

/**
 * Loads the media client once per page; resolves (never rejects) when it has loaded or failed.
 * Every connect calls it; only the first does anything.
 */
export function loadMediaClient() {
  if (state.promise) return state.promise;
  const generation = state.generation;
  const url = mediaClientUrl();
  const settle = (reason) => {
    if (generation !== state.generation) return;
    state.status = reason ? 'failed' : 'loaded';
    state.reason = reason;
    if (reason) console.error(`[BandyerSDK stand-in] no media client, calls are off: ${reason}`);
  };
  state.status = 'loading';
  state.promise = new Promise((resolve) => {
    const script = document.createElement('script');
    try {
      // A plain string, as 2.7.5 does: under `require-trusted-types-for 'script'` this throws
      // unless the page's `default` policy admits the URL.
      script.src = url;
    } catch (error) {
      settle(`the page refused the script URL ${url} (${error && error.message})`);
      resolve();
      return;
    }
    delete window[RAN];
    script.onload = () => {
      settle(window[RAN] ? null : `${url} loaded but is not the media client`);
      resolve();
    };
    script.onerror = () => {
      settle(`${url} failed to load`);
      resolve();
    };
    state.script = script;
    document.head.append(script);
  });
  return state.promise;
}

/**
 * Gate of every call (createCall, answer, joinCallURL): null when the media client is in (go on
 * now), else a promise: `retry()` once it has loaded, or the rejection calls get without it.
 */
export function mediaClientGate(retry) {
  if (state.status === 'loaded') return null;
  if (state.status === 'failed') return Promise.reject(mediaClientUnavailable());
  return loadMediaClient().then(retry);
}

/** Our code (the vendor has none for this): what a call gets when the media client is missing. */
export function mediaClientUnavailable() {
  return new ExposeError(
    'media_client_unavailable',
    `Calls are unavailable: the media client did not load (${state.reason})`,
  );
}

/** A fresh page (control API `reset`), or another URL (`setMediaClientUrl`, null: the default). */
export function resetMediaClient(url = null) {
  const generation = state.generation + 1;
  if (state.script) state.script.remove();
  Object.assign(state, initial(), { url, generation });
}
