/** The SDK stand-in's test control API, `window.__bandyerEmulator` (see sandbox/kaleyra-sdk/). */

export interface SdkStandInControl {
  calls: { method: string; args: unknown[] }[];
  count(method: string): number;
  lastConfig: Record<string, unknown> | undefined;
  setConnectBehavior(b: 'auto' | 'hang' | { reject: string } | { delayMs: number }): void;
  setUpdateBehavior(b: 'auto' | 'hang' | { reject: string }): void;
  emit(event: string, payload?: unknown): void;
  aboutToExpire(): void;
  expire(): void;
  forceDisconnect(reason?: string): void;
  incomingCall(fromUserId: string): void;
  setRingTimeoutMs(ms: number): void;
  client: { listenerCount?(event: string): number } | null;
  listenerCount(): number;
  activeTimers(): number;
  reset(): void;
}

declare global {
  interface Window {
    __bandyerEmulator?: SdkStandInControl;
  }
}

export function sdkStandIn(): SdkStandInControl {
  const control = window.__bandyerEmulator;
  if (!control) throw new Error('the SDK stand-in is not loaded');
  return control;
}
