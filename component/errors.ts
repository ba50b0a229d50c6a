import type { ErrorPhase } from './events.js';

/**
 * The typed error the element's methods reject with, and the shape behind every
 * `kaleyra-call-error` event. `fatal: false` means the element retries by
 * itself after `retryInMs` (or, for a token request, as docs/architecture.md, Backoff, says).
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
  ) {
    super(message);
  }
}

/**
 * Normalises what the SDK rejects with: `Error`s named after their code, `{code}`
 * objects, and (updateAccessToken with another user's token) raw server objects.
 */
export function fromSdk(err: unknown, phase: ErrorPhase, fallback: string): KaleyraCallError {
  if (err instanceof KaleyraCallError) return err;
  const { code, name, message } = (err ?? {}) as Record<string, unknown>;
  const id = [code, name, message].find(
    (c): c is string => typeof c === 'string' && /^[a-z][a-z0-9_]*$/.test(c) && c !== 'error',
  );
  return new KaleyraCallError(
    phase,
    id ?? fallback,
    typeof message === 'string' ? message : String(err),
  );
}
