import { clock } from './clock.js';
import { KaleyraCallError, fromSdk } from './errors.js';
import type { KaleyraCallState } from './events.js';
import { withRetries } from './retry.js';
import type { BandyerClient, BandyerConfig, BandyerSdk, Listener } from './sdk.js';
import { loadSdk } from './sdk-loader.js';
import type { Token } from './token-client.js';

/** Kaleyra's shortest token lifetime (`expires_in` ≥ 360 s, docs/kaleyra-sdk-notes.md, REST: minting tokens). */
const MIN_LIFETIME_MS = 360_000;

/** Every documented client event (docs/kaleyra-sdk-notes.md, Events), relayed to the page. */
export const SDK_EVENTS = [
  'client:access_token:is_about_to_expire',
  'client:access_token:expired',
  'client:force_disconnect',
  'user:status:changed',
  'call:incoming',
  'call:status:changed',
  'channel:message:sent',
  'channel:message:received',
  'channel:added',
  'channel:removed',
] as const;

export type SdkEventName = (typeof SDK_EVENTS)[number];

/** The states from which `start()` begins a new run. */
const STARTABLE: readonly KaleyraCallState[] = ['idle', 'error', 'disconnected'];

/** What a session is made from. Elements with the same `key` share one session. */
export interface SessionSource {
  /** app id, region, environment, SDK URL and token source. */
  key: string;
  sdkSrc: string;
  sdkIntegrity?: string | undefined;
  config: BandyerConfig;
  /** One attempt at a token; retries are the session's business. */
  getToken(signal: AbortSignal): Promise<Token>;
  connectTimeoutMs: number;
}

/** How a session talks to the elements that use it. */
export interface SessionMember {
  onState(state: KaleyraCallState): void;
  onError(error: KaleyraCallError): void;
  onReady(userId: string): void;
  onToken(expiresAt: string): void;
  onSdkEvent(type: string, payload: unknown): void;
}

interface Registry {
  sessions: Map<string, Session>;
  /** The last teardown: a new client may be configured only after it. */
  teardown: Promise<void>;
}

// Shared by every copy of the bundle on the page, like the SDK's own singleton.
function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[Symbol.for('kaleyra-call.sessions')] ??= {
    sessions: new Map(),
    teardown: Promise.resolve(),
  });
}

/** Queues `step` after every earlier teardown. */
function afterTeardown(step: () => Promise<void>): Promise<void> {
  const reg = registry();
  return (reg.teardown = reg.teardown.then(step));
}

/**
 * Joins the page's session for `source`, creating it when there is none. The
 * SDK allows one client per page, so a source that differs from a live
 * session's is refused with `client_already_exists`.
 */
export function acquireSession(source: SessionSource, member: SessionMember): Session {
  const { sessions } = registry();
  let session = sessions.get(source.key);
  if (!session) {
    const [other] = sessions.values();
    if (other) {
      const { appId, region, environment } = other.source.config;
      throw new KaleyraCallError(
        'config',
        'client_already_exists',
        `Another <kaleyra-call> here runs app ${appId} (${region}, ${environment}): ` +
          'one SDK client per page, so use the same settings everywhere.',
      );
    }
    sessions.set(source.key, (session = new Session(source)));
  }
  session.members.add(member);
  return session;
}

/**
 * Leaves a session; the last member out tears it down. Resolves when what this
 * member held is released (for the last one: the SDK client destroyed).
 */
export function releaseSession(session: Session, member: SessionMember): Promise<void> {
  if (!session.members.delete(member) || session.members.size) return Promise.resolve();
  const { sessions } = registry();
  if (sessions.get(session.source.key) === session) sessions.delete(session.source.key);
  return afterTeardown(() => session.stop());
}

/**
 * The page-level SDK session: token, SDK script, the one client, its
 * connection and token refresh.
 */
export class Session {
  readonly members = new Set<SessionMember>();
  state: KaleyraCallState = 'idle';
  userId?: string | undefined;
  token?: Token;
  client?: BandyerClient | undefined;

  private _sdk?: BandyerSdk;
  private _run?: AbortController | undefined;
  private _refreshing?: Promise<void> | undefined;
  private _timer?: number | undefined;
  private _refreshAt = Infinity;
  private _watching = false;
  private readonly _handlers = new Map<string, Listener>();

