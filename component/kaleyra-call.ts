import {
  ReactiveElement,
  type PropertyDeclarations,
  type PropertyValues,
} from '@lit/reactive-element';
import {
  ATTRIBUTES,
  validateConfig,
  type AttributeValues,
  type ConfigProblem,
} from './attributes.js';
import { clock } from './clock.js';
import { KaleyraCallError } from './errors.js';
import { KaleyraCallEvent, type KaleyraCallEventMap, type KaleyraCallState } from './events.js';
import {
  VISITOR_SETUP,
  VISITOR_UNAVAILABLE,
  resolveLanguage,
  stringsFor,
  type CheckCode,
  type Language,
  type Strings,
} from './i18n.js';
import type { Action } from './element-runtime.js';
import { preloadSdk, warmUp } from './intent.js';
import { styles } from './kaleyra-call.styles.js';
import type { BandyerClient } from './sdk.js';
import { sdkUrl } from './sdk-loader.js';
import type { CallState } from './session.js';
import { SessionController, type SessionView } from './session-controller.js';
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
  /** Intent was shown (intent.ts): the warm-up is done. */
  private _warmed = false;
  private _intentTimer?: number | undefined;
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

  /**
   * Warms up for a start the visitor is likely to ask for (intent.ts): the
   * runtime file, the SDK download (not run), the token endpoint's connection.
   */
  private _warm(): void {
    if (this._warmed || this._problem || this._session.session || !this.isConnected) return;
    this._warmed = true;
    void this._session.loadRuntime();
    warmUp(
      this._sdkSrc(),
      this.sdkIntegrity,
      this.tokenProvider ? undefined : this.tokenEndpoint,
      this.credentials,
    );
  }

  /** Leaves the session (the last element out disconnects the SDK). Resolves after teardown. */
  disconnect(): Promise<void> {
    return this._session.disconnect();
  }

  /** Starts a call (`client.createCall`) with `userIds`, or with `call-with`. */
  startCall(userIds?: string[], options?: Record<string, unknown>): Promise<unknown> {
    return this._act('startCall', userIds, options);
  }

  /** Opens the chat with `userId`, or with `chat-with`. */
  openChat(userId?: string): Promise<unknown> {
    return this._act('openChat', userId);
  }

  /** Joins a room link (`client.joinCallURL`), or `join-url`. */
  joinCall(url?: string): Promise<unknown> {
    return this._act('joinCall', url);
  }

  /** Expands the SDK widget. */
  openWidget(): Promise<boolean> {
    return this._act('openWidget') as Promise<boolean>;
  }

  /** Minimises the SDK widget. */
  closeWidget(): Promise<boolean> {
    return this._act('closeWidget') as Promise<boolean>;
  }

  /**
   * Runs an SDK action on the live client (element-runtime.ts); a failure
   * rejects typed and fires an error event. Connected means the runtime is there.
   */
  private _act(action: Action, a?: unknown, b?: unknown): Promise<unknown> {
    const session = this._session.session;
    return session?.state === 'connected'
      ? this._runtime!.act(this, session, action, (error) => this._emitError(error), a, b)
      : Promise.reject(this._checkError('call', 'not_connected'));
  }

  /** How the session controller reaches this element. */
  private _sessionView(): SessionView {
    return {
      blocked: () => this._problem && this._configError(this._problem),
      key: () => this._key(),
      language: () => this._language,
      preload: () => preloadSdk(this._sdkSrc(), this.sdkIntegrity),
      source: (runtime) =>
        runtime.sourceFor(this, {
          key: this._key(),
          sdkSrc: this._sdkSrc(),
          language: this._language,
          tokens: () => this._tokens(),
          gesture: () =>
            new Promise<void>((resolve) => {
              this._onGesture = () => {
                this._gestured = false;
                this._onGesture = undefined;
                resolve();
              };
              if (this._gestured) this._onGesture();
            }),
          setState: (state) => this._setState(state),
        }),
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
      onCall: ({ state, peer }) => {
        // The call changed: reflect it, and name the other participant as the page knows them.
        this.call = state;
        this._peer = peer ?? '';
        if (peer && this.userDetailsProvider) {
          void this._runtime!.peerName(this, peer, () => this._session.session).then((name) => {
            if (name !== undefined) this._peer = name;
          });
        }
      },
      onLeft: (reason) => {
        // A configuration problem keeps the element in `error`.
        if (!this._problem) this._setState('disconnected');
        this.call = 'none';
        this._fire('kaleyra-call-disconnected', { reason });
      },
    };
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

  /** The SDK's URL, resolved against the page. */
  private _sdkSrc(): string {
    return new URL(this.sdkSrc || sdkUrl(this.sdkVersion), document.baseURI).href;
  }

  /** What makes a session: another key means another session (docs/architecture.md, Session model). */
  private _key(): string {
    return JSON.stringify([
      this.appId,
      this.region,
      this.environment,
      this._sdkSrc(),
      sourceKey(this._tokens()),
    ]);
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
    // A problem found before any start (an attribute): its words are in the
    // runtime, so the event follows once that has loaded (or failed to). Any
    // other failure comes after the runtime was asked for: reported as it is
    // (a runtime that did not load is not asked for again).
    if (this._runtime || error.phase !== 'config') return this._emitError(error);
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
      // Intent: a pointer resting on the launcher (100 ms), focus, or a touch starting on it.
      const warm = () => this._warm();
      ui.launcher.onpointerenter = () => (this._intentTimer = clock.setTimeout(warm, 100));
      ui.launcher.onpointerleave = () => clock.clearTimeout(this._intentTimer);
      ui.launcher.onfocus = warm;
      ui.launcher.addEventListener('touchstart', warm, { passive: true });
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
        ? this._runtime!.callStatus(call, this._peer, this._language)
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
