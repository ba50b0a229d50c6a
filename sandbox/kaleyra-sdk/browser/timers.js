/**
 * Timers: every stand-in timer sits in a bag, so disconnect can clear them, and in
 * `pendingTimers`, so tests can count them (`__bandyerEmulator.activeTimers()`).
 */

const MAX_DELAY = 2 ** 31 - 1; // setTimeout's limit

export const pendingTimers = new Set();

export function schedule(bag, ms, fn) {
  const entry = { handle: 0 };
  entry.handle = setTimeout(
    () => {
      pendingTimers.delete(entry);
      bag.delete(entry);
      fn();
    },
    Math.min(Math.max(0, ms), MAX_DELAY),
  );
  pendingTimers.add(entry);
  bag.add(entry);
}

/** Like schedule, at a wall-clock time; re-arms past setTimeout's 24.8-day limit. */
export function scheduleAt(bag, epochMs, fn) {
  const wait = epochMs - Date.now();
  if (wait > MAX_DELAY) schedule(bag, MAX_DELAY, () => scheduleAt(bag, epochMs, fn));
  else schedule(bag, wait, fn);
}

export function cancelAll(bag) {
  for (const entry of bag) {
    clearTimeout(entry.handle);
    pendingTimers.delete(entry);
  }
  bag.clear();
}
