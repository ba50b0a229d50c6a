import { ReactiveElement, type PropertyValues } from '@lit/reactive-element';
import { clock } from './clock.js';
import { validateConfig, words, type ConfigProblem } from './config.js';
import { KaleyraCallError, fromSdk } from './errors.js';
import { KaleyraCallEvent, type KaleyraCallEventMap, type KaleyraCallState } from './events.js';
import { resolveLanguage, stringsFor, type Strings } from './i18n.js';
import { styles } from './kaleyra-call.styles.js';
import type { BandyerClient } from './sdk.js';
import { DEFAULT_SDK_VERSION, sdkUrl } from './sdk-loader.js';
import {
  acquireSession,
  releaseSession,
  type Session,
  type SessionMember,
  type SessionSource,
} from './session.js';
import {
  fetchToken,
  validate,
  type AuthToken,
  type Token,
  type TokenProvider,
} from './token-client.js';

const providerIds = new WeakMap<object, number>();

/** A stable identity for a token provider function, for the session key. */
function providerId(fn: object): number {
  if (!providerIds.has(fn)) providerIds.set(fn, Math.random());
  return providerIds.get(fn)!;
}

/**
 * A drop-in Kaleyra Video call and chat launcher.
 *
 * @tagname kaleyra-call
 * @summary Gets a Kaleyra Video access token from a token endpoint, loads the
 * Kaleyra Video Web SDK, connects it, keeps the token fresh and cleans up.
 *
 * @fires {KaleyraCallStateEvent} kaleyra-call-state - every state change; detail `{state, previous}`
 * @fires {KaleyraCallReadyEvent} kaleyra-call-ready - connected; detail `{userId}`
 * @fires {KaleyraCallTokenEvent} kaleyra-call-token - a token was obtained or refreshed; detail `{expiresAt}`
 * @fires {KaleyraCallErrorEvent} kaleyra-call-error - any failure; detail `{phase, code, message, status?, retryInMs?, fatal}`
 * @fires {KaleyraCallSdkEvent} kaleyra-call-sdk - an SDK client event relayed; detail `{type, payload}`
 * @fires {KaleyraCallDisconnectedEvent} kaleyra-call-disconnected - teardown finished; detail `{reason}`
 *
 * @slot - launcher content; defaults to the `label`
 *
 * @csspart launcher - the button that starts the call
 * @csspart status - the status text (also announced to screen readers)
 * @csspart error - the inline error message
 * @csspart retry - the "Try again" button
 *
 * @cssprop --kaleyra-call-accent - launcher background
 * @cssprop --kaleyra-call-accent-contrast - launcher text colour
 * @cssprop --kaleyra-call-radius - launcher corner radius
 * @cssprop --kaleyra-call-padding - launcher padding
 * @cssprop --kaleyra-call-font-family - font of the element
 * @cssprop --kaleyra-call-color - text colour of the element
 * @cssprop --kaleyra-call-focus-ring - focus outline
 * @cssprop --kaleyra-call-error-background - inline error background
 * @cssprop --kaleyra-call-error-color - inline error text colour
 * @cssprop --kaleyra-call-error-border - inline error border colour
 * @cssprop --kaleyra-call-radius-error - inline error corner radius
 *
 * @cssstate idle - not started (also the reflected attribute `state="idle"`)
 * @cssstate loading - token request and SDK download in flight
 * @cssstate connecting - the SDK client is connecting
 * @cssstate connected - ready for calls and chats
 * @cssstate reconnecting - getting a new token after the old one expired
 * @cssstate error - failed; the inline message says why (see `kaleyra-call-error`)
 * @cssstate disconnected - left the session
 */
export class KaleyraCallElement extends ReactiveElement {
  static override styles = styles;

  static override properties = {
    tokenEndpoint: { attribute: 'token-endpoint' },
    appId: { attribute: 'app-id' },
    region: {},
    environment: {},
    sdkVersion: { attribute: 'sdk-version' },
    sdkSrc: { attribute: 'sdk-src' },
    sdkIntegrity: { attribute: 'sdk-integrity' },
    connectOn: { attribute: 'connect' },
    credentials: {},
    tools: {},
    callType: { attribute: 'call-type' },
    language: {},
    mode: {},
    recordingType: { attribute: 'recording' },
    widgetHidden: { type: Boolean, attribute: 'widget-hidden' },
    feedback: { type: Boolean },
    virtualBackground: { attribute: 'virtual-background' },
    callWith: { attribute: 'call-with' },
    chatWith: { attribute: 'chat-with' },
    joinUrl: { attribute: 'join-url' },
    label: {},
    headless: { type: Boolean, reflect: true },
    authToken: { attribute: false },
    tokenProvider: { attribute: false },
    layout: { attribute: false },
    userDetailsProvider: { attribute: false },
    userDetailsFormatter: { attribute: false },
    connectTimeout: { attribute: false },
    _state: { state: true },
    _problem: { state: true },
    _error: { state: true },
  };

