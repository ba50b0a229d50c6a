/**
 * Host pages as they really are, for the tests of the CDN bundle in the page
 * that loads it: a page served by the fake backend (/fake/<id>/page, with its
 * own headers: a CSP, a Permissions-Policy), shown in a frame of this page,
 * same-origin, cross-origin (the server also answers on the other loopback
 * name), sandboxed (an opaque origin) or on this machine's network address (not
 * a secure context). The page loads the built files byte for byte
 * (/fake/raw/dist/…, test/support/distribution.mjs; needs `npm run build`).
 *
 * A page whose `<head>` starts with `agentScript()` records what it requests
 * and what its elements report, and runs the functions the test posts to it
 * (`remote`), which is how a test reaches a cross-origin frame.
 */
import { expect } from '@open-wc/testing';
import type { KaleyraCallElement } from '../../../component/kaleyra-call.js';
import type { KaleyraCallEventMap, KaleyraCallState } from '../../../component/common/events.js';
import { FakeClock } from './clock.js';
import { Fake, type Script } from './fake-backend.js';
import type { SdkStandInControl } from './sdk-stand-in.js';

/** The classic CDN file and the ES module one, as the server gives them byte for byte. */
export const BUNDLE = '/fake/raw/dist/kaleyra-call.iife';
export const MODULE = '/fake/raw/dist/kaleyra-call';

/** This page's origin under its other loopback name: the same server, another origin. */
export const otherOrigin = (): string =>
  `${location.protocol}//${location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1'}:${location.port}`;

/** What the agent saw in its page since it started. */
export interface Seen {
  /** Every request the page began: `fetch <url>`, `script <url>`, `<rel> <url>` (a link). See `requests()`. */
  requests: string[];
  /** The detail of every `kaleyra-call-error` of the page's elements. */
  errors: KaleyraCallEventMap['kaleyra-call-error']['detail'][];
  /** `window.open`'s arguments, each time (it opens nothing here). */
  opened: unknown[][];
  /** `securitypolicyviolation`s: `<directive> <blocked URL>`. */
  violations: string[];
  /** Uncaught errors' messages. */
  uncaught: string[];
}

/** The inline error as the visitor and the editor see it. */
export interface Shown {
  visitor: string;
  detail: string;
  code: string;
  retry: boolean;
  open: boolean;
  openText: string;
}

/** What the agent lends the functions a test runs in its page. */
export interface AgentApi {
  seen: Seen;
  /**
   * Every request the page began so far, `<how> <path>` (`fetch`, `script`, or a link's
   * `rel`), elements added a moment ago included.
   */
  requests(): string[];
  /** The page's element (the first `kaleyra-call`, or the first match of `selector`). */
  el(selector?: string): KaleyraCallElement;
  launcher(el: Element): HTMLButtonElement;
  status(el: Element): string;
  /** The inline error, or null while there is none. */
  shown(el: Element): Shown | null;
  /** Presses `el`'s "Open in a new window"; returns window.open's arguments so far. */
  pressOpen(el: Element): unknown[][];
  /** Polls `check` until it is truthy (7 s at most, within a test's 10). */
  until<T>(check: () => T, what?: string): Promise<T>;
  untilState(el: KaleyraCallElement, state: KaleyraCallState): Promise<void>;
  /** The resources the page fetched, by path (the Resource Timing entries). */
  fetched(): string[];
  /** The SDK stand-in's control API, once the SDK has loaded. */
  sdk(): SdkStandInControl;
  /**
   * A pointer resting on `el`'s launcher: enters it, then runs at once what the bundle
   * timed for later (as if the time had passed). Returns the delays it asked for.
   */
  rest(el: Element): number[];
}

type AgentWindow = Window & { kaleyraTestAgent: AgentApi };

