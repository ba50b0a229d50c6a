/**
 * The page around the element: mounting it for a fake backend, its launcher, the page put back
 * as new between tests (freshPage), and what the page fetches.
 */
import type { KaleyraCallElement } from '../../../component/kaleyra-call.js';
import '../../../component/define.js';
import { restoreClock } from './clock.js';
import type { Fake } from './fake-backend.js';
import { nextTask } from './waits.js';

const restorers: (() => void)[] = [];

/**
 * Forget every SDK, session and script from earlier tests, as a new page
 * would: the SDK global, the loader's per-URL cache, the session registry.
 */
export async function freshPage(): Promise<void> {
  restoreClock();
  for (const restore of restorers.splice(0)) restore();
  for (const el of document.querySelectorAll('kaleyra-call')) el.remove();
  await nextTask();
  const g = globalThis as unknown as Record<symbol, { teardown?: Promise<void> } | undefined>;
  await g[Symbol.for('kaleyra-call.sessions')]?.teardown;
  window.__bandyerEmulator?.reset();
  delete window.BandyerSDK;
  delete window.__bandyerEmulator;
  delete g[Symbol.for('kaleyra-call.sdk-loads')];
  delete g[Symbol.for('kaleyra-call.sessions')];
  for (const s of document.querySelectorAll('script[src*="/fake/"]')) s.remove();
  for (const d of document.querySelectorAll('#Bandyer-bandyer-chat-widget')) d.remove();
}

export interface Mount {
  endpoint?: string;
  sdk?: string;
  connect?: string;
  attrs?: Record<string, string>;
}

/** Creates and attaches `<kaleyra-call>` for a fake backend. */
export function mount(f: Fake, options: Omit<Mount, 'endpoint' | 'sdk'> = {}): KaleyraCallElement {
  const el = document.createElement('kaleyra-call');
  el.setAttribute('app-id', 'wAppId_test');
  el.setAttribute('token-endpoint', f.token);
  el.setAttribute('sdk-src', f.sdk);
  el.setAttribute('connect', options.connect ?? 'auto');
  for (const [name, value] of Object.entries(options.attrs ?? {})) el.setAttribute(name, value);
  // A connect that never settles fails after 2 s (on the fake clock, when one is installed).
  el.connectTimeout = 2000;
  document.body.append(el);
  return el;
}

/**
 * Every request the page fetches from now on, as the Request it makes (fetch
 * itself runs as usual). freshPage() stops watching.
 */
export function watchFetch(): Request[] {
  const requests: Request[] = [];
  const fetch = window.fetch;
  window.fetch = (input, init) => {
    requests.push(new Request(input, init));
    return fetch(input, init);
  };
  restorers.push(() => (window.fetch = fetch));
  return requests;
}

/** Decodes a JWT payload (tests only; no verification). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part)) as Record<string, unknown>;
}

/** The element's launcher button. */
export const launcher = (el: HTMLElement) =>
  el.shadowRoot!.querySelector<HTMLButtonElement>('button[part="launcher"]')!;

/**
 * Pushes whatever is appended to the body below the fold (for `connect="visible"`);
 * the returned function undoes it.
 */
export function belowTheFold(): () => void {
  const spacer = document.createElement('div');
  spacer.style.height = '300vh';
  document.body.prepend(spacer);
  return () => {
    spacer.remove();
    window.scrollTo(0, 0);
  };
}
