/**
 * A clock under the test's control, installed into the element's clock (component/common/clock.ts)
 * and, when asked, over the page's own setTimeout and clearTimeout.
 */
import { clock } from '../../../component/common/clock.js';
import { nextTask } from './waits.js';

// Captured before any test replaces it: a timer set before install can still be cleared.
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);

const original = { ...clock };
// Uninstalls the fake clock in use, if any.
let uninstallFake: (() => void) | undefined;

/** Puts the element's own clock back (freshPage does, after every test). */
export function restoreClock(): void {
  uninstallFake?.();
  Object.assign(clock, original);
}

interface FakeTimer {
  at: number;
  seq: number;
  ms: number;
  fn: () => void;
}

/**
 * A clock under the test's control, installed into component/common/clock.ts. Time
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
   * calls them directly (the SDK stand-in). Until `uninstall`.
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
