import { clock } from '../common/clock.js';
import { KaleyraCallError } from '../common/errors.js';
import { sleep } from './abort.js';
import { initOf } from './messages.js';

/** docs/architecture.md, Backoff: exponential backoff with full jitter, base 1 s, cap 30 s, 6 attempts. */
export const ATTEMPTS = 6;

/** Full jitter: a uniform draw in [0, min(30 s, 1 s · 2^retry)). */
export const backoffDelay = (retry: number): number =>
  Math.floor(clock.random() * Math.min(30_000, 1000 * 2 ** retry));

/**
 * Runs `attempt` until it succeeds, fails for good (a fatal error) or the
 * attempts run out. Before each wait `onRetry` learns the error and the delay.
 * A `Retry-After` is honoured (never shorter than the jittered delay).
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  signal: AbortSignal,
  onRetry: (err: KaleyraCallError, delayMs: number) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (!(err instanceof KaleyraCallError) || err.fatal) throw err;
      if (n >= ATTEMPTS) {
        // The detail says how many attempts were made (runtime/messages.ts).
        throw new KaleyraCallError({
          ...initOf(err),
          fatal: true,
          retryInMs: undefined,
          params: { ...err.params, attempts: n },
        });
      }
      const delay = Math.max(backoffDelay(n - 1), err.retryInMs ?? 0);
      onRetry(err, delay);
      await sleep(delay, signal);
    }
  }
}
