/**
 * The one door between the element's two rooms (docs/architecture.md, Element
 * code layout): the facade (kaleyra-call.ts and facade/, what a page loads
 * before intent) and the runtime (runtime/, loaded at intent or at a start).
 * Types only, like the worker's env.ts: both rooms import it, neither imports
 * the other, and in the CDN build it adds no code to either file.
 *
 * In the CDN build the two rooms are two files minified apart, whose private
 * names differ: across this door only public names are used.
 */
import type { AttributeValues } from './attributes.js';
import type { KaleyraCallError } from './errors.js';
import type { KaleyraCallState } from './events.js';
import type { BandyerClient } from './sdk.js';
import type { AuthToken, CallState, Language, TokenProvider } from './types.js';

/** The element as the runtime sees it: its public properties and the DOM it lives in. */
export interface Host extends HTMLElement, AttributeValues {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly state: KaleyraCallState;
  call: CallState;
  authToken?: AuthToken | undefined;
  tokenProvider?: TokenProvider | undefined;
  layout?: Record<string, unknown> | undefined;
  userDetailsProvider?: ((userIds: string[]) => Promise<object[]>) | undefined;
  userDetailsFormatter?: ((user: object) => string) | undefined;
  connectTimeout: number;
  /**
   * The element's SDK actions, as public methods: the launcher calls these, so
   * that a page (or a subclass) that wraps one sees the launcher's use too.
   */
  startCall(userIds?: string[], options?: Record<string, unknown>): Promise<unknown>;
  openChat(userId?: string): Promise<unknown>;
  joinCall(url?: string): Promise<unknown>;
  openWidget(): Promise<boolean>;
  requestUpdate(): void;
  addController(controller: {
    hostConnected?(): void;
    hostDisconnected?(): void;
    hostUpdate?(): void;
  }): void;
}

/** What the facade lends the runtime beside the element's public properties. */
export interface Shell {
  /** The element's language (its `language`, else the page's `lang`). */
  language(): Language;
  /** The SDK's URL, resolved against the page. */
  sdkSrc(): string;
  setState(state: KaleyraCallState): void;
  /** Shows `error` inline (state `error`). */
  show(error: KaleyraCallError): void;
  /**
   * Why a call cannot start on this page (`insecure_context`, or the feature
   * its Permissions Policy refuses: `camera`, `microphone`); undefined when it can.
   */
  media(audioOnly: boolean): string | undefined;
}

/** The element's SDK actions (its public methods of the same names). */
export type Action = 'startCall' | 'openChat' | 'joinCall' | 'openWidget' | 'closeWidget';

/**
 * The element's behaviour from its first start on: one per element, made by
 * the runtime when it has loaded. The facade decides when a session starts
 * (the `connect` modes, the visibility observer, the stop flag); the driver
 * holds the session membership, rejoins after a change of setup, releases on
 * removal, and words every failure in the element's language.
 */
export interface Driver {
  /** The element belongs to a session (a start is under way, or it is connected). */
  readonly joined: boolean;
  /** The attribute problem that keeps the element from starting, if any (see `check`). */
  readonly problem: KaleyraCallError | undefined;
  readonly userId: string | undefined;
  readonly expiresAt: string | undefined;
  readonly client: BandyerClient | undefined;
  /** Starts as a `connect` mode does: no gesture, so a guest offer waits for one. */
  start(): void;
  /** Starts now, as the visitor or the page asked; resolves when connected. */
  connect(): Promise<void>;
  /** The launcher's activation: start if needed, then do what the attributes ask. */
  launch(): Promise<void>;
  /** An SDK action on the live client; rejects with the worded error. */
  act(action: Action, a?: unknown, b?: unknown): Promise<unknown>;
  /** Leaves the session (the element's `disconnect()`); resolves after teardown. */
  disconnect(): Promise<void>;
  /** The element left before joining (removed, or `disconnect()`, while the runtime loaded). */
  left(reason: string): void;
  /**
   * Checks the element's attributes (at its first update with the runtime, and
   * at every update after): a new problem leaves the session, refuses the
   * waiting `connect()`s and is shown and reported; a fixed one is cleared.
   */
  check(): void;
  /** `error` with its message worded in the element's language. */
  word(error: KaleyraCallError): KaleyraCallError;
  /** Reports `error` as a `kaleyra-call-error` event, worded. */
  emit(error: KaleyraCallError): void;
  /** Shows `error` in the inline error, or hides it. */
  render(error: KaleyraCallError | undefined): void;
  /** The status line in `state`, during a call the call's ("Calling Dr. Rossi…"). */
  status(state: KaleyraCallState): string | undefined;
}

/** What a runtime file exports. */
export interface Runtime {
  drive(host: Host, shell: Shell): Driver;
}
