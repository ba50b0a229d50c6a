/**
 * Helpers for the SDK stand-in's own tests (kaleyra-sdk*.test.ts): loading the stand-in through
 * a real <script src>, minting Kaleyra-shaped HS256 tokens with WebCrypto, and observing
 * promises that may never settle.
 */
import type {
  BandyerSDK,
  Client,
  SdkStandInControl,
  SdkStandInGlobals,
} from '../../../sandbox/kaleyra-sdk/bandyer-sdk.js';
import type { FakeClock } from '../../component/support/clock.js';

export { until } from '../../component/support/waits.js';

// Captured before a test hands the page's timers to a FakeClock.
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);

export const SDK_STANDIN_SRC = '/sandbox/kaleyra-sdk/bandyer-sdk.js';
export const SECRET = 'stand-in-test-secret';
const COMPANY_ID = '7a1c2b9e-0000-4000-8000-00000000c0de';

/** Adds `<script src>` to `win`'s document and resolves once it ran. */
export function loadSdkStandIn(win: Window = window): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = win.document.createElement('script');
    script.src = SDK_STANDIN_SRC;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${SDK_STANDIN_SRC}`));
    win.document.head.append(script);
  });
}

export interface LoadedSdkStandIn {
  sdk: BandyerSDK;
  control: SdkStandInControl;
}

export function sdkStandInOf(win: Window = window): LoadedSdkStandIn {
  const globals = win as unknown as SdkStandInGlobals;
  if (!globals.BandyerSDK || !globals.__bandyerEmulator)
    throw new Error('the SDK stand-in is not loaded');
  return { sdk: globals.BandyerSDK, control: globals.__bandyerEmulator };
}

const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const encode = (value: unknown): string => b64url(new TextEncoder().encode(JSON.stringify(value)));

export interface TokenOptions {
  /** Seconds from now to `exp`, rounded up to a whole second (JWT times are seconds). */
  ttl?: number;
  /** Lifetime in seconds (exp − iat); defaults to ttl. */
  lifetime?: number;
  secret?: string;
}

export interface MintedToken {
  token: string;
  /** `exp` in milliseconds. */
  expMs: number;
  expiresAt: string;
}

/** An HS256 JWT with Kaleyra's claims (docs/kaleyra-sdk-notes.md, Token format). */
export async function mintToken(user: string, options: TokenOptions = {}): Promise<MintedToken> {
  const ttl = options.ttl ?? 3600;
  const exp = Math.ceil(Date.now() / 1000 + ttl);
  const iat = exp - Math.round(options.lifetime ?? ttl);
  const claims = {
    user,
    companyId: COMPANY_ID,
    allowCamera: true,
    iat,
    exp,
    iss: '@switchboard-core',
    sub: `${user}#${COMPANY_ID}`,
  };
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(options.secret ?? SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input));
  return {
    token: `${input}.${b64url(new Uint8Array(signature))}`,
    expMs: exp * 1000,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

export type Outcome<T> =
  { state: 'pending' } | { state: 'resolved'; value: T } | { state: 'rejected'; reason: unknown };

/**
 * Where `promise` stands once `clock` (holding the page's timers, see
 * FakeClock.installGlobals) has moved on by `ms`, running the stand-in's timers
 * due by then; the promise is left running.
 */
export async function after<T>(
  promise: Promise<T>,
  clock: FakeClock,
  ms: number,
): Promise<Outcome<T>> {
  let outcome: Outcome<T> = { state: 'pending' };
  promise.then(
    (value) => (outcome = { state: 'resolved', value }),
    (reason: unknown) => (outcome = { state: 'rejected', reason }),
  );
  await clock.advance(ms);
  return outcome;
}

/**
 * Moves `clock` on 1 ms at a time (each step a task, so that the stand-in's own
 * async work goes on) until `promise` settles, and returns it.
 */
export async function driven<T>(promise: Promise<T>, clock: FakeClock, limitMs = 1000): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let ms = 0; !settled; ms++) {
    if (ms >= limitMs) throw new Error(`still pending after ${limitMs} ms of fake time`);
    await clock.advance(1);
  }
  return promise;
}

/** The rejection reason of `promise`; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (reason) {
    return reason as Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

/** What `fn` throws synchronously; fails when it does not throw. */
export function thrown(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a synchronous throw');
}

/** The next `event` emitted by `client` (with when it came), or a timeout error. */
export function nextEvent<T = unknown>(
  client: Client,
  event: string,
  timeoutMs = 3000,
): Promise<{ payload: T; at: number }> {
  return new Promise((resolve, reject) => {
    const timer = realSetTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      realClearTimeout(timer);
      client.off(event, listener);
      resolve({ payload, at: Date.now() });
    };
    client.on(event, listener);
  });
}

/** Every event emitted by `client`, in order (wraps `emit`, so nothing is missed). */
export function recordEvents(client: Client): { event: string; payload: unknown }[] {
  const seen: { event: string; payload: unknown }[] = [];
  const emit = client.emit.bind(client);
  client.emit = (event: string, ...args: unknown[]) => {
    seen.push({ event, payload: args[0] });
    return emit(event, ...args);
  };
  return seen;
}

export const WIDGET_SELECTOR = 'div#Bandyer-bandyer-chat-widget';
