/**
 * Guests (docs/architecture.md, Guest access): on a public page nobody is
 * signed in, and a token endpoint that allows guests answers the element's
 * credential-less request with 401 and an offer, `{endpoint, challenge,
 * sitekey}`. On a visitor's gesture, the element proves the visitor is a person
 * with a Cloudflare Turnstile widget (docs/kaleyra-sdk-notes.md, Turnstile),
 * sends its token to the guest endpoint, and keeps the guest credential it
 * gets for the tab, so a reload or a refresh neither challenges again nor
 * creates another Kaleyra user.
 */
import { KaleyraCallError } from '../common/errors.js';
import { script as newScript } from '../common/scripts.js';
import type { Token } from '../common/types.js';
import { aborted } from './abort.js';
import { fetchToken, requestToken, type TokenSource } from './token-client.js';

/** The guest offer of a 401 answer, its endpoint resolved against the token endpoint. */
export interface GuestOffer {
  endpoint: string;
  challenge: string;
  sitekey: string;
}

/** What the element tells the guest flow. */
export interface GuestHost {
  /** The element: the challenge renders in a light-DOM child of it, in its `challenge` slot. */
  element: HTMLElement;
  /** `guest` is not `off`, and the page gave no authToken or tokenProvider. */
  allowed: boolean;
  /** The challenge's script; Turnstile's when unset. */
  challengeSrc: string | undefined;
  language: string;
  /** Resolves on the visitor's gesture (the launcher, or the page's `connect()`). */
  gesture(): Promise<void>;
  /** Waiting for that gesture, and running the challenge: the element's own states. */
  onWaiting(): void;
  onVerifying(): void;
}

/** The slice of Turnstile's API (`window.turnstile`) that the element uses. */
interface Turnstile {
  render(container: HTMLElement, params: Record<string, unknown>): string;
  remove(widgetId: string): void;
}

const STORE = 'kaleyra-call.guest:';
/** Turnstile's script, for explicit rendering (docs/kaleyra-sdk-notes.md, Turnstile). */
const TURNSTILE = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit';
/** Turnstile requires exactly this action of the element (the worker checks it). */
export const ACTION = 'kaleyra-call';

/** The guest credential kept for this tab and token endpoint, while it is valid. */
function stored(endpoint: string): string | undefined {
  try {
    const { token, expiresAt } = JSON.parse(sessionStorage.getItem(STORE + endpoint) ?? '{}');
    if (token && Date.parse(expiresAt) > Date.now()) return token;
  } catch {
    // No storage (a sandboxed frame), or something else under the key: no credential.
  }
  return undefined;
}

function keep(endpoint: string, token: Token): void {
  try {
    if (token.guestToken) {
      const { guestToken, guestExpiresAt } = token;
      sessionStorage.setItem(
        STORE + endpoint,
        JSON.stringify({ token: guestToken, expiresAt: guestExpiresAt }),
      );
    }
  } catch {
    // Not kept: the next page load challenges again.
  }
}

function forget(endpoint: string): void {
  try {
    sessionStorage.removeItem(STORE + endpoint);
  } catch {
    // Nothing was kept.
  }
}

/**
 * One attempt at a token for `source`, as a guest where the endpoint offers it:
 * with the kept guest credential when there is one; else, on a 401 with a
 * guest offer, after the visitor's gesture and a passed challenge.
 */
export async function guestToken(
  source: TokenSource,
  signal: AbortSignal,
  host: GuestHost,
): Promise<Token> {
  if (!host.allowed || !source.endpoint) return requestToken(source, signal);
  const endpoint = new URL(source.endpoint, document.baseURI).href;
  const credential = stored(endpoint);
  let token: Token;
  try {
    token = await requestToken({ ...source, authToken: credential }, signal);
  } catch (err) {
    const offer = (err as KaleyraCallError).params?.guest as GuestOffer | undefined;
    if (!offer) throw err;
    // A kept credential that no longer works (expired) is dropped: a new guest.
    if (credential) forget(endpoint);
    if (offer.challenge !== 'turnstile') {
      throw new KaleyraCallError({
        phase: 'token',
        code: 'unsupported_challenge',
        status: 401,
        params: { v: offer.challenge },
      });
    }
    host.onWaiting();
    await Promise.race([aborted(signal), host.gesture()]);
    host.onVerifying();
    const response = await challenge(offer, host, signal);
    token = await fetchToken({
      endpoint: offer.endpoint,
      credentials: source.credentials,
      signal,
      body: { turnstile: response },
    });
  }
  keep(endpoint, token);
  return token;
}

/**
 * Renders the Turnstile widget in a light-DOM container of the element
 * (`appearance: interaction-only`: most visitors see nothing) and resolves with
 * its token. Whatever the outcome — a token, a failure, an expiry, the element
 * leaving — the widget and its container are removed.
 */
async function challenge(offer: GuestOffer, host: GuestHost, signal: AbortSignal): Promise<string> {
  const turnstile = await loadChallenge(host.challengeSrc ?? TURNSTILE);
  const container = document.createElement('div');
  container.slot = 'challenge';
  host.element.append(container);
  let id: string | undefined;
  let onAbort!: () => void;
  try {
    return await new Promise<string>((resolve, reject) => {
      const refused = (reason: string) =>
        reject(
          new KaleyraCallError({ phase: 'token', code: 'challenge_failed', params: { reason } }),
        );
      signal.addEventListener('abort', (onAbort = () => reject(signal.reason)), { once: true });
      id = turnstile.render(container, {
        sitekey: offer.sitekey,
        action: ACTION,
        appearance: 'interaction-only',
        language: host.language,
        callback: resolve,
        'error-callback': (code: unknown) => refused(String(code ?? 'error')),
        'expired-callback': () => refused('expired'),
        'timeout-callback': () => refused('timeout'),
      });
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    try {
      if (id !== undefined) turnstile.remove(id);
    } catch {
      // Already gone.
    }
    container.remove();
  }
}

const LOADS = Symbol.for('kaleyra-call.challenge-loads');

/** Turnstile's script, once per page (and per URL), through the Trusted Types policy. */
function loadChallenge(src: string): Promise<Turnstile> {
  const g = globalThis as unknown as Record<symbol, Map<string, Promise<Turnstile>> | undefined> & {
    turnstile?: Turnstile;
  };
  if (g.turnstile) return Promise.resolve(g.turnstile);
  const loads = (g[LOADS] ??= new Map());
  let load = loads.get(src);
  if (!load) {
    load = new Promise<Turnstile>((resolve, reject) => {
      const script = newScript(new URL(src, document.baseURI).href);
      script.onload = () =>
        g.turnstile ? resolve(g.turnstile) : reject(new Error('no window.turnstile'));
      script.onerror = reject;
      script.async = true;
      document.head.append(script);
    }).catch(() => {
      loads.delete(src);
      throw new KaleyraCallError({
        phase: 'token',
        code: 'challenge_load_failed',
        params: { url: src },
      });
    });
    loads.set(src, load);
  }
  return load;
}
