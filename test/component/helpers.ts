/**
 * Shared helpers for the element's browser tests: scripting the fake token
 * endpoint and SDK (test/support/fake-servers.mjs), driving the SDK emulator
 * (sandbox/kaleyra-sdk/bandyer-sdk.js), a controllable clock, and waiting on events.
 */
import { clock } from '../../component/shared/clock.js';
import type { KaleyraCallState } from '../../component/shared/events.js';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import '../../component/define.js';

export interface Step {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  network?: boolean;
  hang?: boolean;
  user?: string;
  ttlSeconds?: number;
  /** Fields added to a minted token's answer (app_id, region, environment). */
  extra?: Record<string, unknown>;
  /** A 401 with a guest offer, unless a guest credential the fake gave is sent. */
  guest?: boolean;
  challenge?: string;
  append?: string;
}

export interface LogEntry {
  kind: 'token' | 'sdk' | 'guest';
  method: string;
  headers: Record<string, string>;
  body?: string;
  start: number;
  end?: number;
}

/** The emulator's test control API (see sandbox/kaleyra-sdk/bandyer-sdk.js). */
export interface EmulatorControl {
  calls: { method: string; args: unknown[] }[];
  count(method: string): number;
  lastConfig: Record<string, unknown> | undefined;
  setConnectBehavior(b: 'auto' | 'hang' | { reject: string } | { delayMs: number }): void;
  setUpdateBehavior(b: 'auto' | 'hang' | { reject: string }): void;
  emit(event: string, payload?: unknown): void;
  aboutToExpire(): void;
  expire(): void;
  forceDisconnect(reason?: string): void;
  incomingCall(fromUserId: string): void;
  setRingTimeoutMs(ms: number): void;
  client: { listenerCount?(event: string): number } | null;
  listenerCount(): number;
  activeTimers(): number;
  reset(): void;
}

declare global {
  interface Window {
    __bandyerEmulator?: EmulatorControl;
  }
}

// Real timers, captured before any test replaces them: until() and the
// timeouts of the waits below are the only wall-clock timers of the tests.
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);

let seq = 0;
const restorers: (() => void)[] = [];

/** A fake backend (token endpoint + SDK URL) of its own for one test. */
export class Fake {
  readonly id = `t${Date.now().toString(36)}${seq++}`;
  readonly token = `/fake/${this.id}/token`;
  readonly sdk = `/fake/${this.id}/sdk`;

  async script(steps: Script): Promise<this> {
    await fetch(`/fake/${this.id}/script`, { method: 'PUT', body: JSON.stringify(steps) });
    return this;
  }

  async log(kind?: LogEntry['kind']): Promise<LogEntry[]> {
    const entries = (await (await fetch(`/fake/${this.id}/log`)).json()) as LogEntry[];
    return kind ? entries.filter((e) => e.kind === kind) : entries;
  }
}

/** What a fake answers: its token and SDK steps, and whose Turnstile stand-in its guest endpoint asks. */
export interface Script {
  token?: Step[];
  sdk?: Step[];
  turnstile?: string;
}

export async function fake(steps: Script = {}): Promise<Fake> {
  return new Fake().script(steps);
}

export function emulator(): EmulatorControl {
  const control = window.__bandyerEmulator;
  if (!control) throw new Error('the SDK emulator is not loaded');
  return control;
}

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

const original = { ...clock };
let timeScale = 1;
// Uninstalls the fake clock in use, if any.
let uninstallFake: (() => void) | undefined;

/**
 * Makes backoff jitter deterministic and scales timers (those longer than
 * `above` ms, if given) down, recording every delay that was asked for.
 */
export function fastClock(
  options: { random?: number; scale?: number; above?: number } = {},
): number[] {
  const requested: number[] = [];
  const scale = options.scale ?? 0.01;
  const above = options.above ?? 0;
  if (!above) timeScale = scale;
  clock.random = () => options.random ?? 0.5;
  clock.setTimeout = (fn, ms) => {
    requested.push(ms);
    return original.setTimeout(fn, ms > above ? ms * scale : ms);
  };
  return requested;
}

export function restoreClock(): void {
  uninstallFake?.();
  Object.assign(clock, original);
  timeScale = 1;
}

interface FakeTimer {
  at: number;
  seq: number;
  ms: number;
  fn: () => void;
}

