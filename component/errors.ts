import type { ErrorPhase } from './events.js';

/**
 * The typed error the element's methods reject with, and the shape behind every
 * `kaleyra-call-error` event. `fatal: false` means the element retries by
 * itself after `retryInMs` (or, for a token request, as docs/architecture.md,
 * Backoff, says). `message` is the detail, in the element's language once the
 * element hands the error over; `params` fill the localized texts (messages.ts)
 * that the element shows.
 */
export class KaleyraCallError extends Error {
  override readonly name = 'KaleyraCallError';
  constructor(
    readonly phase: ErrorPhase,
    readonly code: string,
    message: string,
    readonly fatal = true,
    readonly status?: number,
    readonly retryInMs?: number,
    readonly params?: Record<string, unknown>,
  ) {
    super(message);
  }
}