  constructor(readonly source: SessionSource) {}

  /** Starts (or restarts after an error) unless already under way. */
  start(): void {
    if (STARTABLE.includes(this.state)) void this._begin();
  }

  private async _begin(): Promise<void> {
    const signal = this._newRun();
    this._setState('loading');
    try {
      // The token request and the SDK download run at the same time.
      const [sdk] = await Promise.all([
        loadSdk(this.source.sdkSrc, { signal, integrity: this.source.sdkIntegrity }),
        this._obtainToken(signal, 'token'),
      ]);
      await registry().teardown;
      if (signal.aborted) return;
      this._sdk = sdk;
      this.client = this._configure(sdk);
      this._setState('connecting');
      await this._connect(signal);
    } catch (err) {
      // Errors of the SDK and connect steps carry their phase; anything else came
      // from the token source (a throwing authToken function, say).
      if (!signal.aborted) this._fail(err, 'token');
    }
  }

  private _configure(sdk: BandyerSdk): BandyerClient {
    let client: BandyerClient;
    try {
      client = sdk.configure(this.source.config);
    } catch (err) {
      const error = fromSdk(err, 'config', 'invalid_config_error');
      throw error.code === 'client_already_exists'
        ? new KaleyraCallError(
            'config',
            error.code,
            'Another script here already made the SDK client.',
          )
        : error;
    }
    for (const type of SDK_EVENTS) {
      const handler: Listener = (payload) => this._onSdkEvent(type, payload);
      this._handlers.set(type, handler);
      client.on(type, handler);
    }
    return client;
  }

