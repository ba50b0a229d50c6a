/**
 * The "server side" state shared by the SDK surface and its control API (control-api.js): how
 * the server it plays behaves, the current client, and the log of the page's SDK calls.
 */
export const RING_TIMEOUT_MS = 45_000;

const initial = () => ({
  calls: [],
  lastConfig: undefined,
  current: null, // the ClientEngine behind the current client
  last: null, // the latest engine, kept after destroyClient for listenerCount()
  lastCallSession: null,
  connectBehavior: 'auto',
  updateBehavior: 'auto',
  signingSecret: null,
  pushLeadMs: null,
  expectedAppId: null,
  ringTimeoutMs: RING_TIMEOUT_MS,
});

export const control = initial();

/** Back to the state of a fresh page. */
export function resetControl() {
  Object.assign(control, initial());
}

/** Records a method call of the page for `__bandyerEmulator.calls`. */
export function record(method, args) {
  control.calls.push({ method, args: [...args] });
}
