import type { ErrorPhase } from './events.js';

/**
 * The typed error the element's methods reject with, and the shape behind every
 * `kaleyra-call-error` event.
 */
export class KaleyraCallError extends Error {
  override readonly name = 'KaleyraCallError';
  constructor(
    readonly phase: ErrorPhase,
    readonly code: string,
    message: string,
    /** The element will not retry by itself. */
    readonly fatal = true,
    readonly status?: number,
    /** When set, the element retries after this many milliseconds. */
    readonly retryInMs?: number,
  ) {
    super(message);
  }
}

/**
 * The SDK rejects with `Error`s whose `name` is the code, with `{code}`, and in
 * some cases (updateAccessToken with another user's token) with a raw object:
 * take what is there.
 */
export function sdkErrorCode(err: unknown, fallback: string): string {
  if (err && typeof err === 'object') {
    const { code, name, message } = err as { code?: unknown; name?: unknown; message?: unknown };
    for (const candidate of [code, name, message]) {
      if (
        typeof candidate === 'string' &&
        /^[a-z][a-z0-9_]*$/.test(candidate) &&
        candidate !== 'error'
      ) {
        return candidate;
      }
    }
  }
  return fallback;
}

export function sdkErrorMessage(err: unknown): string {
  if (
    err &&
    typeof err === 'object' &&
    typeof (err as { message?: unknown }).message === 'string'
  ) {
    return (err as { message: string }).message;
  }
  return String(err);
}