/** The agent: runs first in its page (`agentScript`). Self-contained: it is sent as source text. */
function agent(): void {
  const realFetch = window.fetch.bind(window);
  const realSetTimeout = window.setTimeout.bind(window);
  const seen: Seen = { requests: [], errors: [], opened: [], violations: [], uncaught: [] };
  window.fetch = (input, init) => {
    seen.requests.push(`fetch ${new Request(input, init).url}`);
    return realFetch(input, init);
  };
  const note = (records: MutationRecord[]) => {
    for (const node of records.flatMap((r) => [...r.addedNodes])) {
      if (node instanceof HTMLScriptElement && node.src) seen.requests.push(`script ${node.src}`);
      if (node instanceof HTMLLinkElement) seen.requests.push(`${node.rel} ${node.href}`);
    }
  };
  const observer = new MutationObserver(note);
  observer.observe(document, { childList: true, subtree: true });
  window.open = (...args: unknown[]) => {
    seen.opened.push(args);
    return null;
  };
  document.addEventListener('kaleyra-call-error', (e) =>
    seen.errors.push((e as CustomEvent<Seen['errors'][number]>).detail),
  );
  document.addEventListener('securitypolicyviolation', (e) =>
    seen.violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
  );
  addEventListener('error', (e) => seen.uncaught.push(e.message));
  const until = async <T>(check: () => T, what = String(check)): Promise<T> => {
    const deadline = Date.now() + 7_000;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => realSetTimeout(resolve, 10));
    }
  };
  const part = (el: Element, name: string) =>
    el.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`);
  const api: AgentApi = {
    seen,
    requests() {
      note(observer.takeRecords());
      return seen.requests.map((request) => {
        const [kind, url] = request.split(' ') as [string, string];
        return `${kind} ${new URL(url).pathname}`;
      });
    },
    el: (selector = 'kaleyra-call') => document.querySelector(selector) as KaleyraCallElement,
    launcher: (el) => part(el, 'launcher') as HTMLButtonElement,
    status: (el) => part(el, 'status')!.textContent ?? '',
    shown(el) {
      const box = part(el, 'error');
      if (!box || box.hidden) return null;
      return {
        visitor: box.firstElementChild!.textContent ?? '',
        detail: box.querySelector('details span')!.textContent ?? '',
        code: box.querySelector('code')!.textContent ?? '',
        retry: !part(el, 'retry')!.hidden,
        open: !part(el, 'open')!.hidden,
        openText: part(el, 'open')!.textContent ?? '',
      };
    },
    pressOpen(el) {
      (part(el, 'open') as HTMLButtonElement).click();
      return seen.opened;
    },
    until,
    untilState: async (el, state) => {
      await until(() => el.state === state, `state ${state} (it is ${el.state})`);
    },
    fetched: () =>
      performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname),
    sdk: () => (window as unknown as { __bandyerEmulator: SdkStandInControl }).__bandyerEmulator,
    rest(el) {
      const builds = (window as unknown as Record<symbol, Map<string, object>>)[
        Symbol.for('kaleyra-call.builds')
      ]!;
      const shared = [...builds].find(([key]) => !key.includes(' '))![1] as {
        clock: { clock: { setTimeout(fn: () => void, ms: number): number } };
      };
      const clock = shared.clock.clock;
      const set = clock.setTimeout;
      const asked: [() => void, number][] = [];
      clock.setTimeout = (fn, ms) => asked.push([fn, ms]);
      try {
        part(el, 'launcher')!.dispatchEvent(new PointerEvent('pointerenter'));
      } finally {
        clock.setTimeout = set;
      }
      for (const [fn] of asked) fn();
      return asked.map(([, ms]) => ms);
    },
  };
  (window as unknown as AgentWindow).kaleyraTestAgent = api;
  addEventListener('message', async (e) => {
    const call = e.data as { id?: number; fn?: string; args?: unknown[] } | null;
    if (e.source !== parent || typeof call?.fn !== 'string') return;
    try {
      // The function the test sent, as source text (see `remote`).
      const fn = new Function(`return (${call.fn})`)() as (...a: unknown[]) => unknown;
      parent.postMessage({ id: call.id, value: await fn(api, ...(call.args ?? [])) }, '*');
    } catch (error) {
      parent.postMessage({ id: call.id, error: String((error as Error)?.stack ?? error) }, '*');
    }
  });
}

/**
 * The agent's script, first in a page's `<head>` (with the page's nonce under a
 * nonce CSP; such a page cannot run `remote`'s functions, which need eval: read
 * `agentOf(win)` of its same-origin frame instead).
 */
export const agentScript = (nonce?: string): string =>
  `<script${nonce ? ` nonce="${nonce}"` : ''}>(${agent.toString()})()</script>`;

/** The agent of a same-origin frame, called directly. */
export const agentOf = (win: Window): AgentApi => (win as AgentWindow).kaleyraTestAgent;

/**
 * The Content-Security-Policy violations in a same-origin frame's page so far, under a CSP
 * without 'unsafe-eval'. Reports arrive asynchronously, in order: this makes one of its own
 * (an eval), waits for it, and returns those before it.
 */
export async function violationsSoFar(win: Window): Promise<string[]> {
  const h = agentOf(win);
  const marker = 'script-src eval';
  let thrown: unknown;
  try {
    (win as Window & { eval(code: string): unknown }).eval('0');
  } catch (error) {
    thrown = error;
  }
  expect((thrown as Error | undefined)?.name, 'the CSP refuses eval').to.equal('EvalError');
  const at = await h.until(() => h.seen.violations.indexOf(marker) + 1, 'the eval’s report');
  const before = h.seen.violations.slice(0, at - 1);
  // Taken out, so that the next call waits for its own.
  h.seen.violations.splice(at - 1, 1);
  return before;
}

let calls = 0;

/**
 * Runs `fn` in `frame`'s page (any origin: by `postMessage`) with the agent's
 * API and `args`, and resolves with what it returns (structured-cloned). `fn`
 * travels as source text: it may use only its arguments and the page's globals.
 */
export function remote<A extends unknown[], R>(
  frame: HTMLIFrameElement,
  fn: (agent: AgentApi, ...args: A) => R,
  ...args: A
): Promise<Awaited<R>> {
  const id = ++calls;
  const target = frame.contentWindow!;
  return new Promise((resolve, reject) => {
    const onMessage = (e: MessageEvent) => {
      const answer = e.data as { id?: number; value?: Awaited<R>; error?: string } | null;
      if (e.source !== target || answer?.id !== id) return;
      removeEventListener('message', onMessage);
      if (answer.error !== undefined) reject(new Error(`in the frame: ${answer.error}`));
      else resolve(answer.value as Awaited<R>);
    };
    addEventListener('message', onMessage);
    target.postMessage({ id, fn: fn.toString(), args }, '*');
  });
}

/** A page of the fake backend: its id's token endpoint, SDK, log, and the page itself. */
export class HostPage extends Fake {
  readonly path = `/fake/${this.id}/page`;
}

export interface PageOptions extends Omit<Script, 'page'> {
  /** The page's Content-Security-Policy header. */
  csp?: string;
  /** Any other response headers of the page. */
  headers?: Record<string, string>;
}

/** Scripts a page at /fake/<id>/page: `html(page)` is its document (it may use the page's URLs). */
export async function hostPage(
  html: (page: HostPage) => string,
  options: PageOptions = {},
): Promise<HostPage> {
  const built = await fetch('/dist/integrity.json');
  expect(built.ok, 'dist/ is missing: run `npm run build` first').to.equal(true);
  const page = new HostPage();
  const { csp, headers, ...script } = options;
  await page.script({ ...script, page: { html: html(page), csp, headers } });
  return page;
}

export interface BundlePageOptions extends PageOptions {
  lang?: string;
  dir?: string;
  /** Markup in `<head>` after the agent, before the bundle. */
  head?: string;
  bodyClass?: string;
  /**
   * The loading script's `data-*` defaults by attribute name, beside the page's own
   * `token-endpoint`, `sdk-src` and `app-id` (which one may replace, or drop with null);
   * or made from the page.
   */
  defaults?: Record<string, string | null> | ((page: HostPage) => Record<string, string | null>);
  /** Load the ES module file (`type="module"`) instead of the classic one. */
  module?: boolean;
  /** The nonce of the agent's script and the bundle's (for a page with a nonce CSP). */
  nonce?: string;
  /** Another nonce for the agent's script, the page's first. */
  agentNonce?: string;
}

/**
 * A page as a site owner installs the element: the agent, then the CDN bundle
 * whose script tag names the page's token endpoint, SDK and app id for every
 * element (its `data-*` defaults), then `body` (markup, or made from the page).
 */
export function bundlePage(
  body: string | ((page: HostPage) => string),
  options: BundlePageOptions = {},
): Promise<HostPage> {
  const { lang = 'en', dir, head = '', bodyClass, defaults = {}, module, nonce, ...rest } = options;
  const { agentNonce = nonce, ...headers } = rest;
  return hostPage((p) => {
    const data = Object.entries({
      'token-endpoint': p.token,
      'sdk-src': p.sdk,
      'app-id': 'wAppId_host',
      ...(typeof defaults === 'function' ? defaults(p) : defaults),
    })
      .filter(([, value]) => value !== null)
      .map(([name, value]) => ` data-${name}="${value}"`)
      .join('');
    const attributes = `${nonce ? ` nonce="${nonce}"` : ''}${data}`;
    const script = module
      ? `<script type="module" src="${MODULE}"${attributes}></script>`
      : `<script src="${BUNDLE}"${attributes}></script>`;
    return `<!doctype html><html lang="${lang}"${dir ? ` dir="${dir}"` : ''}>
      <head>${agentScript(agentNonce)}${head}${script}</head>
      <body${bodyClass ? ` class="${bodyClass}"` : ''}>${typeof body === 'string' ? body : body(p)}</body></html>`;
  }, headers);
}

const frames: HTMLIFrameElement[] = [];

/**
 * Shows `src` in a frame of this page (`attributes`: `sandbox`, `allow`, …)
 * and resolves once it has loaded. `removeFrames()` takes it away.
 */
export async function frame(
  src: string,
  attributes: Record<string, string> = {},
): Promise<HTMLIFrameElement> {
  const iframe = document.createElement('iframe');
  for (const [name, value] of Object.entries(attributes)) iframe.setAttribute(name, value);
  iframe.src = src;
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  document.body.append(iframe);
  frames.push(iframe);
  await loaded;
  return iframe;
}

/** Removes the frames the test made (their pages, elements and sessions go with them). */
export function removeFrames(): void {
  for (const f of frames.splice(0)) f.remove();
}

type Registry = Map<string, { clock?: { clock: Record<string, unknown> } }>;

/**
 * A clock under the test's control in a same-origin frame: its bundle's own
 * clock (shared with its runtime files) routed to a FakeClock, which the
 * test advances. Timers set before stay real.
 */
export function frameClock(win: Window): FakeClock {
  const builds = (win as unknown as Record<symbol, Registry | undefined>)[
    Symbol.for('kaleyra-call.builds')
  ];
  const shared = [...(builds?.entries() ?? [])].find(([key]) => !key.includes(' '))?.[1].clock
    ?.clock as
    | {
        now(): number;
        setTimeout(fn: () => void, ms: number): number;
        clearTimeout(id: number | undefined): void;
        random(): number;
      }
    | undefined;
  if (!shared) throw new Error('the frame has no kaleyra-call bundle');
  const fake = new FakeClock();
  const realClear = shared.clearTimeout;
  Object.assign(shared, {
    now: () => fake.now(),
    setTimeout: (fn: () => void, ms: number) => fake.setTimeout(fn, ms),
    // The fake's ids are above a billion; a lower one is a real timer of the frame's.
    clearTimeout: (id: number | undefined) =>
      id !== undefined && id >= 1_000_000_000 ? fake.clearTimeout(id) : realClear(id),
    random: () => fake.random(),
  });
  return fake;
}
