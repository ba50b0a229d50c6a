/**
 * The events `<kaleyra-call>` dispatches. Each bubbles and is composed, so a
 * host page can listen on `document`. They are typed in `HTMLElementEventMap`.
 */

export type KaleyraCallState =
  'idle' | 'loading' | 'connecting' | 'connected' | 'reconnecting' | 'error' | 'disconnected';

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

const init = { bubbles: true, composed: true } as const;

export class KaleyraCallStateEvent extends CustomEvent<StateDetail> {
  constructor(detail: StateDetail) {
    super('kaleyra-call-state', { ...init, detail });
  }
}
export class KaleyraCallReadyEvent extends CustomEvent<ReadyDetail> {
  constructor(detail: ReadyDetail) {
    super('kaleyra-call-ready', { ...init, detail });
  }
}
export class KaleyraCallTokenEvent extends CustomEvent<TokenDetail> {
  constructor(detail: TokenDetail) {
    super('kaleyra-call-token', { ...init, detail });
  }
}
export class KaleyraCallErrorEvent extends CustomEvent<ErrorDetail> {
  constructor(detail: ErrorDetail) {
    super('kaleyra-call-error', { ...init, detail });
  }
}
export class KaleyraCallSdkEvent extends CustomEvent<SdkEventDetail> {
  constructor(detail: SdkEventDetail) {
    super('kaleyra-call-sdk', { ...init, detail });
  }
}
export class KaleyraCallDisconnectedEvent extends CustomEvent<DisconnectedDetail> {
  constructor(detail: DisconnectedDetail) {
    super('kaleyra-call-disconnected', { ...init, detail });
  }
}

declare global {
  interface HTMLElementEventMap {
    'kaleyra-call-state': KaleyraCallStateEvent;
    'kaleyra-call-ready': KaleyraCallReadyEvent;
    'kaleyra-call-token': KaleyraCallTokenEvent;
    'kaleyra-call-error': KaleyraCallErrorEvent;
    'kaleyra-call-sdk': KaleyraCallSdkEvent;
    'kaleyra-call-disconnected': KaleyraCallDisconnectedEvent;
  }
}
