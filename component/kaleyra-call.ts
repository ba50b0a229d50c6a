import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { clock } from './clock.js';
import { parseTools, validateConfig, type ConfigProblem } from './config.js';
import { KaleyraCallError, sdkErrorCode, sdkErrorMessage } from './errors.js';
import {
  KaleyraCallDisconnectedEvent,
  KaleyraCallErrorEvent,
  KaleyraCallReadyEvent,
  KaleyraCallSdkEvent,
  KaleyraCallStateEvent,
  KaleyraCallTokenEvent,
  type ErrorPhase,
  type KaleyraCallState,
} from './events.js';
import { resolveLanguage, stringsFor, type Strings } from './i18n.js';
import { styles } from './kaleyra-call.styles.js';
import type { BandyerClient, BandyerConfig } from './sdk.js';
import { DEFAULT_SDK_VERSION, sdkUrl } from './sdk-loader.js';
import {
  acquireSession,
  releaseSession,
  type Session,
  type SessionMember,
  type SessionSource,
} from './session.js';
import {
  TokenError,
  fetchToken,
  validateProvided,
  type AuthToken,
  type Token,
  type TokenProvider,
} from './token-client.js';

const providerIds = new WeakMap<object, number>();
let nextProviderId = 1;

/** A stable identity for a token provider function, for the session key. */
function providerId(fn: object): number {
  let id = providerIds.get(fn);
  if (!id) providerIds.set(fn, (id = nextProviderId++));
  return id;
}

/**
 * A drop-in Kaleyra Video call and chat launcher.
 *
 * @summary Gets a Kaleyra Video access token from a token endpoint, loads the
 * Kaleyra Video Web SDK, connects it, keeps the token fresh and cleans up.
 *
 * @fires kaleyra-call-state - every state change; detail `{state, previous}`
 * @fires kaleyra-call-ready - connected; detail `{userId}`
 * @fires kaleyra-call-token - a token was obtained or refreshed; detail `{expiresAt}`
 * @fires kaleyra-call-error - any failure; detail `{phase, code, message, status?, retryInMs?, fatal}`
 * @fires kaleyra-call-sdk - an SDK client event relayed; detail `{type, payload}`
 * @fires kaleyra-call-disconnected - teardown finished; detail `{reason}`
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
 */
export class KaleyraCallElement extends LitElement {
  static override styles = styles;