  /** `client.connect` may never settle (docs/kaleyra-sdk-notes.md, Connect): it runs against a timeout. */
  private async _connect(signal: AbortSignal): Promise<void> {
    const { client, token } = this;
    const ms = this.source.connectTimeoutMs;
    let timer: number | undefined;
    let onAbort!: () => void;
    try {
      await Promise.race([
        client!.connect(token!.userId, token!.accessToken).catch((err: unknown) => {
          throw fromSdk(err, 'connect', 'connect_failed');
        }),
        new Promise<never>((_, reject) => {
          timer = clock.setTimeout(
            () =>
              reject(
                new KaleyraCallError(
                  'connect',
                  'connect_timeout',
                  `No answer from the video service in ${ms / 1000} s.`,
                ),
              ),
            ms,
          );
          signal.addEventListener('abort', (onAbort = () => reject(signal.reason)));
        }),
      ]);
    } finally {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    this.userId = token!.userId;
    this._setState('connected');
    for (const m of this.members) m.onReady(this.userId);
    this._schedule();
    this._watch(true);
  }

  /** One token, with the retries of docs/architecture.md, Backoff; progress is reported as non-fatal errors. */
  private async _obtainToken(signal: AbortSignal, phase: 'token' | 'refresh'): Promise<Token> {
    const token = await withRetries(
      () => this.source.getToken(signal),
      signal,
      ({ code, message, status }, delay) =>
        this._emitError(new KaleyraCallError(phase, code, message, false, status, delay)),
    );
    if (this.userId && token.userId !== this.userId) {
      throw new KaleyraCallError(
        phase,
        'user_changed',
        `The new token is for another user (${token.userId}): call connect() to start over.`,
      );
    }
    this.token = token;
    // 80 % of the lifetime ±10 % jitter, so that tabs do not refresh at once. The
    // lifetime counts as at least Kaleyra's minimum: a page whose clock runs ahead
    // of the server's must not refresh in a loop.
    const now = clock.now();
    const lifetime = Math.max(MIN_LIFETIME_MS, Date.parse(token.expiresAt) - now);
    this._refreshAt = now + lifetime * 0.8 * (0.9 + clock.random() * 0.2);
    for (const m of this.members) m.onToken(token.expiresAt);
    return token;
  }

  private _schedule(): void {
    clock.clearTimeout(this._timer);
    const delay = Math.min(Math.max(0, this._refreshAt - clock.now()), 2 ** 31 - 1);
    this._timer = clock.setTimeout(() => void this.refresh(), delay);
  }

  /** Fetches a new token and hands it to the live client. One refresh at a time. */
  refresh(): Promise<void> {
    const signal = this._run?.signal;
    if (this._refreshing || this.state !== 'connected' || !signal) {
      return this._refreshing ?? Promise.resolve();
    }
    clock.clearTimeout(this._timer);
    return (this._refreshing = (async () => {
      try {
        const token = await this._obtainToken(signal, 'refresh');
        await this.client!.updateAccessToken(token.accessToken).catch((err: unknown) => {
          throw fromSdk(err, 'refresh', 'update_token_failed');
        });
        if (!signal.aborted) this._schedule();
      } catch (err) {
        if (!signal.aborted) this._fail(err, 'refresh');
      } finally {
        this._refreshing = undefined;
      }
    })());
  }

  /** After `client:access_token:expired` the SDK has disconnected itself: new token, connect again. */
  private async _reconnect(): Promise<void> {
    if (this.state === 'reconnecting') return;
    const signal = this._newRun();
    this._setState('reconnecting');
    try {
      await this._obtainToken(signal, 'refresh');
      await this._connect(signal);
    } catch (err) {
      if (!signal.aborted) this._fail(err, 'connect');
    }
  }

  private _onSdkEvent(type: SdkEventName, payload: unknown): void {
    for (const m of this.members) m.onSdkEvent(type, payload);
    if (type === 'client:access_token:is_about_to_expire') void this.refresh();
    else if (type === 'client:access_token:expired') void this._reconnect();
    else if (type === 'client:force_disconnect') {
      const { reason } = (payload ?? {}) as { reason?: unknown };
      this._fail(
        new KaleyraCallError(
          'connect',
          'force_disconnect',
          `The video service ended the session${reason ? ` (${reason})` : ''}.`,
        ),
        'connect',
      );
    }
  }

  /** Re-check the token when the tab wakes up or the network comes back. */
  private readonly _recheck = (): void => {
    if (document.visibilityState !== 'hidden' && clock.now() >= this._refreshAt) {
      void this.refresh();
    }
  };

  private _watch(on: boolean): void {
    if (on === this._watching) return;
    this._watching = on;
    const method = on ? 'addEventListener' : 'removeEventListener';
    document[method]('visibilitychange', this._recheck);
    window[method]('online', this._recheck);
  }

  /** Aborts whatever runs now and returns the signal of a new run (none when `stop`). */
  private _newRun(stop?: boolean): AbortSignal {
    this._run?.abort(new DOMException('superseded', 'AbortError'));
    this._run = stop ? undefined : new AbortController();
    clock.clearTimeout(this._timer);
    this._refreshAt = Infinity;
    this._refreshing = undefined;
    this._watch(false);
    return this._run?.signal as AbortSignal;
  }

  private _fail(err: unknown, phase: 'token' | 'connect' | 'refresh'): void {
    this._newRun(true);
    this._setState('error');
    this._emitError(fromSdk(err, phase, 'unexpected'));
    // A failed session holds no client: "Try again" starts from a clean SDK.
    void afterTeardown(() => this._release());
  }

  private _emitError(error: KaleyraCallError): void {
    for (const m of this.members) m.onError(error);
  }

  /** Disconnects and destroys the client, releasing camera, sockets and listeners. */
  private async _release(): Promise<void> {
    const { client, _sdk: sdk } = this;
    this.client = this.userId = undefined;
    if (!client || !sdk) return;
    for (const [type, handler] of this._handlers) client.off(type, handler);
    this._handlers.clear();
    await client.disconnect().catch(() => {});
    await sdk.destroyClient().catch(() => {});
    // The SDK leaves its (emptied) container behind on every connect.
    for (const div of document.querySelectorAll('#Bandyer-bandyer-chat-widget')) div.remove();
  }

  /** Tears the session down for good (its last element left). */
  async stop(): Promise<void> {
    this._newRun(true);
    await this._release();
    this.state = 'disconnected';
  }

  private _setState(next: KaleyraCallState): void {
    if (this.state === next) return;
    this.state = next;
    for (const m of this.members) m.onState(next);
  }
}