/**
 * A clock under the test's control, installed into component/clock.ts. Time
 * is the page's own time (or, `frozen`, the time of install) plus whatever
 * `advance` added; timers run only inside `advance`, in the order they fall
 * due (with those they set in turn), and `random()` returns the scripted draws.
 */
export class FakeClock {
  /** Every delay that was asked for, in order. */
  readonly requested: number[] = [];
  private readonly timers = new Map<number, FakeTimer>();
  // Ids far above the browser's, so that a real timer set before install can still be cleared.
  private nextId = 1_000_000_000;
  private seq = 0;
  private offset = 0;
  private draws: number[] = [0.5];
  private saved?: typeof clock;
  private savedGlobals?: [typeof setTimeout, typeof clearTimeout];
  private base?: number;

  constructor(private readonly options: { frozen?: boolean } = {}) {}

  /** Routes `clock` here until `uninstall` (or freshPage). */
  install(): this {
    uninstallFake?.();
    this.saved = { ...clock };
    this.base = this.options.frozen ? Date.now() : undefined;
    uninstallFake = () => this.uninstall();
    Object.assign(clock, {
      now: () => this.now(),
      setTimeout: (fn: () => void, ms: number) => this.setTimeout(fn, ms),
      clearTimeout: (id: number | undefined) => this.clearTimeout(id),
      random: () => this.random(),
    });
    return this;
  }

  /**
   * Takes over the page's own setTimeout and clearTimeout too, for code that
   * calls them directly (the SDK emulator). Until `uninstall`.
   */
  installGlobals(): this {
    this.savedGlobals ??= [globalThis.setTimeout, globalThis.clearTimeout];
    this.base ??= this.options.frozen ? Date.now() : undefined;
    globalThis.setTimeout = ((fn: () => void, ms = 0) =>
      this.setTimeout(fn, ms)) as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((id?: number) => this.clearTimeout(id)) as typeof clearTimeout;
    return this;
  }

  /** Puts the previous clock (and timers) back; pending fake timers are dropped. */
  uninstall(): void {
    if (this.savedGlobals) [globalThis.setTimeout, globalThis.clearTimeout] = this.savedGlobals;
    this.savedGlobals = undefined;
    this.timers.clear();
    if (!this.saved) return;
    Object.assign(clock, this.saved);
    this.saved = uninstallFake = undefined;
  }

  now(): number {
    return this.wall() + this.offset;
  }

  private wall(): number {
    return this.base ?? Date.now();
  }

  /** The draws `random()` returns next, in order; the last one repeats. */
  script(...draws: number[]): this {
    this.draws = draws;
    return this;
  }

  random(): number {
    return this.draws.length > 1 ? this.draws.shift()! : this.draws[0]!;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.requested.push(ms);
    this.timers.set(id, { at: this.now() + Math.max(0, ms), seq: this.seq++, ms, fn });
    return id;
  }

  clearTimeout(id: number | undefined): void {
    if (id === undefined) return;
    if (!this.timers.delete(id)) realClearTimeout(id);
  }

  /** The delays (as asked for) of the timers still pending, in the order they fall due. */
  pending(): number[] {
    return this.due(Infinity).map(([, t]) => t.ms);
  }

  /**
   * Moves time on by `ms`, running every timer that falls due meanwhile, in
   * order; between two timers the page gets a task to settle what they started.
   */
  async advance(ms: number): Promise<void> {
    const target = this.now() + ms;
    await nextTask();
    for (let next = this.due(target)[0]; next; next = this.due(target)[0]) {
      const [id, timer] = next;
      this.timers.delete(id);
      this.offset = Math.max(this.offset, timer.at - this.wall());
      timer.fn();
      await nextTask();
    }
    this.offset = Math.max(this.offset, target - this.wall());
  }

  private due(until: number): [number, FakeTimer][] {
    // A microsecond of slack for the rounding of large epoch times.
    return [...this.timers]
      .filter(([, t]) => t.at <= until + 1e-3)
      .sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq);
  }
}

/** Installs a fresh fake clock (random() draws 0.5 until scripted); freshPage() uninstalls it. */
export const fakeClock = (options: { frozen?: boolean } = {}): FakeClock =>
  new FakeClock(options).install();

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
  // 2 s of real time, whatever fastClock() does to timers.
  el.connectTimeout = 2000 / timeScale;
  document.body.append(el);
  return el;
}

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
