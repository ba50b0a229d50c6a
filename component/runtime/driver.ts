/**
 * The element's behaviour from its first start on (docs/architecture.md,
 * Element code layout): its session membership (session-controller.ts), what
 * it tells the page (events), what it shows of a failure (messages.ts) and the
 * launcher's actions. The element loads the runtime at intent or at a start
 * and makes one driver for itself, which stays its controller from then on.
 * It knows the element only through the door of common/contract.ts: the
 * element's public properties and the `Shell` the element lends it.
 */
import type { Action, Driver, Host, Shell } from '../common/contract.js';
import { KaleyraCallError } from '../common/errors.js';
import {
  KaleyraCallEvent,
  type KaleyraCallEventMap,
  type KaleyraCallState,
} from '../common/events.js';
import type { CallState } from '../common/types.js';
import { act } from './actions.js';
import { callBlocked } from './call-page.js';
import { callStatus, peerName } from './call-status.js';
import { errorView, type ErrorView } from './error-view.js';
import { describe, word } from './messages.js';
import { SessionController } from './session-controller.js';
import { defined, sourceFor } from './source.js';
import { validateConfig } from './validate.js';
import { LABELS, STATES, VISITOR_SETUP, VISITOR_UNAVAILABLE, inLanguage } from './texts.js';
import { sourceKey, type TokenSource } from './token-client.js';

/** Call states during which the launcher brings the call forward instead of starting another. */
const IN_CALL: readonly CallState[] = ['dialing', 'ringing', 'active'];

/** The driver of `host`: made once, when the element's runtime has loaded. */
export const drive = (host: Host, shell: Shell): Driver => new ElementDriver(host, shell);

class ElementDriver implements Driver {
  private readonly _controller: SessionController;
  /** The visitor asked for a call (the launcher, "Try again", or the page's `connect()`). */
  private _gestured = false;
  private _onGesture?: (() => void) | undefined;
  /** The name shown for the call's other participant. */
  private _peer = '';
  private _view?: ErrorView;
  /** The failure the inline error shows. */
  private _shown?: KaleyraCallError;
  private _problem?: KaleyraCallError | undefined;
  /** The last attribute check's finding, to report a problem once. */
  private _checked = '';

  constructor(
    private readonly _host: Host,
    private readonly _shell: Shell,
  ) {
    const session = () => this._controller.session;
    this._controller = new SessionController(_host, {
      blocked: () => this._problem,
      key: () => this._key(),
      source: () =>
        sourceFor(_host, {
          key: this._key(),
          sdkSrc: _shell.sdkSrc(),
          language: _shell.language(),
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
          setState: _shell.setState,
        }),
      onState: _shell.setState,
      onError: (failure) => {
        const error = this.word(failure);
        if (error.fatal) {
          _shell.show(error);
          this._controller.fail(error);
        }
        this.emit(error);
      },
      onReady: (userId) => {
        // The gesture that started this is spent.
        this._gestured = false;
        this._fire('kaleyra-call-ready', { userId });
      },
      onToken: (expiresAt) => this._fire('kaleyra-call-token', { expiresAt }),
      onSdkEvent: (type, payload) => this._fire('kaleyra-call-sdk', { type, payload }),
      onCall: ({ state, peer }) => {
        // The call changed: reflect it, and name the other participant as the page knows them.
        _host.call = state;
        this._peer = peer ?? '';
        // An incoming call this page cannot answer is said as an outgoing one would be.
        const blocked = state === 'ringing' && peer && callBlocked(_host, _shell, { with: peer });
        if (blocked) this._refuse(blocked);
        if (peer && _host.userDetailsProvider) {
          void peerName(_host, peer, session).then((name) => {
            if (name !== undefined) {
              this._peer = name;
              _host.requestUpdate();
            }
          });
        }
      },
      onLeft: (reason) => this.left(reason),
    });
  }

  get joined(): boolean {
    return !!this._controller.session;
  }
  get problem(): KaleyraCallError | undefined {
    return this._problem;
  }
  get userId(): string | undefined {
    return this._controller.session?.userId;
  }
  get expiresAt(): string | undefined {
    return this._controller.session?.token?.expiresAt;
  }
  get client() {
    return this._controller.session?.client;
  }

  left(reason: string): void {
    // A configuration problem keeps the element in `error`.
    if (!this._problem) this._shell.setState('disconnected');
    this._host.call = 'none';
    this._fire('kaleyra-call-disconnected', { reason });
  }

  start(): void {
    // Removed while the runtime loaded: it left before joining.
    if (!this._host.isConnected) return this.left('removed');
    this._controller.start();
  }

  connect(): Promise<void> {
    // A gesture: a guest offer waiting for one may go on (guest.ts).
    this._gestured = true;
    this._onGesture?.();
    return this._controller.connect().catch((error: KaleyraCallError) => {
      throw this.word(error);
    });
  }

  disconnect(): Promise<void> {
    return this._controller.leave('disconnect');
  }

  check(): void {
    const host = this._host;
    // A tokenProvider replaces the endpoint.
    const problem = validateConfig(host, host.tokenProvider ? [] : ['tokenEndpoint']);
    const found = JSON.stringify(problem ?? '');
    if (found === this._checked) return;
    this._checked = found;
    if (problem) {
      const { code, attribute: a, value: v, allowed: l } = problem;
      const error = (this._problem = new KaleyraCallError({
        phase: 'config',
        code,
        params: { a, v, l },
      }));
      void this._controller.leave('reconfigured');
      this._controller.fail(error);
      this._refuse(error);
    } else if (this._problem) {
      this._problem = undefined;
      if (host.state === 'error') this._shell.setState('idle');
    }
  }

