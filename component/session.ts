import { clock } from './clock.js';
import { KaleyraCallError, sdkErrorCode, sdkErrorMessage } from './errors.js';
import type { KaleyraCallState } from './events.js';
import { withRetries } from './retry.js';
import type { BandyerClient, BandyerConfig, BandyerSdk, Listener } from './sdk.js';
import { loadSdk } from './sdk-loader.js';
import type { Token } from './token-client.js';

/** Kaleyra's shortest token lifetime (`expires_in` ≥ 360 s, kaleyra-sdk.md §5.3). */
const MIN_LIFETIME_MS = 360_000;

/** Every documented client event (kaleyra-sdk.md §4), relayed to the page. */
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
  onState(state: KaleyraCallState, previous: KaleyraCallState): void;
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
const REGISTRY = Symbol.for('kaleyra-call.sessions');
function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[REGISTRY] ??= { sessions: new Map(), teardown: Promise.resolve() });
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
    const other = [...sessions.values()][0];
    if (other) {
      throw new KaleyraCallError(
        'config',
        'client_already_exists',
        'Another <kaleyra-call> on this page already runs a video session with a different ' +
          `configuration (app "${other.source.config.appId}", region "${other.source.config.region}", ` +
          `environment "${other.source.config.environment}"). The Kaleyra SDK allows one client per ` +
          'page: give every element the same app-id, region, environment, SDK and token endpoint.',
      );
    }
    session = new Session(source);
    sessions.set(source.key, session);
  }
  session.members.add(member);
  return session;
}

/**
 * Leaves a session; the last member out tears it down. Resolves when what this
 * member held is released (for the last one: the SDK client destroyed).
 */
export function releaseSession(session: Session, member: SessionMember): Promise<void> {
  if (!session.members.delete(member) || session.members.size > 0) return Promise.resolve();
  const reg = registry();
  if (reg.sessions.get(session.source.key) === session) reg.sessions.delete(session.source.key);
  const done = reg.teardown.then(() => session.stop());
  reg.teardown = done;
  return done;
}

/**
 * The page-level SDK session: token, SDK script, the one client, its
 * connection and token refresh.
 */
export class Session {
  readonly members = new Set<SessionMember>();
  state: KaleyraCallState = 'idle';
  userId?: string;
  token?: Token;
  client?: BandyerClient | undefined;

  private sdk?: BandyerSdk;
  private run?: AbortController;
  private refreshing?: Promise<void> | undefined;
  private refreshTimer?: number;
  private refreshAt = Infinity;
  private watching = false;
  private readonly handlers = new Map<string, Listener>();

  constructor(readonly source: SessionSource) {}

  /** Starts (or restarts after an error) unless already under way. */
  start(): void {
    if (this.state === 'idle' || this.state === 'error' || this.state === 'disconnected') {
      void this.begin();
    }
  }

  private async begin(): Promise<void> {
    const signal = this.newRun();
    this.setState('loading');
    try {
      // The token request and the SDK download run at the same time.
      const sdk = loadSdk(this.source.sdkSrc, {
        signal,
        integrity: this.source.sdkIntegrity,
      });
      const token = this.obtainToken(signal, 'token');
      sdk.catch(() => {}); // settled by Promise.all; avoid an unhandled rejection
      const [loaded] = await Promise.all([sdk, token]);
      await registry().teardown;
      if (signal.aborted) return;
      this.sdk = loaded;
      this.client = this.configure(loaded);
      this.setState('connecting');
      await this.connectClient(signal);
      this.connected();
    } catch (err) {
      if (!signal.aborted) this.fail(err, 'connect');
    }
  }

  private configure(sdk: BandyerSdk): BandyerClient {
    let client: BandyerClient;
    try {
      client = sdk.configure(this.source.config);
    } catch (err) {
      const code = sdkErrorCode(err, 'invalid_config_error');
      throw new KaleyraCallError(
        'config',
        code,
        code === 'client_already_exists'
          ? 'The Kaleyra SDK on this page already has a client (created by another script). ' +
              'The SDK allows one client per page.'
          : `The Kaleyra SDK refused the configuration: ${sdkErrorMessage(err)}`,
      );
    }
    for (const type of SDK_EVENTS) {
      const handler: Listener = (payload) => this.onSdkEvent(type, payload);
      this.handlers.set(type, handler);
      client.on(type, handler);
    }
    return client;
  }

