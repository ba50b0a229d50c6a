/**
 * The element's behaviour from its first start on (docs/architecture.md,
 * Element code layout): its session membership (session-controller.ts), what
 * it tells the page (events), what it shows of a failure (messages.ts) and the
 * launcher's actions. Part of the runtime: the element (kaleyra-call.ts) loads
 * the runtime at intent or at a start and makes one driver for itself, which
 * stays its controller from then on. In the CDN build the element and the
 * runtime are two files, minified apart, whose private names differ: the
 * driver reads the element's public properties, and the element lends it the
 * rest as a `Shell` whose members are public names.
 */
import { KaleyraCallError } from './errors.js';
import {
  act,
  callStatus,
  checkError,
  defined,
  peerName,
  sourceFor,
  type Action,
} from './element-runtime.js';
import { KaleyraCallEvent, type KaleyraCallEventMap, type KaleyraCallState } from './events.js';
import type { Language } from './i18n.js';
import type { KaleyraCallElement } from './kaleyra-call.js';
import { describe } from './messages.js';
import { SessionController } from './session-controller.js';
import type { CallState } from './session.js';
import { errorView, type ErrorView } from './error-view.js';
import { LABELS, STATES, VISITOR_SETUP, VISITOR_UNAVAILABLE, inLanguage } from './texts.js';
import { sourceKey, type TokenSource } from './token-client.js';

/** What the element lends its driver. */
export interface Shell {
  /** The element's language (its `language`, else the page's `lang`). */
  language(): Language;
  /** The SDK's URL, resolved against the page. */
  sdkSrc(): string;
  /** The error of the attribute problem that keeps the element from starting, if any. */
  blocked(): KaleyraCallError | undefined;
  setState(state: KaleyraCallState): void;
  /** Shows `error` inline (state `error`). */
  show(error: KaleyraCallError): void;
}

/** Call states during which the launcher brings the call forward instead of starting another. */
const IN_CALL: readonly CallState[] = ['dialing', 'ringing', 'active'];

/** The driver of `el`: made once, when the element's runtime has loaded. */
export const drive = (el: KaleyraCallElement, shell: Shell): Driver => new Driver(el, shell);

export class Driver {
  readonly controller: SessionController;
  /** The visitor asked for a call (the launcher, "Try again", or the page's `connect()`). */
  private _gestured = false;
  private _onGesture?: (() => void) | undefined;
  /** The name shown for the call's other participant. */
  private _peer = '';
  private _view?: ErrorView;

