/**
 * Timers and listeners a widget sets: each sits in its widget's bag, so `remove()` and `reset()`
 * clear them, and in a page-wide set, so tests can count them (`__turnstileStandIn`).
 */

export const pendingTimers = new Set();
export const liveListeners = new Set();

/** @param {Set<object>} bag @param {number} ms @param {() => void} fn */
export function schedule(bag, ms, fn) {
  const entry = { kind: 'timer', handle: 0 };
  entry.handle = setTimeout(
    () => {
      pendingTimers.delete(entry);
      bag.delete(entry);
      fn();
    },
    Math.max(0, ms),
  );
  pendingTimers.add(entry);
  bag.add(entry);
}

/** @param {Set<object>} bag @param {EventTarget} target @param {string} type @param {(event: Event) => void} fn */
export function listen(bag, target, type, fn) {
  const entry = { kind: 'listener', target, type, fn };
  target.addEventListener(type, fn);
  liveListeners.add(entry);
  bag.add(entry);
}

/** Clears every timer and listener in the bag. @param {Set<any>} bag */
export function clearBag(bag) {
  for (const entry of bag) {
    if (entry.kind === 'timer') {
      clearTimeout(entry.handle);
      pendingTimers.delete(entry);
    } else {
      entry.target.removeEventListener(entry.type, entry.fn);
      liveListeners.delete(entry);
    }
  }
  bag.clear();
}

/** Clears only the timers (a reset keeps the widget's listeners). @param {Set<any>} bag */
export function clearTimers(bag) {
  for (const entry of bag) {
    if (entry.kind !== 'timer') continue;
    clearTimeout(entry.handle);
    pendingTimers.delete(entry);
    bag.delete(entry);
  }
}
