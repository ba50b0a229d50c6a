import {
  ReactiveElement,
  type PropertyDeclarations,
  type PropertyValues,
} from '@lit/reactive-element';
import {
  ATTRIBUTES,
  validateConfig,
  words,
  type AttributeValues,
  type ConfigProblem,
} from './attributes.js';
import { KaleyraCallError } from './errors.js';
import { KaleyraCallEvent, type KaleyraCallEventMap, type KaleyraCallState } from './events.js';
import {
  VISITOR_SETUP,
  VISITOR_UNAVAILABLE,
  fill,
  resolveLanguage,
  stringsFor,
  type CheckCode,
  type Language,
  type Strings,
} from './i18n.js';
import { styles } from './kaleyra-call.styles.js';
import type { BandyerClient } from './sdk.js';
import { sdkUrl } from './sdk-loader.js';
import type { GuestHost } from './guest.js';
import type { CallInfo, CallState, SdkCall, SessionSource } from './session.js';
import { SessionController, type SessionView } from './session-controller.js';
import { loadRuntime } from './runtime-loader.js';
import { sourceKey, type AuthToken, type TokenProvider, type TokenSource } from './token-client.js';

/** States in which the launcher is busy: a click waits rather than starting again. */
const BUSY: readonly KaleyraCallState[] = ['loading', 'verifying', 'connecting', 'reconnecting'];
/** Call states during which the launcher brings the call forward instead of starting another. */
const IN_CALL: readonly CallState[] = ['dialing', 'ringing', 'active'];

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
 * @slot challenge - the guest challenge while it is shown (the element adds it there itself)
 *
 * @csspart launcher - the button that starts the call
 * @csspart status - the status text (also announced to screen readers)
 * @csspart error - the inline error message
 * @csspart retry - the "Try again" button
 * @csspart details - the "Details" disclosure of the inline error: cause, fix and code
 *
 * @cssprop --kaleyra-call-accent - launcher background
 * @cssprop --kaleyra-call-accent-contrast - launcher text colour
 * @cssprop --kaleyra-call-radius - launcher corner radius
 * @cssprop --kaleyra-call-padding - launcher padding
 * @cssprop --kaleyra-call-font-family - font of the element
 * @cssprop --kaleyra-call-color - text colour of the element
 * @cssprop --kaleyra-call-focus-ring - focus outline, drawn next to the button
 * @cssprop --kaleyra-call-focus-ring-outer - the ring's outer band (against the page)
 * @cssprop --kaleyra-call-error-background - inline error background
 * @cssprop --kaleyra-call-error-color - inline error text colour
 * @cssprop --kaleyra-call-error-border - inline error border colour
 * @cssprop --kaleyra-call-radius-error - inline error corner radius
 *
 * @cssstate idle - not started (also the reflected attribute `state="idle"`)
 * @cssstate loading - token request and SDK download in flight
 * @cssstate verifying - the guest challenge is running
 * @cssstate connecting - the SDK client is connecting
 * @cssstate connected - ready for calls and chats
 * @cssstate reconnecting - getting a new token after the old one expired
 * @cssstate error - failed; the inline message says why (see `kaleyra-call-error`)
 * @cssstate disconnected - left the session
 */
