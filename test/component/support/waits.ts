/**
 * Waiting for what proves a thing happened: an element state, an event, a polled condition,
 * an intersection. Their timeouts run on real timers, captured before any test replaces them.
 */
import type { KaleyraCallState } from '../../../component/common/events.js';
import type { KaleyraCallElement } from '../../../component/kaleyra-call.js';

const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);

/** Resolves when the element reaches `state` (now or later). */
export function untilState(
  el: KaleyraCallElement,
  state: KaleyraCallState,
  timeoutMs = 5000,
): Promise<void> {
  if (el.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = realSetTimeout(() => {
      el.removeEventListener('kaleyra-call-state', onState);
      reject(new Error(`state stayed "${el.state}", expected "${state}"`));
    }, timeoutMs);
    const onState = () => {
      if (el.state !== state) return;
      realClearTimeout(timer);
      el.removeEventListener('kaleyra-call-state', onState);
      resolve();
    };
    el.addEventListener('kaleyra-call-state', onState);
  });
}

/** Collects every event of `type` dispatched on `el`. */
export function record<K extends keyof HTMLElementEventMap>(
  el: EventTarget,
  type: K,
): HTMLElementEventMap[K][] {
  const events: HTMLElementEventMap[K][] = [];
  el.addEventListener(type, (e) => events.push(e as HTMLElementEventMap[K]));
  return events;
}

/** Resolves after the tasks queued so far (one turn of the event loop). */
export const nextTask = () => new Promise<void>((r) => realSetTimeout(r, 0));

/**
 * Polls `check` (every task, then every 10 ms) until it returns a truthy value,
 * and resolves with it; rejects after `timeoutMs`. For states that fire no event.
 */
export async function until<T>(
  check: () => T | Promise<T>,
  what = String(check),
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; ; round++) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((r) => realSetTimeout(r, round < 5 ? 0 : 10));
  }
}

/**
 * Resolves with the first IntersectionObserver entry for `el`. Observers are
 * notified in the order they were made, so by then an observer that the
 * element made earlier has seen the same.
 */
export function firstIntersection(el: Element): Promise<IntersectionObserverEntry> {
  return new Promise((resolve) => {
    const observer = new IntersectionObserver(([entry]) => {
      observer.disconnect();
      resolve(entry!);
    });
    observer.observe(el);
  });
}