  /**
   * Registers the element. Safe to call more than once (a second copy of the
   * bundle on the page, or a framework re-import).
   */
  static define(tag = 'kaleyra-call', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tag)) registry.define(tag, this);
  }

  /** URL of the token endpoint (SPEC §2). Required unless `tokenProvider` is set. */
  tokenEndpoint?: string;
  /** Kaleyra web app id. Required. */
  appId?: string;
  /** Kaleyra region: `eu`, `in`, `us`, `me`. */
  region = 'eu';
  /** `sandbox` or `production`. */
  environment = 'sandbox';
  /** SDK version loaded from Kaleyra's CDN. */
  sdkVersion = DEFAULT_SDK_VERSION;
  /** Full SDK URL (self-hosting, strict CSP); wins over `sdk-version`. */
  sdkSrc?: string;
  /** SRI hash for the SDK script (then loaded with `crossorigin="anonymous"`). */
  sdkIntegrity?: string;
  /** When to start: `auto`, `visible`, `click` or `manual`. */
  connectOn = 'auto';
  /** Fetch credentials mode of the token request: `omit`, `same-origin`, `include`. */
  credentials = 'same-origin';
  /** Space-separated SDK tools. */
  tools = 'chat';
  /** `audio_only`, `audio_upgradable` or `audio_video`. */
  callType = 'audio_video';
  /** Widget and element language; defaults to the page's `lang` if en/it/es. */
  language?: string;
  /** `embed` or `window`. */
  mode = 'embed';
  /** `none`, `manual` or `automatic`. */
  recordingType = 'none';
  /** The SDK widget shows only on a call, a chat or `openWidget()`. */
  widgetHidden = false;
  /** The SDK's post-call feedback view. */
  feedback = false;
  /** `blur` or `image`. */
  virtualBackground?: string;
  /** User id to call when the launcher is activated. */
  callWith?: string;
  /** User id whose chat opens when the launcher is activated. */
  chatWith?: string;
  /** Room link to join when the launcher is activated. */
  joinUrl?: string;
  /** Launcher text; defaults to a localized "Video call". */
  label?: string;
  /** Render no launcher or status: the element is a controller only. */
  headless = false;

  /** Sent as `Authorization: Bearer …` to the token endpoint. */
  authToken?: AuthToken;
  /** Replaces the endpoint fetch for apps with their own backend. */
  tokenProvider?: TokenProvider;
  /** SDK colour object (`layout` of `BandyerSDK.configure`). */
  layout?: Record<string, unknown>;
  /** SDK `userDetailsProvider`. */
  userDetailsProvider?: (userIds: string[]) => Promise<object[]>;
  /** SDK `userDetailsFormatter`. */
  userDetailsFormatter?: (user: object) => string;
  /** How long `client.connect` may take before the element gives up, in ms. */
  connectTimeout = 20_000;

  private _state: KaleyraCallState = 'idle';
  private _problem?: ConfigProblem | undefined;
  private _error?: KaleyraCallError | undefined;

  private _session?: Session | undefined;
  private _key?: string | undefined;
  private _member?: SessionMember | undefined;
  /** `disconnect()` was called: do not start again by ourselves. */
  private _stopped = false;
  private _releaseTimer?: number | undefined;
  private _observer?: IntersectionObserver | undefined;
  private _waiters: [() => void, (e: KaleyraCallError) => void][] = [];
  private _internals?: ElementInternals;

  constructor() {
    super();
    try {
      this._internals = this.attachInternals();
    } catch {
      // No ElementInternals (old browser): the reflected `state` attribute still works.
    }
  }

  /** The element's current state. */
  get state(): KaleyraCallState {
    return this._state;
  }
  /** The connected Kaleyra user id. */
  get userId(): string | undefined {
    return this._session?.userId;
  }
  /** When the current access token expires (ISO date). */
  get expiresAt(): string | undefined {
    return this._session?.token?.expiresAt;
  }
  /** The SDK client: an escape hatch to the full vendor API. */
  get client(): BandyerClient | undefined {
    return this._session?.client;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-inserted in the same task (a DOM move, a re-render): keep the session.
    clock.clearTimeout(this._releaseTimer);
    // Re-inserted later: start (or observe) again as the `connect` mode says.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._observe(false);
    clock.clearTimeout(this._releaseTimer);
    this._releaseTimer = clock.setTimeout(() => {
      if (!this.isConnected) void this._leave('removed');
    }, 0);
  }

  // Starting here (not in `updated`) folds the first state change into this
  // render instead of scheduling another one.
  protected override willUpdate(): void {
    this._checkConfig();
    if (this._problem || this._stopped || !this.isConnected) return;
    if (this._session && this._key !== this._source().key) {
      // App, region, environment, SDK or token source changed: reconnect cleanly.
      void this._leave('reconfigured').then(() => this._start());
    } else if (!this._session && /idle|disconnected/.test(this._state)) {
      // Not after an error: that waits for "Try again" or connect().
      if (this.connectOn === 'auto') this._start();
      else if (this.connectOn === 'visible') this._observe(true);
    }
  }

  /**
   * Starts the session now. Resolves when connected.
   *
   * Frameworks that set properties rather than attributes (React 19, Vue) would
   * write `connect="click"` over this method: assigning a string here sets
   * `connectOn` instead, and `connect` stays the method.
   */
  get connect(): () => Promise<void> {
    return this._connect;
  }
  set connect(mode: string) {
    this.connectOn = mode;
  }

  private _connect(): Promise<void> {
    this._stopped = false;
    if (this._problem) return Promise.reject(this._configError(this._problem));
    if (this._session?.state === 'connected') return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this._waiters.push([resolve, reject]));
    this._start();
    return done;
  }

  /** Leaves the session (the last element out disconnects the SDK). Resolves after teardown. */
  disconnect(): Promise<void> {
    this._stopped = true;
    this._observe(false);
    return this._leave('disconnect');
  }

  /** Starts a call (`client.createCall`) with `userIds`, or with `call-with`. */
  startCall(userIds?: string[], options?: Record<string, unknown>): Promise<unknown> {
    return this._act(userIds ?? (this.callWith && [this.callWith]), 'callee', (client, ids) =>
      client.createCall(ids, {
        callType: this.callType,
        recordingType: this.recordingType,
        ...options,
      }),
    );
  }

  /** Opens the chat with `userId`, or with `chat-with`. */
  openChat(userId?: string): Promise<unknown> {
    return this._act(userId ?? this.chatWith, 'chat_user', async (client, id) => {
      const view = await client.addChannel(id);
      view.select();
      return view;
    });
  }

  /** Joins a room link (`client.joinCallURL`), or `join-url`. */
  joinCall(url?: string): Promise<unknown> {
    return this._act(url ?? this.joinUrl, 'join_url', (client, link) => client.joinCallURL(link));
  }

  /** Expands the SDK widget. */
  openWidget(): Promise<boolean> {
    return this._act(true, '', (client) => client.openWidget());
  }

  /** Minimises the SDK widget. */
  closeWidget(): Promise<boolean> {
    return this._act(true, '', (client) => client.closeWidget());
  }

  /** Runs an SDK action on the live client; a failure rejects typed and fires an error event. */
  private async _act<A, T>(
    arg: A | undefined | '',
    missing: string,
    action: (client: BandyerClient, arg: A) => T | Promise<T>,
  ): Promise<T> {
    const client = this._session?.state === 'connected' ? this.client : undefined;
    try {
      if (!client)
        throw new KaleyraCallError('call', 'not_connected', 'The video call is not connected.');
      if (!arg)
        throw new KaleyraCallError(
          'call',
          `no_${missing}`,
          `No ${missing.replace('_', ' ')} given.`,
        );
      return await action(client, arg);
    } catch (err) {
      const error = fromSdk(err, 'call', 'call_failed');
      if (client) this._emitError(error);
      throw error;
    }
  }

  private _source(): SessionSource {
    const provider = this.tokenProvider;
    const url = (path: string) => new URL(path, document.baseURI).href;
    const sdkSrc = url(this.sdkSrc || sdkUrl(this.sdkVersion));
    return {
      key: JSON.stringify([
        this.appId,
        this.region,
        this.environment,
        sdkSrc,
        provider ? providerId(provider) : `${url(this.tokenEndpoint!)} ${this.credentials}`,
      ]),
      sdkSrc,
      sdkIntegrity: this.sdkIntegrity || undefined,
      connectTimeoutMs: this.connectTimeout,
      getToken: (signal) => this._getToken(signal),
      // The attributes as `BandyerSDK.configure` expects them (kaleyra-sdk.md §2.2).
      config: {
        appId: this.appId!,
        region: this.region,
        environment: this.environment,
        hidden: this.widgetHidden,
        recordingType: this.recordingType,
        callType: this.callType,
        mode: this.mode,
        language: resolveLanguage(this.language, document.documentElement.lang),
        tools: Object.fromEntries(words(this.tools).map((tool) => [tool, true])),
        feedback: this.feedback,
        ...defined({
          virtualBackground: this.virtualBackground,
          layout: this.layout,
          userDetailsProvider: this.userDetailsProvider,
          userDetailsFormatter: this.userDetailsFormatter,
        }),
      },
    };
  }

  private async _getToken(signal: AbortSignal): Promise<Token> {
    const provider = this.tokenProvider;
    if (!provider) {
      return fetchToken({
        endpoint: this.tokenEndpoint!,
        credentials: this.credentials as RequestCredentials,
        authToken: this.authToken,
        signal,
      });
    }
    let token: Partial<Token>;
    try {
      token = await provider();
    } catch (err) {
      // A provider failure is retried like a network error, unless it carries a 4xx status.
      const error = fromSdk(err, 'token', 'provider_failed');
      const status = (err as { status?: unknown } | undefined)?.status;
      const fatal = typeof status === 'number' && status < 500 && status !== 429;
      throw new KaleyraCallError('token', error.code, error.message, fatal, error.status);
    }
    return validate({
      access_token: token?.accessToken,
      user_id: token?.userId,
      expires_at: token?.expiresAt,
    });
  }

  private _start(): void {
    if (this._problem || !this.isConnected) return;
    this._observe(false);
    this._error = undefined;
    if (!this._session) {
      const source = this._source();
      const member: SessionMember = {
        onState: (next) => this._setState(next),
        onError: (error) => (error.fatal ? this._fail(error) : this._emitError(error)),
        onReady: (userId) => {
          this._error = undefined;
          this._fire('kaleyra-call-ready', { userId });
          for (const [resolve] of this._waiters.splice(0)) resolve();
        },
        onToken: (expiresAt) => this._fire('kaleyra-call-token', { expiresAt }),
        onSdkEvent: (type, payload) => this._fire('kaleyra-call-sdk', { type, payload }),
      };
      try {
        this._session = acquireSession(source, member);
      } catch (err) {
        return this._fail(err as KaleyraCallError);
      }
      this._key = source.key;
      this._member = member;
      // Joining a session that is already under way: catch up.
      const { state, userId, token } = this._session;
      if (state !== 'idle') this._setState(state);
      if (token) member.onToken(token.expiresAt);
      if (state === 'connected') member.onReady(userId!);
    }
    this._session.start();
  }

  private async _leave(reason: string): Promise<void> {
    const { _session: session, _member: member } = this;
    if (!session || !member) return;
    this._session = this._member = this._key = undefined;
    for (const [, reject] of this._waiters.splice(0)) {
      reject(new KaleyraCallError('connect', 'disconnected', 'The video call was disconnected.'));
    }
    await releaseSession(session, member);
    // A configuration problem keeps the element in `error`.
    if (!this._problem) this._setState('disconnected');
    this._fire('kaleyra-call-disconnected', { reason });
  }

  private _observe(on: boolean): void {
    this._observer?.disconnect();
    this._observer = undefined;
    if (on && typeof IntersectionObserver === 'function') {
      this._observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this._start();
      });
      this._observer.observe(this);
    }
  }

  /** Launcher activation: start if needed, then do what the attributes ask. */
  private async _onLaunch(): Promise<void> {
    if (/loading|connecting/.test(this._state)) return;
    try {
      await this._connect();
      await (this.callWith
        ? this.startCall()
        : this.chatWith
          ? this.openChat()
          : this.joinUrl
            ? this.joinCall()
            : this.openWidget());
    } catch {
      // Already reported as an error event and shown inline.
    }
  }

  private _checkConfig(): void {
    const problem = validateConfig(
      {
        'app-id': this.appId,
        'token-endpoint': this.tokenProvider ? 'provider' : this.tokenEndpoint,
        region: this.region,
        environment: this.environment,
        connect: this.connectOn,
        credentials: this.credentials,
        tools: this.tools,
        'call-type': this.callType,
        mode: this.mode,
        recording: this.recordingType,
        'virtual-background': this.virtualBackground,
      },
      ['app-id', 'token-endpoint'],
    );
    const before = this._problem;
    this._problem = problem;
    if (problem && JSON.stringify(problem) !== JSON.stringify(before)) {
      void this._leave('reconfigured');
      this._fail(this._configError(problem));
    } else if (!problem && before && this._state === 'error') {
      this._setState('idle');
    }
  }

  private _configError(problem: ConfigProblem): KaleyraCallError {
    return new KaleyraCallError(
      'config',
      problem.value ? 'invalid_attribute' : 'missing_attribute',
      this._describe(problem),
    );
  }

  private get _strings(): Strings {
    return stringsFor(this.language, document.documentElement.lang);
  }

  private _describe({ attribute, value, allowed }: ConfigProblem): string {
    return value
      ? this._strings.invalid(attribute, value, allowed!)
      : this._strings.missing(attribute);
  }

  private _fail(error: KaleyraCallError): void {
    this._error = error;
    this._setState('error');
    this._emitError(error);
    for (const [, reject] of this._waiters.splice(0)) reject(error);
  }

  private _emitError({ phase, code, message, fatal, status, retryInMs }: KaleyraCallError): void {
    this._fire('kaleyra-call-error', {
      phase,
      code,
      message,
      fatal,
      ...defined({ status, retryInMs }),
    });
  }

  private _fire<K extends keyof KaleyraCallEventMap>(
    type: K,
    detail: KaleyraCallEventMap[K]['detail'],
  ): void {
    this.dispatchEvent(new KaleyraCallEvent(type, detail));
  }

  private _setState(state: KaleyraCallState): void {
    const previous = this._state;
    if (previous === state) return;
    this._state = state;
    this.setAttribute('state', state);
    try {
      this._internals!.states.delete(previous);
      this._internals!.states.add(state);
    } catch {
      // No CustomStateSet with plain names (Chrome < 125): the attribute suffices.
    }
    this._fire('kaleyra-call-state', { state, previous });
  }

  private _ui?: Ui;

  /**
   * Renders a fixed shadow tree once, then patches text and attributes. (Plain
   * DOM instead of lit-html keeps the CDN bundle within its 10 KB budget.)
   */
  protected override update(changed: PropertyValues): void {
    super.update(changed);
    const strings = this._strings;
    const { _problem: problem, _state: state, _error: error } = this;
    let ui = this._ui;
    if (!ui) {
      // Built node by node (no innerHTML), so pages that enforce Trusted Types work.
      const add = (tag: string, parent: Node, part?: string, role?: string) => {
        const node = parent.appendChild(document.createElement(tag));
        if (part) node.setAttribute('part', part);
        if (role) node.setAttribute('role', role);
        if (tag === 'button') node.setAttribute('type', 'button');
        return node;
      };
      const root = this.renderRoot;
      const error = add('div', root, 'error', 'alert');
      const launcher = add('button', root, 'launcher');
      ui = this._ui = {
        error,
        text: add('span', error),
        detail: add('small', error),
        retry: add('button', error, 'retry'),
        launcher,
        slot: add('slot', launcher),
        status: add('span', root, 'status', 'status'),
      };
      ui.launcher.onclick = () => void this._onLaunch();
      ui.retry.onclick = () => void this._connect().catch(() => {});
    }
    const shown = problem || (state === 'error' && error);
    ui.error.hidden = !shown;
    ui.text.textContent = problem
      ? this._describe(problem)
      : error?.code === 'unauthenticated'
        ? strings.errors.unauthenticated
        : error?.code === 'client_already_exists'
          ? strings.errors.conflict
          : strings.errors.generic;
    ui.detail.textContent = problem ? '' : (error?.message ?? '');
    ui.retry.hidden = !!problem;
    ui.retry.textContent = strings.tryAgain;
    ui.launcher.hidden = ui.status.hidden = !!problem;
    ui.launcher.ariaBusy = String(/loading|connecting/.test(state));
    ui.slot.textContent = this.label || strings.label;
    ui.status.textContent = strings.states[state];
    ui.status.className = state === 'idle' ? 'sr' : '';
  }
}

type Ui = Record<
  'launcher' | 'slot' | 'status' | 'error' | 'text' | 'detail' | 'retry',
  HTMLElement
>;

/** `values` without its undefined entries. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
