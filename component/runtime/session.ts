import { clock } from '../common/clock.js';
import { KaleyraCallError } from '../common/errors.js';
import type { KaleyraCallState } from '../common/events.js';
import { withRetries } from './retry.js';
import type { BandyerClient, BandyerConfig, BandyerSdk, Listener } from '../common/sdk.js';
import { fromSdk, initOf } from './messages.js';
import { loadSdk } from './sdk-loader.js';
import type { AppInfo, CallState, Token } from '../common/types.js';

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

export interface CallInfo {
  state: CallState;
  /** The other participant's user id. */
  peer?: string | undefined;
  /** The SDK's end reason (`declined`, `hang_up`, `timeout`, …). */
  reason?: string | undefined;
}

/** The SDK's configuration as the page's attributes give it: the app may come from the token. */
export type PageConfig = Omit<BandyerConfig, keyof AppInfo> & AppInfo;

/** Where the app comes from when neither the page nor the token source says. */
const APP_DEFAULTS = { region: 'eu', environment: 'sandbox' } as const;
const APP_ATTRIBUTES = { appId: 'app-id', region: 'region', environment: 'environment' } as const;

/** The states from which `start()` begins a new run. */
const STARTABLE: readonly KaleyraCallState[] = ['idle', 'error', 'disconnected'];

/** The slice of the SDK's `Call` that the session reads. */
export interface SdkCall {
  status?: string;
  direction?: string;
  endReason?: string | null;
  participants?: (string | { userId?: string })[];
}

/** What a session is made from. Elements with the same `key` share one session. */
export interface SessionSource {
  /** app id, region, environment, SDK URL and token source. */
  key: string;
  sdkSrc: string;
  sdkIntegrity?: string | undefined;
  config: PageConfig;
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
  onCall(call: CallInfo): void;
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

/** Removes the SDK's widget containers but the first `kept`. */
const removeWidgets = (kept: number): void =>
  [...document.querySelectorAll('#Bandyer-bandyer-chat-widget')]
    .slice(kept)
    .forEach((div) => div.remove());

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
      const { appId, region, environment } = other.config ?? other.source.config;
      throw new KaleyraCallError({
        phase: 'config',
        code: 'client_already_exists',
        params: { v: appId ?? '?', e: `${region ?? '?'}, ${environment ?? '?'}` },
      });
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
  /** The SDK configuration, once the first token said which app (see `_resolveApp`). */
  config?: BandyerConfig | undefined;
  call: CallInfo = { state: 'none' };

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
      // The token request and the SDK download run at the same time. The request
      // goes first: running a downloaded SDK holds the main thread for a while.
      const token = this._obtainToken(signal, 'token');
      const [sdk] = await Promise.all([
        loadSdk(this.source.sdkSrc, { signal, integrity: this.source.sdkIntegrity }),
        token,
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
      client = sdk.configure(this.config!);
    } catch (err) {
      throw fromSdk(err, 'config', 'invalid_config_error');
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
                new KaleyraCallError({
                  phase: 'connect',
                  code: 'connect_timeout',
                  params: { s: ms / 1000 },
                }),
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
    // The SDK appends a container at every connect and renders into the first
    // (docs/kaleyra-sdk-notes.md, Observed behaviour of 2.7.5): keep one.
    removeWidgets(1);
    this._setState('connected');
    for (const m of this.members) m.onReady(this.userId);
    this._schedule();
    this._watch(true);
  }

  /** One token, with the retries of docs/architecture.md, Backoff; progress is reported as non-fatal errors. */
  private async _obtainToken(signal: AbortSignal, phase: 'token' | 'refresh'): Promise<Token> {
    // A refresh reports its failures, the last one included, as phase `refresh`.
    const during = (error: KaleyraCallError, fatal = true, retryInMs?: number) =>
      new KaleyraCallError({
        ...initOf(error),
        phase: error.phase === 'token' ? phase : error.phase,
        fatal,
        retryInMs,
      });
    let token: Token;
    try {
      token = await withRetries(
        () => this.source.getToken(signal),
        signal,
        (error, delay) => this._emitError(during(error, false, delay)),
      );
    } catch (err) {
      throw err instanceof KaleyraCallError ? during(err) : err;
    }
    if (this.userId && token.userId !== this.userId) {
      throw new KaleyraCallError({ phase, code: 'user_changed', params: { user: token.userId } });
    }
    this.config = this._resolveApp(token);
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

  /**
   * The SDK configuration for `token`: the app, region and environment come
   * from the page's attributes or from the token source, and when both say,
   * they must agree — a mismatch would only show as a connect that never
   * answers. A later token that names another app than the configured one is
   * refused the same way.
   */
  private _resolveApp(token: Token): BandyerConfig {
    const page = this.source.config;
    const config = { ...page } as BandyerConfig;
    for (const key of Object.keys(APP_ATTRIBUTES) as (keyof AppInfo)[]) {
      const given = this.config?.[key] ?? page[key];
      const said = token[key];
      if (given && said && given !== said) {
        throw new KaleyraCallError({
          phase: 'config',
          code: 'config_mismatch',
          params: { a: APP_ATTRIBUTES[key], v: given, e: said },
        });
      }
      const value = given ?? said ?? (key === 'appId' ? undefined : APP_DEFAULTS[key]);
      if (!value) throw new KaleyraCallError({ phase: 'config', code: 'app_unknown' });
      config[key] = value;
    }
    return config;
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
    const { reason, call, status } = (payload ?? {}) as {
      reason?: unknown;
      call?: SdkCall;
      status?: string;
    };
    if (type === 'client:access_token:is_about_to_expire') void this.refresh();
    else if (type === 'client:access_token:expired') void this._reconnect();
    else if (type === 'client:force_disconnect') {
      const error = new KaleyraCallError({
        phase: 'connect',
        code: 'force_disconnect',
        params: { sdk: reason ?? '' },
      });
      this._fail(error, 'connect');
    } else if (type === 'call:incoming' || type === 'call:status:changed') {
      this.trackCall(call, status);
    }
  }

  /**
   * Follows a call: the one `createCall` or `joinCallURL` resolved with (the SDK
   * announces no `dialing` for it), and those of the SDK's call events.
   */
  trackCall(call: SdkCall | undefined, status = call?.status): void {
    if (!call) return;
    const incoming = call.direction === 'incoming';
    const state: CallState =
      status === 'connected'
        ? 'active'
        : status === 'ended'
          ? 'ended'
          : incoming
            ? 'ringing'
            : 'dialing';
    const peer = (call.participants ?? [])
      .map((p) => (typeof p === 'string' ? p : p?.userId))
      .find((id) => id && id !== this.userId);
    this._setCall({ state, peer, reason: call.endReason ?? undefined });
  }

  private _setCall(call: CallInfo): void {
    const now = this.call;
    if (now.state === call.state && now.peer === call.peer && now.reason === call.reason) return;
    this.call = call;
    for (const m of this.members) m.onCall(call);
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
    this._setCall({ state: 'none' });
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
    removeWidgets(0);
  }

  /** Tears the session down for good (its last element left). */
  async stop(): Promise<void> {
    this._newRun(true);
    this.call = { state: 'none' };
    await this._release();
    this.state = 'disconnected';
  }

  private _setState(next: KaleyraCallState): void {
    if (this.state === next) return;
    this.state = next;
    for (const m of this.members) m.onState(next);
  }
}
