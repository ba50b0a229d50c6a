/**
 * Shared helpers for the element's browser tests: scripting the fake token
 * endpoint and SDK (test/support/fake-servers.mjs), driving the SDK emulator
 * (demo/sandbox/bandyer-sdk.js), a controllable clock, and waiting on events.
 */
import { clock } from '../../component/clock.js';
import type { KaleyraCallState } from '../../component/events.js';
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
  append?: string;
}

export interface LogEntry {
  kind: 'token' | 'sdk';
  method: string;
  headers: Record<string, string>;
  body?: string;
  start: number;
  end?: number;
}

/** The emulator's test control API (see demo/sandbox/bandyer-sdk.js). */
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

let seq = 0;

/** A fake backend (token endpoint + SDK URL) of its own for one test. */
export class Fake {
  readonly id = `t${Date.now().toString(36)}${seq++}`;
  readonly token = `/fake/${this.id}/token`;
  readonly sdk = `/fake/${this.id}/sdk`;

  async script(steps: { token?: Step[]; sdk?: Step[] }): Promise<this> {
    await fetch(`/fake/${this.id}/script`, { method: 'PUT', body: JSON.stringify(steps) });
    return this;
  }

  async log(kind?: 'token' | 'sdk'): Promise<LogEntry[]> {
    const entries = (await (await fetch(`/fake/${this.id}/log`)).json()) as LogEntry[];
    return kind ? entries.filter((e) => e.kind === kind) : entries;
  }
}

export async function fake(steps: { token?: Step[]; sdk?: Step[] } = {}): Promise<Fake> {
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
  for (const el of document.querySelectorAll('kaleyra-call')) el.remove();
  await new Promise((r) => setTimeout(r, 0));
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
  Object.assign(clock, original);
  timeScale = 1;
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
    const timer = setTimeout(() => {
      el.removeEventListener('kaleyra-call-state', onState);
      reject(new Error(`state stayed "${el.state}", expected "${state}"`));
    }, timeoutMs);
    const onState = () => {
      if (el.state !== state) return;
      clearTimeout(timer);
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

export const nextTask = () => new Promise<void>((r) => setTimeout(r, 0));
export const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
