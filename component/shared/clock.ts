/**
 * Every timer and random draw the element makes goes through this object, so
 * tests can run a controlled clock (and so a reader can find every timer).
 */
export const clock = {
  now: (): number => Date.now(),
  setTimeout: (fn: () => void, ms: number): number =>
    globalThis.setTimeout(fn, ms) as unknown as number,
  clearTimeout: (id: number | undefined): void => globalThis.clearTimeout(id),
  random: (): number => Math.random(),
};

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(id);
      reject(signal!.reason);
    };
    const id = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
