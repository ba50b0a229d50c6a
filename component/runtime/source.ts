/**
 * What an element's session is made from (docs/kaleyra-sdk-notes.md,
 * configure): the element's attributes as `BandyerSDK.configure` expects them,
 * and where its tokens come from, a guest's included (guest.ts). It reads only
 * the element's public properties (common/contract.ts).
 */
import { words } from './validate.js';
import type { Host } from '../common/contract.js';
import type { KaleyraCallState } from '../common/events.js';
import type { Language } from '../common/types.js';
import { guestToken } from './guest.js';
import type { SessionSource } from './session.js';
import type { TokenSource } from './token-client.js';

/** What the element lends the session beside its public properties. */
export interface ElementParts {
  key: string;
  sdkSrc: string;
  language: Language;
  /** Where tokens come from, read afresh for every request (a new `authToken` applies at once). */
  tokens(): TokenSource;
  /** Resolves on the visitor's gesture (guest.ts). */
  gesture(): Promise<void>;
  setState(state: KaleyraCallState): void;
}

/** What the session of `host` is made from. */
export function sourceFor(host: Host, parts: ElementParts): SessionSource {
  const { key, sdkSrc, language } = parts;
  return {
    key,
    sdkSrc,
    sdkIntegrity: host.sdkIntegrity || undefined,
    connectTimeoutMs: host.connectTimeout,
    getToken: (signal) =>
      guestToken(parts.tokens(), signal, {
        element: host,
        // An element given authToken or tokenProvider is a signed-in integration.
        allowed: host.guest !== 'off' && !host.authToken && !host.tokenProvider,
        challengeSrc: host.challengeSrc || undefined,
        language,
        gesture: parts.gesture,
        onWaiting: () => parts.setState('idle'),
        onVerifying: () => parts.setState('verifying'),
      }),
    // The app, region and environment the page did not set come with the token.
    config: {
      appId: host.appId || undefined,
      region: host.region || undefined,
      environment: host.environment || undefined,
      hidden: host.widgetHidden,
      recordingType: host.recordingType,
      callType: host.callType,
      mode: host.mode,
      language,
      tools: Object.fromEntries(words(host.tools).map((tool) => [tool, true])),
      feedback: host.feedback,
      ...defined({
        virtualBackground: host.virtualBackground,
        layout: host.layout,
        userDetailsProvider: host.userDetailsProvider,
        userDetailsFormatter: host.userDetailsFormatter,
      }),
    },
  };
}

/** `values` without its undefined entries. */
export function defined<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
