import {
  ReactiveElement,
  type PropertyDeclarations,
  type PropertyValues,
} from '@lit/reactive-element';
import { REST_MS, frugal, warmUp } from './facade/intent.js';
import { mediaProblem } from './facade/media.js';
import { defaultOf } from './facade/page.js';
import { inEditor } from './facade/preview.js';
import { loadRuntime } from './facade/runtime-loader.js';
import { styles } from './facade/styles.js';
import { resolveLanguage, stringsFor } from './facade/words.js';
import {
  ATTRIBUTES,
  sdkUrl,
  type AttributeName,
  type AttributeValues,
} from './common/attributes.js';
import { clock } from './common/clock.js';
import type { Action, Driver, Shell } from './common/contract.js';
import { KaleyraCallError } from './common/errors.js';
import {
  BUSY,
  KaleyraCallEvent,
  type KaleyraCallEventMap,
  type KaleyraCallState,
} from './common/events.js';
import type { BandyerClient } from './common/sdk.js';
import type { AuthToken, CallState, Language, TokenProvider } from './common/types.js';

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
 * @csspart open - "Open in a new window", when this page cannot use the camera and a call page is known
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
 * @cssstate preview - an editor's preview: an inert placeholder that makes no request
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
  /**
   * How long `client.connect` may take before the element gives up, in ms.
   * (A plain field: read at each start, it needs no update when it changes.)
   */
  connectTimeout = 20_000;

  private _state: KaleyraCallState = 'idle';
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
    // The attribute table's defaults, or the page's (the loading script's `data-*`).
    for (const name of Object.keys(ATTRIBUTES) as AttributeName[]) {
      const value = defaultOf(name);
      if (value !== undefined) Object.assign(this, { [name]: value });
    }
    // No ElementInternals (Safari before 16.4): the reflected `state` attribute still works.
    this._internals = this.attachInternals?.();
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
    // (An element parsed from serialized HTML may carry another element's state.)
    this.setAttribute('state', this._state);
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
    // An editor's preview: an inert placeholder, and not a single request.
    if (this.preview || (this.isConnected && inEditor(this))) {
      this._observe(false);
      this._setState('preview');
      return;
    }
    if (this._state === 'preview') this._setState('idle');
    // The runtime checks the attributes: at once in `auto` mode, else from intent
    // on; without a token source at all, at once (it cannot start anyway).
    this._driver?.check();
    if (this.isConnected && !this.tokenEndpoint && !this.tokenProvider) {
      this._drive().catch(() => {});
    }
    const waiting =
      !this._driver?.problem &&
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
    if (this._state === 'preview') return Promise.reject(this._previewError());
    return this._drive().then(
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
    if (this._state === 'preview') throw this._previewError();
    this._stopped = false;
    if (!this._driver && this._state !== 'loading') {
      this._setState('loading');
      // The SDK downloads beside the runtime, which runs it; not for a call
      // this page cannot make (the runtime says so, and requests nothing).
      if (!(how === 'launch' && this._callBlocked())) this._preload();
    }
    let driver: Driver;
    try {
      driver = await this._drive();
    } catch {
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
        const driver = (this._driver ??= runtime.drive(this, this._shell()));
        driver.check();
        return driver;
      },
      (err: unknown) => {
        this._driving = undefined;
        throw err;
      },
    ));
  }

  /**
   * The runtime did not load: the one failure the element cannot word, since
   * its words are in the runtime (its message is its code).
   */
  private _unloaded(): KaleyraCallError {
    return new KaleyraCallError({ phase: 'sdk', code: 'runtime_load_failed' });
  }

  /** What `connect()` and the methods reject with in an editor's preview, in the element's language. */
  private _previewError(): KaleyraCallError {
    return new KaleyraCallError({
      phase: 'config',
      code: 'preview',
      message: stringsFor(this._language).states.preview,
    });
  }

  /** What the element lends its driver (runtime/driver.ts). */
  private _shell(): Shell {
    return {
      language: () => this._language,
      sdkSrc: () => this._sdkSrc(),
      setState: (state) => this._setState(state),
      show: (error) => this._show(error),
      media: mediaProblem,
    };
  }

  /** The launcher would start a call (or join one) that this page cannot make (facade/media.ts). */
  private _callBlocked(): boolean {
    return (
      (!!this.callWith || (!this.chatWith && !!this.joinUrl)) &&
      !!mediaProblem(this.callType === 'audio_only')
    );
  }

  /**
   * Warms up for a start the visitor is likely to ask for (facade/intent.ts): the
   * runtime file, the SDK download (not run), the token endpoint's connection.
   */
  private _warm(): void {
    if (this._driving || !this.isConnected || this._state === 'preview' || this._callBlocked()) {
      return;
    }
    this._drive().catch(() => {});
    this._preload();
  }

  /**
   * Hints the SDK's download and the token endpoint's connection
   * (facade/intent.ts), unless the element cannot start at all: without a
   * token source it only loads the runtime, which says what is missing.
   */
  private _preload(): void {
    if (!this.tokenEndpoint && !this.tokenProvider) return;
    try {
      warmUp(
        this._sdkSrc(),
        this.sdkIntegrity,
        this.tokenProvider ? undefined : this.tokenEndpoint,
        this.credentials,
      );
    } catch {
      // A malformed URL: the runtime's check says so.
    }
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

  private get _language(): Language {
    return resolveLanguage(this.language, document.documentElement.lang);
  }

  /** Shows `error` inline: state `error`. */
  private _show(error: KaleyraCallError): void {
    this._error = error;
    this._setState('error');
    this.requestUpdate();
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
    this.requestUpdate();
    this.setAttribute('state', state);
    try {
      this._internals!.states.delete(previous);
      this._internals!.states.add(state);
    } catch {
      // No CustomStateSet with plain names (Chrome < 125): the attribute suffices.
    }
    this._fire('kaleyra-call-state', { state, previous });
  }

  /** The launcher, the status line and the launcher's label (its slot). */
  private _ui?: [HTMLButtonElement, HTMLElement, HTMLElement];

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
    const { _state: state, _driver: driver } = this;
    const error = state === 'error' ? this._error : undefined;
    if (!this._ui) {
      const root = this.renderRoot;
      const add = (tag: string, part: string, parent: Node = root) => {
        const node = parent.appendChild(document.createElement(tag));
        node.setAttribute('part', part);
        return node;
      };
      const launcher = add('button', 'launcher') as HTMLButtonElement;
      const status = add('span', 'status');
      launcher.type = 'button';
      status.setAttribute('role', 'status');
      this._ui = [launcher, status, launcher.appendChild(document.createElement('slot'))];
      root.appendChild(document.createElement('slot')).name = 'challenge';
      // (What fails is reported as an event and shown.)
      launcher.onclick = () => BUSY.includes(this._state) || this._begin('launch').catch(() => {});
      // Intent (facade/intent.ts): a pointer resting on the launcher (unless the
      // visitor saves data), focus, a touch starting on it, or a press.
      const warm = () => this._warm();
      // (A pointer may enter twice without leaving, as when the launcher appears under it.)
      const rest = (ms: number) => {
        clock.clearTimeout(this._intentTimer);
        if (ms) this._intentTimer = clock.setTimeout(warm, ms);
      };
      launcher.onpointerenter = () => rest(frugal() ? 0 : REST_MS);
      launcher.onpointerleave = () => rest(0);
      launcher.onfocus = launcher.onpointerdown = warm;
      launcher.addEventListener('touchstart', warm, { passive: true });
    }
    const [launcher, status, label] = this._ui;
    driver?.render(error);
    // One action at a time: the inline error's, else the launcher.
    launcher.hidden = status.hidden = !!error && !!driver;
    // An editor's preview: the launcher, inert, with its label (no hover, focus or click).
    launcher.disabled = state === 'preview';
    launcher.ariaBusy = String(BUSY.includes(state));
    label.textContent = this.label || strings.label;
    status.textContent = driver?.status(state) ?? strings.states[state] ?? '';
  }
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface KaleyraCallElement extends AttributeValues {}
