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