// The attribute properties are declared from the attribute table (attributes.ts):
// this interface, merged into the class, gives them their types. (Safe merging:
// Lit defines each of them as an accessor at registration.)
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class KaleyraCallElement extends ReactiveElement {
  static override styles = styles;

  // The attribute table (attributes.ts) declares the attribute properties: its
  // entries are Lit property declarations (the keys Lit does not know, it ignores).
  static override properties = {
    ...(ATTRIBUTES as PropertyDeclarations),
    call: { reflect: true },
    authToken: { attribute: false },
    tokenProvider: { attribute: false },
    layout: { attribute: false },
    userDetailsProvider: { attribute: false },
    userDetailsFormatter: { attribute: false },
    connectTimeout: { attribute: false },
    _state: { state: true },
    _problem: { state: true },
    _error: { state: true },
    _peer: { state: true },
  };

  /**
   * Registers the element. Safe to call more than once (a second copy of the
   * bundle on the page, or a framework re-import).
   */
  static define(tag = 'kaleyra-call', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tag)) registry.define(tag, this);
  }

  /**
   * The call in progress, also reflected as the `call` attribute: `none`,
   * `dialing` (an outgoing call rings), `ringing` (an incoming one), `active`,
   * `ended`. Read-only: it follows the SDK's call events.
   */
  call: CallState = 'none';

  /** Sent as `Authorization: Bearer …` to the token endpoint. */
  authToken?: AuthToken;
  /** Replaces the endpoint fetch for apps with their own backend. */
  tokenProvider?: TokenProvider;
  /** SDK colour object (`layout` of `BandyerSDK.configure`). */
  layout?: Record<string, unknown>;
  /** SDK `userDetailsProvider`; its names also appear in the element's status ("Calling …"). */
  userDetailsProvider?: (userIds: string[]) => Promise<object[]>;
  /** SDK `userDetailsFormatter`. */
  userDetailsFormatter?: (user: object) => string;
  /** How long `client.connect` may take before the element gives up, in ms. */
  connectTimeout = 20_000;

  private _state: KaleyraCallState = 'idle';
  private _problem?: ConfigProblem | undefined;
  private _error?: KaleyraCallError | undefined;
  /** The name shown for the call's other participant. */
  private _peer = '';
  private _internals?: ElementInternals;
  private readonly _session: SessionController;
  /** The visitor asked for a call (the launcher, "Try again", or the page's `connect()`). */
  private _gestured = false;
  private _onGesture?: (() => void) | undefined;

  constructor() {
    super();
    for (const [name, spec] of Object.entries(ATTRIBUTES)) {
      if ('default' in spec) Object.assign(this, { [name]: spec.default });
    }
    try {
      this._internals = this.attachInternals();
    } catch {
      // No ElementInternals (old browser): the reflected `state` attribute still works.
    }
    this._session = new SessionController(this, this._sessionView());
  }

  /** The element's current state. */
  get state(): KaleyraCallState {
    return this._state;
  }
  /** The connected Kaleyra user id. */
  get userId(): string | undefined {
    return this._session.session?.userId;
  }
  /** When the current access token expires (ISO date). */
  get expiresAt(): string | undefined {
    return this._session.session?.token?.expiresAt;
  }
  /** The SDK client: an escape hatch to the full vendor API. */
  get client(): BandyerClient | undefined {
    return this._session.session?.client;
  }

  protected override willUpdate(): void {
    this._checkConfig();
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
  set connect(mode: AttributeValues['connectOn']) {
    this.connectOn = mode;
  }

  private _connect(): Promise<void> {
    // A gesture: a guest offer waiting for one may go on (guest.ts).
    this._gestured = true;
    this._onGesture?.();
    return this._session.connect();
  }

  /** How the guest flow (guest.ts) reaches this element. */
  private _guestHost(): GuestHost {
    return {
      element: this,
      // An element given authToken or tokenProvider is a signed-in integration.
      allowed: this.guest !== 'off' && !this.authToken && !this.tokenProvider,
      challengeSrc: this.challengeSrc,
      language: this._language,
      gesture: () =>
        new Promise<void>((resolve) => {
          this._onGesture = () => {
            this._gestured = false;
            this._onGesture = undefined;
            resolve();
          };
          if (this._gestured) this._onGesture();
        }),
      onWaiting: () => this._setState('idle'),
      onVerifying: () => this._setState('verifying'),
    };
  }

  /** Leaves the session (the last element out disconnects the SDK). Resolves after teardown. */
  disconnect(): Promise<void> {
    return this._session.disconnect();
  }

  /** Starts a call (`client.createCall`) with `userIds`, or with `call-with`. */
  startCall(userIds?: string[], options?: Record<string, unknown>): Promise<unknown> {
    return this._act(userIds ?? (this.callWith && [this.callWith]), 'no_callee', (client, ids) =>
      this._follow(
        client.createCall(ids, {
          callType: this.callType,
          recordingType: this.recordingType,
          ...options,
        }),
      ),
    );
  }

  /** Opens the chat with `userId`, or with `chat-with`. */
  openChat(userId?: string): Promise<unknown> {
    return this._act(userId ?? this.chatWith, 'no_chat_user', async (client, id) => {
      const view = await client.addChannel(id);
      view.select();
      return view;
    });
  }

  /** Joins a room link (`client.joinCallURL`), or `join-url`. */
  joinCall(url?: string): Promise<unknown> {
    return this._act(url ?? this.joinUrl, 'no_join_url', (client, link) =>
      this._follow(client.joinCallURL(link)),
    );
  }

  /** Expands the SDK widget. */
  openWidget(): Promise<boolean> {
    return this._act(true, 'not_connected', (client) => client.openWidget());
  }

  /** Minimises the SDK widget. */
  closeWidget(): Promise<boolean> {
    return this._act(true, 'not_connected', (client) => client.closeWidget());
  }

  /** The call view `createCall` or `joinCallURL` resolved with: its call is followed from now. */
  private async _follow(view: Promise<unknown>): Promise<unknown> {
    const resolved = (await view) as { call?: SdkCall } | undefined;
    this._session.session?.trackCall(resolved?.call);
    return resolved;
  }

  /** Runs an SDK action on the live client; a failure rejects typed and fires an error event. */
  private async _act<A, T>(
    arg: A | undefined | '',
    missing: CheckCode,
    action: (client: BandyerClient, arg: A) => T | Promise<T>,
  ): Promise<T> {
    const client = this._session.session?.state === 'connected' ? this.client : undefined;
    try {
      if (!client) throw this._checkError('call', 'not_connected');
      if (!arg) throw this._checkError('call', missing);
      return await action(client, arg);
    } catch (err) {
      // Connected, so the runtime is there to name the SDK's failure.
      const error =
        err instanceof KaleyraCallError ? err : this._runtime!.fromSdk(err, 'call', 'call_failed');
      if (client) this._emitError(error);
      throw error;
    }
  }

  /** How the session controller reaches this element. */
  private _sessionView(): SessionView {
    return {
      blocked: () => this._problem && this._configError(this._problem),
      source: () => this._source(),
      onState: (state) => this._setState(state),
      onError: (error) => (error.fatal ? this._fail(error) : this._emitError(error)),
      onReady: (userId) => {
        this._error = undefined;
        // The gesture that started this is spent.
        this._gestured = false;
        this._fire('kaleyra-call-ready', { userId });
      },
      onToken: (expiresAt) => this._fire('kaleyra-call-token', { expiresAt }),
      onSdkEvent: (type, payload) => this._fire('kaleyra-call-sdk', { type, payload }),
      onCall: (call) => void this._onCall(call),
      onLeft: (reason) => {
        // A configuration problem keeps the element in `error`.
        if (!this._problem) this._setState('disconnected');
        this.call = 'none';
        this._fire('kaleyra-call-disconnected', { reason });
      },
    };
  }

  /** The call changed: reflect it, and name the other participant as the page knows them. */
  private async _onCall({ state, peer }: CallInfo): Promise<void> {
    this.call = state;
    this._peer = peer ?? '';
    if (!peer || !this.userDetailsProvider) return;
    try {
      const [user] = (await this.userDetailsProvider([peer])) as Record<string, unknown>[];
      if (!user || this._session.session?.call.peer !== peer) return;
      const { firstName, lastName, nickName, displayName, name } = user;
      this._peer =
        this.userDetailsFormatter?.(user) ||
        [firstName, lastName].filter(Boolean).join(' ') ||
        String(nickName ?? displayName ?? name ?? peer);
    } catch {
      // The id is shown instead.
    }
  }

  /** Where tokens come from, read afresh for every request (a new `authToken` applies at once). */
  private _tokens(): TokenSource {
    return {
      endpoint: this.tokenEndpoint,
      credentials: this.credentials,
      authToken: this.authToken,
      provider: this.tokenProvider,
    };
  }

  private _source(): SessionSource {
    const sdkSrc = new URL(this.sdkSrc || sdkUrl(this.sdkVersion), document.baseURI).href;
    return {
      key: JSON.stringify([
        this.appId,
        this.region,
        this.environment,
        sdkSrc,
        sourceKey(this._tokens()),
      ]),
      sdkSrc,
      sdkIntegrity: this.sdkIntegrity || undefined,
      connectTimeoutMs: this.connectTimeout,
      getToken: (signal) =>
        loadRuntime().then((rt) => rt.guestToken(this._tokens(), signal, this._guestHost())),
      // The attributes as `BandyerSDK.configure` expects them (docs/kaleyra-sdk-notes.md,
      // configure); the app, region and environment the page did not set come with the token.
      config: {
        appId: this.appId || undefined,
        region: this.region || undefined,
        environment: this.environment || undefined,
        hidden: this.widgetHidden,
        recordingType: this.recordingType,
        callType: this.callType,
        mode: this.mode,
        language: this._language,
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

  /**
   * Launcher activation: start if needed, then do what the attributes ask.
   * During a call it brings the call forward rather than starting another.
   */
  private async _onLaunch(): Promise<void> {
    if (BUSY.includes(this._state)) return;
    try {
      await this._connect();
      await (IN_CALL.includes(this.call)
        ? this.openWidget()
        : this.callWith
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
    // A tokenProvider replaces the endpoint.
    const problem = validateConfig(this, this.tokenProvider ? [] : ['tokenEndpoint']);
    const before = this._problem;
    this._problem = problem;
    if (problem && JSON.stringify(problem) !== JSON.stringify(before)) {
      void this._session.leave('reconfigured');
      this._fail(this._configError(problem));
    } else if (!problem && before && this._state === 'error') {
      this._setState('idle');
    }
  }

  private _configError({ code, attribute, value, allowed }: ConfigProblem): KaleyraCallError {
    return this._checkError('config', code, { a: attribute, v: value, l: allowed });
  }

  /**
   * A failure of the element's own checks. Its texts are the runtime's
   * (messages.ts): until that is loaded, the message is the code and what it is about.
   */
  private _checkError(
    phase: 'config' | 'call',
    code: CheckCode,
    params: Record<string, unknown> = {},
  ): KaleyraCallError {
    const message = [code, params.a, params.v].filter(Boolean).join(': ');
    return new KaleyraCallError(phase, code, message, true, undefined, undefined, params);
  }

  private get _language(): Language {
    return resolveLanguage(this.language, document.documentElement.lang);
  }

  private get _strings(): Strings {
    return stringsFor(this._language, undefined);
  }

  /**
   * The visitor's sentence and the detail of `error`, in the element's language,
   * from the runtime's messages (messages.ts). Before the runtime is there: the
   * visitor's sentence only, and the error's own message.
   */
  private _describe(error: KaleyraCallError): { visitor: string; detail: string } {
    const lang = this._language;
    return (
      this._runtime?.describe(error, lang) ?? {
        visitor: (error.phase === 'config' ? VISITOR_SETUP : VISITOR_UNAVAILABLE)[lang],
        detail: error.message,
      }
    );
  }

  /** The runtime, when loaded (the session controller loads it at the first start). */
  private get _runtime() {
    return this._session.runtime;
  }

  private _fail(error: KaleyraCallError): void {
    this._error = error;
    this._setState('error');
    this._session.fail(error);
    if (this._runtime) return this._emitError(error);
    // A problem found before any start (an attribute): its words are in the
    // runtime, so the event follows once that has loaded (or failed to).
    void this._session.loadRuntime().finally(() => {
      if (this._error === error) {
        this.requestUpdate();
        this._emitError(error);
      }
    });
  }

  private _emitError(error: KaleyraCallError): void {
    const { phase, code, fatal, status, retryInMs } = error;
    this._fire('kaleyra-call-error', {
      phase,
      code,
      message: this._describe(error).detail,
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
    if (state !== 'error') this._error = undefined;
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
   * DOM instead of lit-html keeps the CDN bundle small.) Built node by node, no
   * innerHTML, so pages that enforce Trusted Types work.
   */
  protected override update(changed: PropertyValues): void {
    super.update(changed);
    const strings = this._strings;
    const { _problem: problem, _state: state, call } = this;
    const error = problem ? this._configError(problem) : state === 'error' && this._error;
    let ui = this._ui;
    if (!ui) {
      const add = (tag: string, parent: Node, part?: string, role?: string) => {
        const node = parent.appendChild(document.createElement(tag));
        if (part) node.setAttribute('part', part);
        if (role) node.setAttribute('role', role);
        if (tag === 'button') node.setAttribute('type', 'button');
        return node;
      };
      const root = this.renderRoot;
      const box = add('div', root, 'error', 'alert');
      const details = add('details', box, 'details');
      ui = this._ui = {
        error: box,
        text: add('span', box),
        details,
        summary: add('summary', details),
        detail: add('span', details),
        code: add('code', details),
        retry: add('button', box, 'retry'),
        launcher: add('button', root, 'launcher'),
        status: add('span', root, 'status', 'status'),
      };
      box.insertBefore(ui.text, details);
      ui.slot = add('slot', ui.launcher);
      add('slot', root).setAttribute('name', 'challenge');
      ui.launcher.onclick = () => void this._onLaunch();
      ui.retry.onclick = () => void this._connect().catch(() => {});
    }
    ui.error.hidden = !error;
    if (error) {
      const { visitor, detail } = this._describe(error);
      ui.text.textContent = visitor;
      ui.summary.textContent = strings.details;
      ui.detail.textContent = detail;
      ui.code.textContent = `${strings.code}: ${error.code}`;
    }
    // One action at a time: "Try again" in the error state, else the launcher
    // (a configuration problem has none: the page must be fixed).
    ui.retry.hidden = !!problem;
    ui.retry.textContent = strings.tryAgain;
    ui.launcher.hidden = ui.status.hidden = !!error;
    ui.launcher.ariaBusy = String(BUSY.includes(state));
    ui.slot!.textContent = this.label || strings.label;
    ui.status.textContent =
      state === 'connected' && call !== 'none'
        ? fill(strings.calls[call], { name: this._peer })
        : strings.states[state];
    ui.status.className = state === 'idle' ? 'sr' : '';
  }
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface KaleyraCallElement extends AttributeValues {}

type Ui = Record<
  'launcher' | 'status' | 'error' | 'text' | 'details' | 'summary' | 'detail' | 'code' | 'retry',
  HTMLElement
> & { slot?: HTMLElement };

/** `values` without its undefined entries. */
function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
