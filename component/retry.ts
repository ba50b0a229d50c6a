import { clock, sleep } from './clock.js';
import { KaleyraCallError } from './errors.js';
import { TokenError } from './token-client.js';

/** SPEC §2: exponential backoff with full jitter, base 1 s, cap 30 s, 6 attempts. */
export const RETRY = { baseMs: 1000, capMs: 30_000, attempts: 6 };

/** Full jitter: a uniform draw in [0, min(cap, base·2^n)). */
export function backoffDelay(retry: number): number {
  return Math.floor(clock.random() * Math.min(RETRY.capMs, RETRY.baseMs * 2 ** retry));
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error occurs or the
 * attempts run out. Before each wait `onRetry` learns the error and the delay.
 * A `Retry-After` is honoured (never shorter than the jittered delay).
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  signal: AbortSignal,
  onRetry: (err: TokenError, delayMs: number) => void,
): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (!(err instanceof TokenError) || !err.retryable) throw err;
      if (n + 1 >= RETRY.attempts) {
        throw new KaleyraCallError(
          err.phase,
          err.code,
          `${err.message} Gave up after ${RETRY.attempts} attempts.`,
          true,
          err.status,
        );
      }
      const delay = Math.max(backoffDelay(n), err.retryAfterMs ?? 0);
      onRetry(err, delay);
      await sleep(delay, signal);
    }
  }
}