  /** `client.connect` may never settle (kaleyra-sdk.md §9): it runs against a timeout. */
  private async connectClient(signal: AbortSignal): Promise<void> {
    const { client, token } = this;
    if (!client || !token) return;
    const ms = this.source.connectTimeoutMs;
    let timer: number | undefined;
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        client.connect(token.userId, token.accessToken).catch((err: unknown) => {
          throw new KaleyraCallError(
            'connect',
            sdkErrorCode(err, 'connect_failed'),
            `The video service refused the connection: ${sdkErrorMessage(err)}`,
          );
        }),
        new Promise<never>((_, reject) => {
          timer = clock.setTimeout(
            () =>
              reject(
                new KaleyraCallError(
                  'connect',
                  'connect_timeout',
                  `The video service did not accept the connection within ${ms / 1000} s ` +
                    '(the token may be for another app or user, or the service is unreachable).',
                ),
              ),
            ms,
          );
          onAbort = () => reject(signal.reason);
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      clock.clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
    this.userId = token.userId;
  }

  private connected(): void {
    this.setState('connected');
    for (const m of this.members) m.onReady(this.userId!);
    this.scheduleRefresh();
    this.watch(true);
  }

  /** One token, with the retries of SPEC §2; progress is reported as non-fatal errors. */
  private async obtainToken(signal: AbortSignal, phase: 'token' | 'refresh'): Promise<Token> {
    const token = await withRetries(
      () => this.source.getToken(signal),
      signal,
      (err, delay) =>
        this.emitError(
          new KaleyraCallError(phase, err.code, err.message, false, err.status, delay),
        ),
    );
    if (this.userId && token.userId !== this.userId) {
      throw new KaleyraCallError(
        phase,
        'user_changed',
        `The token endpoint now answers for another user ("${token.userId}"); call connect() to start over.`,
      );
    }
    this.token = token;
    this.refreshAt = this.refreshTime(token);
    for (const m of this.members) m.onToken(token.expiresAt);
    return token;
  }

  /**
   * 80 % of the lifetime left, ±10 % jitter, so that many tabs do not refresh
   * at once. The lifetime counts as at least Kaleyra's minimum (360 s): a page
   * whose clock runs ahead of the server's must not refresh in a loop.
   */
  private refreshTime(token: Token): number {
    const now = clock.now();
    const lifetime = Math.max(MIN_LIFETIME_MS, Date.parse(token.expiresAt) - now);
    return now + lifetime * 0.8 * (0.9 + clock.random() * 0.2);
  }

  private scheduleRefresh(): void {
    clock.clearTimeout(this.refreshTimer);
    const delay = Math.min(Math.max(0, this.refreshAt - clock.now()), 2 ** 31 - 1);
    this.refreshTimer = clock.setTimeout(() => void this.refresh(), delay);
  }

  /** Fetches a new token and hands it to the live client. One refresh at a time. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (this.state !== 'connected' || !this.run) return Promise.resolve();
    const signal = this.run.signal;
    clock.clearTimeout(this.refreshTimer);
    this.refreshing = (async () => {
      try {
        const token = await this.obtainToken(signal, 'refresh');
        await this.client?.updateAccessToken(token.accessToken).catch((err: unknown) => {
          throw new KaleyraCallError(
            'refresh',
            sdkErrorCode(err, 'update_token_failed'),
            `The video service refused the new token: ${sdkErrorMessage(err)}`,
          );
        });
        if (!signal.aborted) this.scheduleRefresh();
      } catch (err) {
        if (!signal.aborted) this.fail(err, 'refresh');
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** After `client:access_token:expired` the SDK has disconnected itself: new token, connect again. */
  private async reconnect(): Promise<void> {
    if (this.state === 'reconnecting') return;
    const signal = this.newRun();
    this.refreshing = undefined;
    this.setState('reconnecting');
    try {
      await this.obtainToken(signal, 'refresh');
      await this.connectClient(signal);
      this.connected();
    } catch (err) {
      if (!signal.aborted) this.fail(err, 'connect');
    }
  }

  private onSdkEvent(type: string, payload: unknown): void {
    for (const m of this.members) m.onSdkEvent(type, payload);
    if (type === 'client:access_token:is_about_to_expire') void this.refresh();
    else if (type === 'client:access_token:expired') void this.reconnect();
    else if (type === 'client:force_disconnect') {
      const reason = (payload as { reason?: unknown } | undefined)?.reason;
      this.fail(
        new KaleyraCallError(
          'connect',
          'force_disconnect',
          `The video service ended this session${typeof reason === 'string' ? ` (${reason})` : ''}.`,
        ),
        'connect',
      );
    }
  }

  /** Re-check the token when the tab wakes up or the network comes back. */
  private readonly recheck = (): void => {
    if (document.visibilityState === 'hidden' || this.state !== 'connected') return;
    if (clock.now() >= this.refreshAt) void this.refresh();
  };

  private watch(on: boolean): void {
    if (on === this.watching) return;
    this.watching = on;
    const method = on ? 'addEventListener' : 'removeEventListener';
    document[method]('visibilitychange', this.recheck);
    window[method]('online', this.recheck);
  }

  /** Aborts whatever runs now and returns the signal of a new run. */
  private newRun(): AbortSignal {
    this.run?.abort(new DOMException('superseded', 'AbortError'));
    this.run = new AbortController();
    return this.run.signal;
  }

  private halt(): void {
    this.run?.abort(new DOMException('stopped', 'AbortError'));
    this.run = undefined;
    clock.clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.refreshAt = Infinity;
    this.refreshing = undefined;
    this.watch(false);
  }

  private fail(err: unknown, phase: 'connect' | 'refresh'): void {
    const error =
      err instanceof KaleyraCallError
        ? err
        : new KaleyraCallError(phase, 'unexpected', sdkErrorMessage(err));
    this.halt();
    this.setState('error');
    this.emitError(error);
    // A failed session holds no client: "Try again" starts from a clean SDK.
    const reg = registry();
    reg.teardown = reg.teardown.then(() => this.releaseClient());
  }

  private emitError(error: KaleyraCallError): void {
    for (const m of this.members) m.onError(error);
  }

  /** Disconnects and destroys the client, releasing camera, sockets and listeners. */
  private async releaseClient(): Promise<void> {
    const { client, sdk } = this;
    this.client = undefined;
    this.userId = undefined;
    if (!client || !sdk) return;
    for (const [type, handler] of this.handlers) client.off(type, handler);
    this.handlers.clear();
    await client.disconnect().catch(() => {});
    await sdk.destroyClient().catch(() => {});
    // The SDK leaves its (emptied) container behind on every connect.
    for (const div of document.querySelectorAll('div#Bandyer-bandyer-chat-widget')) div.remove();
  }

  /** Tears the session down for good (its last element left). */
  async stop(): Promise<void> {
    this.halt();
    await this.releaseClient();
    this.state = 'disconnected';
  }

  private setState(next: KaleyraCallState): void {
    const previous = this.state;
    if (previous === next) return;
    this.state = next;
    for (const m of this.members) m.onState(next, previous);
  }
}