  constructor(
    private readonly _el: KaleyraCallElement,
    private readonly _shell: Shell,
  ) {
    const session = () => this.controller.session;
    this.controller = new SessionController(_el, {
      blocked: _shell.blocked,
      key: () => this._key(),
      source: () =>
        sourceFor(_el, {
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
        const error = this._worded(failure);
        if (error.fatal) {
          _shell.show(error);
          this.controller.fail(error);
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
        _el.call = state;
        this._peer = peer ?? '';
        if (peer && _el.userDetailsProvider) {
          void peerName(_el, peer, session).then((name) => {
            if (name !== undefined) {
              this._peer = name;
              _el.requestUpdate();
            }
          });
        }
      },
      onLeft: (reason) => this.left(reason),
    });
  }

  /** The element left its session, or left before joining one. */
  left(reason: string): void {
    // A configuration problem keeps the element in `error`.
    if (!this._shell.blocked()) this._shell.setState('disconnected');
    this._el.call = 'none';
    this._fire('kaleyra-call-disconnected', { reason });
  }

  /** Starts as the `connect` mode does (no gesture: a guest offer waits for one). */
  start(): void {
    // Removed while the runtime loaded: it left before joining.
    if (!this._el.isConnected) return this.left('removed');
    this.controller.start();
  }

  /** Starts now, as asked by the visitor or the page; resolves when connected. */
  connect(): Promise<void> {
    // A gesture: a guest offer waiting for one may go on (guest.ts).
    this._gestured = true;
    this._onGesture?.();
    return this.controller.connect();
  }

  /**
   * Launcher activation: start if needed, then do what the attributes ask.
   * During a call it brings the call forward rather than starting another.
   */
  async launch(): Promise<void> {
    const el = this._el;
    try {
      await this.connect();
      await (IN_CALL.includes(el.call)
        ? el.openWidget()
        : el.callWith
          ? el.startCall()
          : el.chatWith
            ? el.openChat()
            : el.joinUrl
              ? el.joinCall()
              : el.openWidget());
    } catch {
      // Already reported as an error event and shown inline.
    }
  }

  /**
   * Runs an SDK action on the live client (element-runtime.ts); a failure
   * rejects typed and fires an error event.
   */
  act(action: Action, a?: unknown, b?: unknown): Promise<unknown> {
    const session = this.controller.session;
    return session?.state === 'connected'
      ? act(this._el, session, action, (error) => this.emit(error), a, b).catch((error) => {
          throw this._worded(error as KaleyraCallError);
        })
      : Promise.reject(checkError('not_connected'));
  }

  /** `error` with its detail in the element's language as its message. */
  private _worded(error: KaleyraCallError): KaleyraCallError {
    const { phase, code, fatal, status, retryInMs, params } = error;
    const { detail } = this.describe(error);
    return detail === error.message
      ? error
      : new KaleyraCallError(phase, code, detail, fatal, status, retryInMs, params);
  }

  /** The visitor's sentence and the detail of `error`, in the element's language. */
  describe(error: KaleyraCallError): { visitor: string; detail: string } {
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

  /** The status line in `state`: during a call, the call's ("Calling Dr. Rossi…"). */
  status(state: KaleyraCallState): string | undefined {
    const language = this._shell.language();
    const { call } = this._el;
    if (state === 'connected' && call !== 'none') return callStatus(call, this._peer, language);
    const texts = STATES[state as keyof typeof STATES];
    return texts && inLanguage(texts, language);
  }

  /**
   * Shows `error` in the inline error (error-view.ts), or hides it; `fixable`
   * false (an attribute problem: the page must be fixed) offers no "Try again".
   */
  render(error: KaleyraCallError | undefined, fixable: boolean): void {
    // Made at the first failure: an element that never fails has none.
    if (!error) {
      if (this._view) this._view.box.hidden = true;
      return;
    }
    const language = this._shell.language();
    const view = (this._view ??= errorView(this._el.renderRoot as ShadowRoot, () => {
      this.connect().catch(() => {});
    }));
    view.box.hidden = false;
    const { visitor, detail } = this.describe(error);
    view.text.textContent = visitor;
    view.summary.textContent = inLanguage(LABELS.details, language);
    view.detail.textContent = detail;
    view.code.textContent = `${inLanguage(LABELS.code, language)}: ${error.code}`;
    view.retry.hidden = !fixable;
    view.retry.textContent = inLanguage(LABELS.tryAgain, language);
  }

  /** Reports `error` as a `kaleyra-call-error` event, its message in the element's language. */
  emit(error: KaleyraCallError): void {
    const { phase, code, fatal, status, retryInMs } = error;
    this._fire('kaleyra-call-error', {
      phase,
      code,
      message: this.describe(error).detail,
      fatal,
      ...defined({ status, retryInMs }),
    });
  }

  /** Where tokens come from, read afresh for every request (a new `authToken` applies at once). */
  private _tokens(): TokenSource {
    const el = this._el;
    return {
      endpoint: el.tokenEndpoint,
      credentials: el.credentials,
      authToken: el.authToken,
      provider: el.tokenProvider,
    };
  }

  /** What makes a session: another key means another session (docs/architecture.md, Session model). */
  private _key(): string {
    const el = this._el;
    return JSON.stringify([
      el.appId,
      el.region,
      el.environment,
      this._shell.sdkSrc(),
      sourceKey(this._tokens()),
    ]);
  }

  private _fire<K extends keyof KaleyraCallEventMap>(
    type: K,
    detail: KaleyraCallEventMap[K]['detail'],
  ): void {
    this._el.dispatchEvent(new KaleyraCallEvent(type, detail));
  }
}
