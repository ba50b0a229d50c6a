import {
  ReactiveElement,
  type PropertyDeclarations,
  type PropertyValues,
} from '@lit/reactive-element';
import { REST_MS, frugal, preloadSdk, warmUp } from './facade/intent.js';
import { loadRuntime } from './facade/runtime-loader.js';
import { styles } from './facade/styles.js';
import { resolveLanguage, stringsFor } from './facade/words.js';
import {
  ATTRIBUTES,
  sdkUrl,
  validateConfig,
  type AttributeValues,
  type ConfigProblem,
} from './shared/attributes.js';
import { clock } from './shared/clock.js';
import type { Action, Driver, Shell } from './shared/contract.js';
import { KaleyraCallError } from './shared/errors.js';
import {
  BUSY,
  KaleyraCallEvent,
  type KaleyraCallEventMap,
  type KaleyraCallState,
} from './shared/events.js';
import type { BandyerClient } from './shared/sdk.js';
import type { AuthToken, CallState, Language, TokenProvider } from './shared/types.js';

/** The states in which the `connect` mode may start the element by itself. */
const WAITING: readonly KaleyraCallState[] = ['idle', 'disconnected'];

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
  /** The failure shown inline (state `error`). */
  private _error?: KaleyraCallError | undefined;
  private _internals?: ElementInternals;
  /**
   * The element's behaviour from its first start on, in the runtime
   * (runtime/driver.ts): made when the runtime has loaded, at intent or at a start.
   */
  private _driver?: Driver;
  private _driving?: Promise<Driver> | undefined;
  /** `disconnect()` was called: do not start by ourselves until `connect()` or the launcher. */
  private _stopped = false;
  private _observer?: IntersectionObserver | undefined;
  private _intentTimer?: number | undefined;

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
  }

  /** The element's current state. */
  get state(): KaleyraCallState {
    return this._state;
  }
  /** The connected Kaleyra user id. */
  get userId(): string | undefined {
    return this._driver?.userId;
  }
  /** When the current access token expires (ISO date). */
  get expiresAt(): string | undefined {
    return this._driver?.expiresAt;
  }
  /** The SDK client: an escape hatch to the full vendor API. */
  get client(): BandyerClient | undefined {
    return this._driver?.client;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Attached again: start (or observe) as the `connect` mode says.
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._observe(false);
  }

  /**
   * When a session starts is decided here, and only here (docs/architecture.md,
   * Connect modes): on attach (`auto`) or when first on screen (`visible`),
   * again after a removal and re-insertion, never after an error (that waits
   * for "Try again" or `connect()`) nor after `disconnect()`.
   */
  protected override willUpdate(): void {
    this._checkConfig();
    const waiting =
      !this._problem &&
      !this._stopped &&
      this.isConnected &&
      WAITING.includes(this._state) &&
      !this._driver?.joined;
    this._observe(waiting && this.connectOn === 'visible');
    if (waiting && this.connectOn === 'auto') this._begin('start').catch(() => {});
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
    return this._begin('connect');
  }

  /** Leaves the session (the last element out disconnects the SDK). Resolves after teardown. */
  disconnect(): Promise<void> {
    this._stopped = true;
    this._observe(false);
    return (
      this._driver?.disconnect() ??
      this._driving?.then(
        (driver) => driver.disconnect(),
        () => {},
      ) ??
      Promise.resolve()
    );
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
   * Runs an SDK action on the live client; a failure rejects typed and fires an
   * error event. Before any start the runtime words the refusal (not_connected).
   */
  private _act(action: Action, a?: unknown, b?: unknown): Promise<unknown> {
    return (this._driver ? Promise.resolve(this._driver) : this._drive()).then(
      (driver) => driver.act(action, a, b),
      () => Promise.reject(this._unloaded()),
    );
  }

  /**
   * Starts through the driver, loading the runtime first: `start` as the
   * `connect` mode does, `connect` as asked (the page or "Try again"),
   * `launch` for the launcher (then its action). With the driver there, it
   * starts at once, in this task.
   */
  private async _begin(how: 'start' | 'connect' | 'launch'): Promise<void> {
    this._stopped = false;
    if (!this._driver && !this._problem && this._state !== 'loading') {
      this._setState('loading');
      // The SDK downloads beside the runtime; the runtime's SDK loader runs it.
      preloadSdk(this._sdkSrc(), this.sdkIntegrity);
    }
    let driver: Driver;
    try {
      driver = this._driver ?? (await this._drive());
    } catch {
      if (this._problem) throw this._error;
      const error = this._unloaded();
      this._show(error);
      this._emit(error);
      throw error;
    }
    if (this._stopped) {
      // `disconnect()` while the runtime loaded: left before joining.
      driver.left('disconnect');
      throw driver.word(new KaleyraCallError({ phase: 'connect', code: 'disconnected' }));
    }
    return driver[how]();
  }

  /** The driver, once the runtime has loaded (once; a load that failed may be tried again). */
  private _drive(): Promise<Driver> {
    return (this._driving ??= loadRuntime(this._language).then(
      (runtime) => {
        this.requestUpdate();
        return (this._driver ??= runtime.drive(this, this._shell()));
      },
      (err: unknown) => {
        this._driving = undefined;
        throw err;
      },
    ));
  }

  /**
   * The runtime did not load: the one failure the element cannot word in its
   * language, since its words are in the runtime.
   */
  private _unloaded(): KaleyraCallError {
    return new KaleyraCallError({
      phase: 'sdk',
      code: 'runtime_load_failed',
      message:
        'kaleyra-call.runtime.<language>.js, beside the bundle, did not load or failed its integrity check.',
    });
  }

  /** What the element lends its driver (runtime/driver.ts). */
  private _shell(): Shell {
    return {
      language: () => this._language,
      sdkSrc: () => this._sdkSrc(),
      blocked: () => (this._problem ? this._error : undefined),
      setState: (state) => this._setState(state),
      show: (error) => this._show(error),
    };
  }

  /**
   * Warms up for a start the visitor is likely to ask for (facade/intent.ts): the
   * runtime file, the SDK download (not run), the token endpoint's connection.
   */
  private _warm(): void {
    if (this._driving || this._problem || !this.isConnected) return;
    this._drive().catch(() => {});
    warmUp(
      this._sdkSrc(),
      this.sdkIntegrity,
      this.tokenProvider ? undefined : this.tokenEndpoint,
      this.credentials,
    );
  }

  private _observe(on: boolean): void {
    this._observer?.disconnect();
    this._observer = undefined;
    if (on && typeof IntersectionObserver === 'function') {
      this._observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this._begin('start').catch(() => {});
      });
      this._observer.observe(this);
    }
  }

  /** The SDK's URL, resolved against the page. */
  private _sdkSrc(): string {
    return new URL(this.sdkSrc || sdkUrl(this.sdkVersion), document.baseURI).href;
  }

  private _checkConfig(): void {
    // A tokenProvider replaces the endpoint.
    const problem = validateConfig(this, this.tokenProvider ? [] : ['tokenEndpoint']);
    const before = this._problem;
    this._problem = problem;
    if (problem && JSON.stringify(problem) !== JSON.stringify(before)) {
      const { code, attribute, value, allowed } = problem;
      const error = new KaleyraCallError({
        phase: 'config',
        code,
        params: { a: attribute, v: value, l: allowed },
        // What the event says if the runtime, which words it, cannot load.
        message: [code, attribute, value].filter(Boolean).join(': '),
      });
      this._driver?.reconfigured(error);
      this._show(error);
      // The problem's words are the runtime's: the event follows once that has
      // loaded, or with the error's own message if it cannot.
      const report = (driver?: Driver) => {
        if (this._error !== error) return;
        if (driver) driver.emit(error);
        else this._emit(error);
      };
      this._drive().then(report, () => report());
    } else if (!problem && before && this._state === 'error') {
      this._setState('idle');
    }
  }

  private get _language(): Language {
    return resolveLanguage(this.language, document.documentElement.lang);
  }

  /** Shows `error` inline: state `error`. */
  private _show(error: KaleyraCallError): void {
    this._error = error;
    this._setState('error');
  }

  /** Reports `error` with its own message, where the runtime is not there to word it. */
  private _emit({ phase, code, message }: KaleyraCallError): void {
    this._fire('kaleyra-call-error', { phase, code, message, fatal: true });
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
   * innerHTML, so pages that enforce Trusted Types work. A failure shows in the
   * runtime's inline error (runtime/driver.ts), which words it; before the
   * runtime is there (it failed to load), the status line says the call is
   * unavailable and the launcher tries again.
   */
  protected override update(changed: PropertyValues): void {
    super.update(changed);
    const strings = stringsFor(this._language);
    const { _problem: problem, _state: state, _driver: driver } = this;
    const error = state === 'error' ? this._error : undefined;
    let ui = this._ui;
    if (!ui) {
      const root = this.renderRoot;
      const add = (tag: string, part: string, parent: Node = root) => {
        const node = parent.appendChild(document.createElement(tag));
        node.setAttribute('part', part);
        return node;
      };
      ui = this._ui = {
        launcher: add('button', 'launcher'),
        status: add('span', 'status'),
      };
      ui.launcher.setAttribute('type', 'button');
      ui.status.setAttribute('role', 'status');
      ui.slot = ui.launcher.appendChild(document.createElement('slot'));
      root.appendChild(document.createElement('slot')).name = 'challenge';
      // (What fails is reported as an event and shown.)
      ui.launcher.onclick = () =>
        BUSY.includes(this._state) || this._begin('launch').catch(() => {});
      // Intent (facade/intent.ts): a pointer resting on the launcher (unless the
      // visitor saves data), focus, a touch starting on it, or a press.
      const warm = () => this._warm();
      // (A pointer may enter twice without leaving, as when the launcher appears under it.)
      const rest = (ms: number) => {
        clock.clearTimeout(this._intentTimer);
        if (ms) this._intentTimer = clock.setTimeout(warm, ms);
      };
      ui.launcher.onpointerenter = () => rest(frugal() ? 0 : REST_MS);
      ui.launcher.onpointerleave = () => rest(0);
      ui.launcher.onfocus = ui.launcher.onpointerdown = warm;
      ui.launcher.addEventListener('touchstart', warm, { passive: true });
    }
    driver?.render(error, !problem);
    // One action at a time: the inline error's "Try again", else the launcher
    // (a configuration problem has none: the page must be fixed).
    ui.launcher.hidden = !!error && (!!driver || !!problem);
    ui.status.hidden = !!error && !!driver;
    ui.launcher.ariaBusy = String(BUSY.includes(state));
    ui.slot!.textContent = this.label || strings.label;
    ui.status.textContent = driver?.status(state) ?? strings.states[state] ?? '';
    ui.status.className = state === 'idle' ? 'sr' : '';
  }
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface KaleyraCallElement extends AttributeValues {}

type Ui = Record<'launcher' | 'status', HTMLElement> & { slot?: HTMLElement };
