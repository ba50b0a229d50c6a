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
import { KaleyraCallError, fromSdk } from './errors.js';
import { KaleyraCallEvent, type KaleyraCallEventMap, type KaleyraCallState } from './events.js';
import { resolveLanguage, stringsFor, type Strings } from './i18n.js';
import { styles } from './kaleyra-call.styles.js';
import type { BandyerClient } from './sdk.js';
import { sdkUrl } from './sdk-loader.js';
import type { SessionSource } from './session.js';
import { SessionController, type SessionView } from './session-controller.js';
import { loadRuntime } from './runtime-loader.js';
import { sourceKey, type AuthToken, type TokenProvider, type TokenSource } from './token-client.js';

/** States in which the launcher is busy: a click waits rather than starting again. */
const BUSY: readonly KaleyraCallState[] = ['loading', 'connecting'];

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
  private _internals?: ElementInternals;
  private readonly _session: SessionController;

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
    return this._session.connect();
  }

  /** Leaves the session (the last element out disconnects the SDK). Resolves after teardown. */
  disconnect(): Promise<void> {
    return this._session.disconnect();
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
    const client = this._session.session?.state === 'connected' ? this.client : undefined;
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

  /** How the session controller reaches this element. */
  private _sessionView(): SessionView {
    return {
      blocked: () => this._problem && this._configError(this._problem),
      source: () => this._source(),
      onState: (state) => this._setState(state),
      onError: (error) => (error.fatal ? this._fail(error) : this._emitError(error)),
      onReady: (userId) => {
        this._error = undefined;
        this._fire('kaleyra-call-ready', { userId });
      },
      onToken: (expiresAt) => this._fire('kaleyra-call-token', { expiresAt }),
      onSdkEvent: (type, payload) => this._fire('kaleyra-call-sdk', { type, payload }),
      onLeft: (reason) => {
        // A configuration problem keeps the element in `error`.
        if (!this._problem) this._setState('disconnected');
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
      getToken: (signal) => loadRuntime().then((rt) => rt.requestToken(this._tokens(), signal)),
      // The attributes as `BandyerSDK.configure` expects them (docs/kaleyra-sdk-notes.md, configure).
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

  /** Launcher activation: start if needed, then do what the attributes ask. */
  private async _onLaunch(): Promise<void> {
    if (BUSY.includes(this._state)) return;
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
    // A tokenProvider replaces the endpoint.
    const problem = validateConfig(
      this,
      this.tokenProvider ? ['appId'] : ['appId', 'tokenEndpoint'],
    );
    const before = this._problem;
    this._problem = problem;
    if (problem && JSON.stringify(problem) !== JSON.stringify(before)) {
      void this._session.leave('reconfigured');
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
    this._session.fail(error);
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
        ? strings.unauthenticated
        : error?.code === 'client_already_exists'
          ? strings.conflict
          : strings.generic;
    ui.detail.textContent = problem ? '' : (error?.message ?? '');
    ui.retry.hidden = !!problem;
    ui.retry.textContent = strings.tryAgain;
    ui.launcher.hidden = ui.status.hidden = !!problem;
    ui.launcher.ariaBusy = String(BUSY.includes(state));
    ui.slot.textContent = this.label || strings.label;
    ui.status.textContent = strings.states[state];
    ui.status.className = state === 'idle' ? 'sr' : '';
  }
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface KaleyraCallElement extends AttributeValues {}

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
