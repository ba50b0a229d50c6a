/** The SDK stand-in's control API, `window.__bandyerEmulator` (sandbox/kaleyra-sdk/README.md). */
import type { SdkStandInControl as Control } from '../../../sandbox/kaleyra-sdk/bandyer-sdk.js';

/** As typed beside the stand-in, with the last configure() argument readable field by field. */
export type SdkStandInControl = Omit<Control, 'lastConfig'> & {
  readonly lastConfig: Record<string, unknown> | undefined;
};

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
