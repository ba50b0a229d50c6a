/**
 * The events `<kaleyra-call>` dispatches. Each bubbles and is composed, so a
 * host page can listen on `document`. They are typed in `HTMLElementEventMap`.
 */

export type KaleyraCallState =
  | 'preview'
  | 'idle'
  | 'loading'
  | 'verifying'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'error'
  | 'disconnected';

/** States in which the launcher is busy: a click waits rather than starting again. */
export const BUSY: readonly KaleyraCallState[] = [
  'loading',
  'verifying',
  'connecting',
  'reconnecting',
];

export type ErrorPhase = 'config' | 'token' | 'sdk' | 'connect' | 'refresh' | 'call';

export interface StateDetail {
  state: KaleyraCallState;
  previous: KaleyraCallState;
}
export interface ReadyDetail {
  userId: string;
}
export interface TokenDetail {
  expiresAt: string;
}
export interface ErrorDetail {
  phase: ErrorPhase;
  code: string;
  message: string;
  status?: number;
  retryInMs?: number;
  fatal: boolean;
}
export interface SdkEventDetail {
  type: string;
  payload: unknown;
}
export interface DisconnectedDetail {
  reason: string;
}

/**
 * Every event of the element: bubbles and composed, so a host page can listen
 * on `document`. One class keeps the bundle small; the map below types each.
 */
export class KaleyraCallEvent<T> extends CustomEvent<T> {
  constructor(type: keyof KaleyraCallEventMap, detail: T) {
    super(type, { bubbles: true, composed: true, detail });
  }
}

export type KaleyraCallStateEvent = KaleyraCallEvent<StateDetail>;
export type KaleyraCallReadyEvent = KaleyraCallEvent<ReadyDetail>;
export type KaleyraCallTokenEvent = KaleyraCallEvent<TokenDetail>;
export type KaleyraCallErrorEvent = KaleyraCallEvent<ErrorDetail>;
export type KaleyraCallSdkEvent = KaleyraCallEvent<SdkEventDetail>;
export type KaleyraCallDisconnectedEvent = KaleyraCallEvent<DisconnectedDetail>;

export interface KaleyraCallEventMap {
  'kaleyra-call-state': KaleyraCallStateEvent;
  'kaleyra-call-ready': KaleyraCallReadyEvent;
  'kaleyra-call-token': KaleyraCallTokenEvent;
  'kaleyra-call-error': KaleyraCallErrorEvent;
  'kaleyra-call-sdk': KaleyraCallSdkEvent;
  'kaleyra-call-disconnected': KaleyraCallDisconnectedEvent;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends KaleyraCallEventMap {}
}