  /**
   * During a call the launcher brings the call forward rather than starting
   * another. It uses the element's public methods, as a page would.
   */
  async launch(): Promise<void> {
    const host = this._host;
    const action = IN_CALL.includes(host.call)
      ? 'openWidget'
      : host.callWith
        ? 'startCall'
        : host.chatWith
          ? 'openChat'
          : host.joinUrl
            ? 'joinCall'
            : 'openWidget';
    // A call this page cannot make: nothing is requested (docs/architecture.md, Before a call).
    const blocked = this._blocked(action);
    if (blocked) return this._refuse(blocked);
    try {
      await this.connect();
      await host[action]();
    } catch {
      // Already reported as an error event and shown inline.
    }
  }

  /** The error of `action` (with its argument `a`) when it is a call this page cannot make. */
  private _blocked(action: Action, a?: unknown): KaleyraCallError | undefined {
    const host = this._host;
    return action === 'startCall'
      ? callBlocked(host, this._shell, { with: String((a as string[])?.[0] ?? host.callWith) })
      : action === 'joinCall'
        ? callBlocked(host, this._shell, { join: String(a ?? host.joinUrl) })
        : undefined;
  }

  act(action: Action, a?: unknown, b?: unknown): Promise<unknown> {
    const blocked = this._blocked(action, a);
    if (blocked) {
      this._refuse(blocked);
      return Promise.reject(this.word(blocked));
    }
    const session = this._controller.session;
    if (session?.state !== 'connected') {
      return Promise.reject(
        this.word(new KaleyraCallError({ phase: 'call', code: 'not_connected' })),
      );
    }
    return act(this._host, session, action, a, b).catch((error: KaleyraCallError) => {
      this.emit(error);
      throw this.word(error);
    });
  }

  /** Shows and reports a failure that ends the attempt, not the session. */
  private _refuse(error: KaleyraCallError): void {
    const worded = this.word(error);
    this._shell.show(worded);
    this.emit(worded);
  }

  word(error: KaleyraCallError): KaleyraCallError {
    return word(error, this._shell.language());
  }

  /** The visitor's sentence and the detail of `error`, in the element's language. */
  private _describe(error: KaleyraCallError): { visitor: string; detail: string } {
    const language = this._shell.language();
    return (
      describe(error, language) ?? {
        visitor: inLanguage(
          error.phase === 'config' ? VISITOR_SETUP : VISITOR_UNAVAILABLE,
          language,
        ),
        detail: error.message,
      }
    );
  }

  status(state: KaleyraCallState): string | undefined {
    const language = this._shell.language();
    const { call } = this._host;
    if (state === 'connected' && call !== 'none') return callStatus(call, this._peer, language);
    const texts = STATES[state as keyof typeof STATES];
    return texts && inLanguage(texts, language);
  }

  render(error: KaleyraCallError | undefined): void {
    // Made at the first failure: an element that never fails has none.
    if (!error) {
      if (this._view) this._view.box.hidden = true;
      return;
    }
    const language = this._shell.language();
    this._shown = error;
    const view = (this._view ??= errorView(
      this._host.renderRoot as ShadowRoot,
      () => this.connect().catch(() => {}),
      () => window.open(this._shown?.params.page as string, '_blank', 'noopener'),
    ));
    view.box.hidden = false;
    const { visitor, detail } = this._describe(error);
    view.text.textContent = visitor;
    view.summary.textContent = inLanguage(LABELS.details, language);
    view.detail.textContent = detail;
    view.code.textContent = `${inLanguage(LABELS.code, language)}: ${error.code}`;
    // An attribute problem, or a page that cannot use the camera: trying again cannot help.
    view.retry.hidden =
      !!this._problem || error.code === 'media_blocked' || error.code === 'insecure_context';
    view.retry.textContent = inLanguage(LABELS.tryAgain, language);
    view.open.hidden = !error.params.page;
    view.open.textContent = inLanguage(LABELS.open, language);
  }

  emit(error: KaleyraCallError): void {
    const { phase, code, fatal, status, retryInMs, message } = this.word(error);
    this._fire('kaleyra-call-error', {
      phase,
      code,
      message,
      fatal,
      ...defined({ status, retryInMs }),
    });
  }

  /** Where tokens come from, read afresh for every request (a new `authToken` applies at once). */
  private _tokens(): TokenSource {
    const host = this._host;
    return {
      endpoint: host.tokenEndpoint,
      credentials: host.credentials,
      authToken: host.authToken,
      provider: host.tokenProvider,
    };
  }

  /** What makes a session: another key means another session (docs/architecture.md, Session model). */
  private _key(): string {
    const host = this._host;
    return JSON.stringify([
      host.appId,
      host.region,
      host.environment,
      this._shell.sdkSrc(),
      sourceKey(this._tokens()),
    ]);
  }

  private _fire<K extends keyof KaleyraCallEventMap>(
    type: K,
    detail: KaleyraCallEventMap[K]['detail'],
  ): void {
    this._host.dispatchEvent(new KaleyraCallEvent(type, detail));
  }
}