  /**
   * Registers the element. Safe to call more than once (a second copy of the
   * bundle on the page, or a framework re-import).
   */
  static define(tag = 'kaleyra-call', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tag)) registry.define(tag, this);
  }

  /** URL of the token endpoint (SPEC §2). Required unless `tokenProvider` is set. */
  @property({ attribute: 'token-endpoint' }) tokenEndpoint?: string;
  /** Kaleyra web app id. Required. */
  @property({ attribute: 'app-id' }) appId?: string;
  /** Kaleyra region: `eu`, `in`, `us`, `me`. */
  @property() region = 'eu';
  /** `sandbox` or `production`. */
  @property() environment = 'sandbox';
  /** SDK version loaded from Kaleyra's CDN. */
  @property({ attribute: 'sdk-version' }) sdkVersion = DEFAULT_SDK_VERSION;
  /** Full SDK URL (self-hosting, strict CSP); wins over `sdk-version`. */
  @property({ attribute: 'sdk-src' }) sdkSrc?: string;
  /** SRI hash for the SDK script (then loaded with `crossorigin="anonymous"`). */
  @property({ attribute: 'sdk-integrity' }) sdkIntegrity?: string;
  /** When to start: `auto`, `visible`, `click` or `manual`. */
  @property({ attribute: 'connect' }) connectOn = 'auto';
  /** Fetch credentials mode of the token request: `omit`, `same-origin`, `include`. */
  @property() credentials = 'same-origin';
  /** Space-separated SDK tools. */
  @property() tools = 'chat';
  /** `audio_only`, `audio_upgradable` or `audio_video`. */
  @property({ attribute: 'call-type' }) callType = 'audio_video';
  /** Widget and element language; defaults to the page's `lang` if en/it/es. */
  @property() language?: string;
  /** `embed` or `window`. */
  @property() mode = 'embed';
  /** `none`, `manual` or `automatic`. */
  @property({ attribute: 'recording' }) recordingType = 'none';
  /** The SDK widget shows only on a call, a chat or `openWidget()`. */
  @property({ type: Boolean, attribute: 'widget-hidden' }) widgetHidden = false;
  /** The SDK's post-call feedback view. */
  @property({ type: Boolean }) feedback = false;
  /** `blur` or `image`. */
  @property({ attribute: 'virtual-background' }) virtualBackground?: string;
  /** User id to call when the launcher is activated. */
  @property({ attribute: 'call-with' }) callWith?: string;
  /** User id whose chat opens when the launcher is activated. */
  @property({ attribute: 'chat-with' }) chatWith?: string;
  /** Room link to join when the launcher is activated. */
  @property({ attribute: 'join-url' }) joinUrl?: string;
  /** Launcher text; defaults to a localized "Video call". */
  @property() label?: string;
  /** Render no launcher or status: the element is a controller only. */
  @property({ type: Boolean, reflect: true }) headless = false;

  /** Sent as `Authorization: Bearer …` to the token endpoint. */
  @property({ attribute: false }) authToken?: AuthToken;
  /** Replaces the endpoint fetch for apps with their own backend. */
  @property({ attribute: false }) tokenProvider?: TokenProvider;
  /** SDK colour object (`layout` of `BandyerSDK.configure`). */
  @property({ attribute: false }) layout?: Record<string, unknown>;
  /** SDK `userDetailsProvider`. */
  @property({ attribute: false }) userDetailsProvider?: (userIds: string[]) => Promise<object[]>;
  /** SDK `userDetailsFormatter`. */
  @property({ attribute: false }) userDetailsFormatter?: (user: object) => string;
  /** How long `client.connect` may take before the element gives up, in ms. */
  @property({ attribute: false }) connectTimeout = 20_000;

  @state() private _state: KaleyraCallState = 'idle';
  @state() private _problem?: ConfigProblem | undefined;
  @state() private _error?: KaleyraCallError | undefined;

  private _session?: Session | undefined;
  private _sessionKey?: string;
  private _member?: SessionMember;
  /** `disconnect()` was called: do not start again by ourselves. */
  private _stopped = false;
  private _releaseTimer?: number;
  private _observer?: IntersectionObserver | undefined;
  private _waiters: { resolve: () => void; reject: (e: KaleyraCallError) => void }[] = [];
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
    return this._session?.state === 'connected' ? this._session.userId : undefined;
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
    this._releaseTimer = undefined;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._unobserve();
    clock.clearTimeout(this._releaseTimer);
    this._releaseTimer = clock.setTimeout(() => {
      this._releaseTimer = undefined;
      if (!this.isConnected) void this._leave('removed');
    }, 0);
  }

  // Starting here (not in `updated`) folds the first state change into this
  // render instead of scheduling another one.
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.size > 0) this._checkConfig();
    if (this._problem || this._stopped || !this.isConnected) return;
    if (this._session && this._sessionKey !== this._source().key) {
      // App, region, environment, SDK or token source changed: reconnect cleanly.
      void this._leave('reconfigured').then(() => this._start());
    } else if (!this._session && (this._state === 'idle' || this._state === 'disconnected')) {
      // Not after an error: that waits for "Try again" or connect().
      if (this.connectOn === 'auto') this._start();
      else if (this.connectOn === 'visible') this._observe();
    }
  }

  /** Starts the session now. Resolves when connected. */
  connect(): Promise<void> {
    this._stopped = false;
    if (this._problem) return Promise.reject(this._configError(this._problem));
    if (this._session?.state === 'connected') return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this._waiters.push({ resolve, reject }));
    this._start();
    return done;
  }

  /** Leaves the session (the last element out disconnects the SDK). Resolves after teardown. */
  disconnect(): Promise<void> {
    this._stopped = true;
    this._unobserve();
    return this._leave('disconnect');
  }

  /** Starts a call (`client.createCall`) with `userIds`, or with `call-with`. */
  startCall(userIds?: string[], options?: Record<string, unknown>): Promise<unknown> {
    return this._act((client) => {
      const ids = userIds ?? (this.callWith ? [this.callWith] : undefined);
      if (!ids?.length) throw new KaleyraCallError('call', 'no_callee', 'No user to call.');
      return client.createCall(ids, {
        callType: this.callType,
        recordingType: this.recordingType,
        ...options,
      });
    });
  }

  /** Opens the chat with `userId`, or with `chat-with`. */
  openChat(userId?: string): Promise<unknown> {
    return this._act(async (client) => {
      const id = userId ?? this.chatWith;
      if (!id) throw new KaleyraCallError('call', 'no_chat_user', 'No user to chat with.');
      const view = await client.addChannel(id);
      view.select();
      return view;
    });
  }

  /** Joins a room link (`client.joinCallURL`), or `join-url`. */
  joinCall(url?: string): Promise<unknown> {
    return this._act((client) => {
      const link = url ?? this.joinUrl;
      if (!link) throw new KaleyraCallError('call', 'no_join_url', 'No room link to join.');
      return client.joinCallURL(link);
    });
  }

  /** Expands the SDK widget. */
  openWidget(): Promise<boolean> {
    return this._act((client) => client.openWidget());
  }

  /** Minimises the SDK widget. */
  closeWidget(): Promise<boolean> {
    return this._act((client) => client.closeWidget());
  }

  private async _act<T>(action: (client: BandyerClient) => T | Promise<T>): Promise<T> {
    const client = this._session?.state === 'connected' ? this._session.client : undefined;
    if (!client) {
      throw new KaleyraCallError('call', 'not_connected', 'The video call is not connected.');
    }
    try {
      return await action(client);
    } catch (err) {
      const error =
        err instanceof KaleyraCallError
          ? err
          : new KaleyraCallError('call', sdkErrorCode(err, 'call_failed'), sdkErrorMessage(err));
      this._emitError(error);
      throw error;
    }
  }

  private _source(): SessionSource {
    const provider = this.tokenProvider;
    const sdkSrc = new URL(this.sdkSrc || sdkUrl(this.sdkVersion), document.baseURI).href;
    const tokenSource = provider
      ? `provider:${providerId(provider)}`
      : `${new URL(this.tokenEndpoint!, document.baseURI).href} ${this.credentials}`;
    return {
      key: JSON.stringify([this.appId, this.region, this.environment, sdkSrc, tokenSource]),
      sdkSrc,
      sdkIntegrity: this.sdkIntegrity || undefined,
      config: this._sdkConfig(),
      connectTimeoutMs: this.connectTimeout,
      getToken: (signal) => this._getToken(signal),
    };
  }

  /** The attributes as `BandyerSDK.configure` expects them (kaleyra-sdk.md §2.2). */
  private _sdkConfig(): BandyerConfig {
    const config: BandyerConfig = {
      appId: this.appId!,
      region: this.region,
      environment: this.environment,
      hidden: this.widgetHidden,
      recordingType: this.recordingType,
      callType: this.callType,
      mode: this.mode,
      language: resolveLanguage(this.language, document.documentElement.lang),
      tools: Object.fromEntries(parseTools(this.tools).map((tool) => [tool, true])),
      feedback: this.feedback,
    };
    if (this.virtualBackground) config.virtualBackground = this.virtualBackground;
    if (this.layout) config.layout = this.layout;
    if (this.userDetailsProvider) config.userDetailsProvider = this.userDetailsProvider;
    if (this.userDetailsFormatter) config.userDetailsFormatter = this.userDetailsFormatter;
    return config;
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
    let provided: unknown;
    try {
      provided = await provider();
    } catch (err) {
      if (err instanceof TokenError) throw err;
      const status = (err as { status?: unknown } | undefined)?.status;
      const retryable = typeof status !== 'number' || status === 429 || status >= 500;
      throw new TokenError(
        sdkErrorCode(err, 'provider_failed'),
        `The token provider failed: ${sdkErrorMessage(err)}`,
        typeof status === 'number' ? status : undefined,
        retryable,
      );
    }
    return validateProvided(provided);
  }

  private _start(): void {
    if (this._problem || !this.isConnected) return;
    this._unobserve();
    this._error = undefined;
    if (!this._session) {
      const source = this._source();
      const member = this._memberFor();
      try {
        this._session = acquireSession(source, member);
      } catch (err) {
        this._fail(err as KaleyraCallError);
        return;
      }
      this._sessionKey = source.key;
      this._member = member;
      const { state, userId, token } = this._session;
      if (state !== 'idle') this._setState(state);
      if (token) member.onToken(token.expiresAt);
      if (state === 'connected' && userId) member.onReady(userId);
    }
    this._session.start();
  }

  private _memberFor(): SessionMember {
    return {
      onState: (next) => this._setState(next),
      onError: (error) => (error.fatal ? this._fail(error) : this._emitError(error)),
      onReady: (userId) => {
        this._error = undefined;
        this.dispatchEvent(new KaleyraCallReadyEvent({ userId }));
        for (const w of this._waiters.splice(0)) w.resolve();
      },
      onToken: (expiresAt) => this.dispatchEvent(new KaleyraCallTokenEvent({ expiresAt })),
      onSdkEvent: (type, payload) => this.dispatchEvent(new KaleyraCallSdkEvent({ type, payload })),
    };
  }

  private async _leave(reason: string): Promise<void> {
    const session = this._session;
    const member = this._member;
    if (!session || !member) return;
    this._session = undefined;
    this._member = undefined;
    this._sessionKey = undefined;
    for (const w of this._waiters.splice(0)) {
      w.reject(new KaleyraCallError('connect', 'disconnected', 'The video call was disconnected.'));
    }
    await releaseSession(session, member);
    this._setState('disconnected');
    this.dispatchEvent(new KaleyraCallDisconnectedEvent({ reason }));
  }

  private _observe(): void {
    if (this._observer || typeof IntersectionObserver === 'undefined') return;
    this._observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this._start();
    });
    this._observer.observe(this);
  }

  private _unobserve(): void {
    this._observer?.disconnect();
    this._observer = undefined;
  }

  /** Launcher activation: start if needed, then do what the attributes ask. */
  private async _onLaunch(): Promise<void> {
    if (this._state === 'loading' || this._state === 'connecting') return;
    try {
      await this.connect();
      if (this.callWith) await this.startCall();
      else if (this.chatWith) await this.openChat();
      else if (this.joinUrl) await this.joinCall();
      else await this.openWidget();
    } catch {
      // Already reported as an error event and shown inline.
    }
  }

  private _checkConfig(): void {
    const [problem] = validateConfig({
      appId: this.appId,
      tokenEndpoint: this.tokenEndpoint,
      hasTokenProvider: typeof this.tokenProvider === 'function',
      region: this.region,
      environment: this.environment,
      connectOn: this.connectOn,
      credentials: this.credentials,
      tools: this.tools,
      callType: this.callType,
      mode: this.mode,
      recordingType: this.recordingType,
      virtualBackground: this.virtualBackground,
    });
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
    const code = problem.kind === 'missing' ? 'missing_attribute' : 'invalid_attribute';
    return new KaleyraCallError('config', code, this._describe(problem));
  }

  private get _strings(): Strings {
    return stringsFor(this.language, document.documentElement.lang);
  }

  private _describe(problem: ConfigProblem): string {
    return problem.kind === 'missing'
      ? this._strings.missing(problem.attribute)
      : this._strings.invalid(problem.attribute, problem.value, problem.allowed.join(', '));
  }

  private _fail(error: KaleyraCallError): void {
    this._error = error;
    this._setState('error');
    this._emitError(error);
    for (const w of this._waiters.splice(0)) w.reject(error);
  }

  private _emitError(error: KaleyraCallError): void {
    const detail: {
      phase: ErrorPhase;
      code: string;
      message: string;
      fatal: boolean;
      status?: number;
      retryInMs?: number;
    } = { phase: error.phase, code: error.code, message: error.message, fatal: error.fatal };
    if (error.status !== undefined) detail.status = error.status;
    if (error.retryInMs !== undefined) detail.retryInMs = error.retryInMs;
    this.dispatchEvent(new KaleyraCallErrorEvent(detail));
  }

  private _setState(next: KaleyraCallState): void {
    const previous = this._state;
    if (previous === next) return;
    this._state = next;
    this.setAttribute('state', next);
    try {
      this._internals?.states.delete(previous);
      this._internals?.states.add(next);
    } catch {
      // CustomStateSet without plain names (Chrome < 125): the attribute suffices.
    }
    this.dispatchEvent(new KaleyraCallStateEvent({ state: next, previous }));
  }

  private _retry(): void {
    this.connect().catch(() => {});
  }

  protected override render() {
    const strings = this._strings;
    if (this._problem) {
      return html`<div part="error" role="alert">${this._describe(this._problem)}</div>`;
    }
    if (this.headless) return nothing;
    const busy = this._state === 'loading' || this._state === 'connecting';
    const error = this._state === 'error' ? this._error : undefined;
    const errorText = !error
      ? ''
      : error.code === 'unauthenticated'
        ? strings.errors.unauthenticated
        : error.code === 'client_already_exists'
          ? strings.errors.conflict
          : strings.errors.generic;
    return html`<button
        part="launcher"
        type="button"
        aria-busy=${busy ? 'true' : 'false'}
        @click=${this._onLaunch}
      >
        <slot>${this.label || strings.label}</slot>
      </button>
      <span part="status" role="status" class=${this._state === 'idle' ? 'visually-hidden' : ''}
        >${strings.states[this._state]}</span
      >
      ${
        error
          ? html`<div part="error" role="alert">
              <span>${errorText}</span>
              <small>${error.message}</small>
              <button part="retry" type="button" @click=${this._retry}>${strings.tryAgain}</button>
            </div>`
          : nothing
      }`;
  }
}
