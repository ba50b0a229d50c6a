import type { ReactiveController, ReactiveControllerHost } from '@lit/reactive-element';
import type { ConnectMode } from './attributes.js';
import { clock } from './clock.js';
import { join } from './element-runtime.js';
import { KaleyraCallError } from './errors.js';
import type { KaleyraCallState } from './events.js';
import { releaseSession, type Session, type SessionMember, type SessionSource } from './session.js';

/** The element, as its session controller sees it. */
export interface SessionHost extends ReactiveControllerHost, HTMLElement {
  readonly state: KaleyraCallState;
  connectOn: ConnectMode;
}

/**
 * What the controller asks of the element, and tells it. Session news (state,
 * errors, tokens, SDK events) goes to the element as to any session member; a
 * fatal error reaches the element, which rejects the waiting `connect()` calls
 * through `fail()`.
 */
export interface SessionView extends SessionMember {
  /** The configuration error that keeps the element from starting, if any. */
  blocked(): KaleyraCallError | undefined;
  /** Which session the element belongs in: another key, another session (only asked while not `blocked`). */
  key(): string;
  /** What the session is made from. */
  source(): SessionSource;
  /** The element left its session (`reason`: removed, disconnect, reconfigured). */
  onLeft(reason: string): void;
}

/** The element's states in which its `connect` mode may start it by itself. */
const WAITING: readonly KaleyraCallState[] = ['idle', 'disconnected'];

/**
 * The element's membership in the page's SDK session (session.ts), bound to
 * the element's life: it joins as the `connect` mode says (on attach, when
 * first visible, or on `connect()`), rejoins after an attribute change that
 * alters the session, and leaves when the element leaves the page. A removal
 * followed by a re-insertion in the same task (a DOM move, a framework
 * re-render) keeps the session: leaving is deferred by one task.
 *
 * Part of the runtime (runtime.ts): the element adds it once the runtime is
 * loaded, and starts it the first time itself (kaleyra-call.ts); from then on
 * the controller starts again by itself as the mode says.
 */
export class SessionController implements ReactiveController {
  /** The session this element belongs to, while it belongs to one. */
  session?: Session | undefined;

  private _key?: string | undefined;
  private _member?: SessionMember | undefined;
  /** `disconnect()` was called: do not start again by ourselves. */
  private _stopped = false;
  private _releaseTimer?: number | undefined;
  private _observer?: IntersectionObserver | undefined;
  /** The promises of `connect()` calls waiting for the session to be ready. */
  private _waiters: [() => void, (e: KaleyraCallError) => void][] = [];

  constructor(
    private readonly _host: SessionHost,
    private readonly _view: SessionView,
  ) {
    _host.addController(this);
  }

  hostConnected(): void {
    // Re-inserted in the same task: keep the session.
    clock.clearTimeout(this._releaseTimer);
    // Re-inserted later: start (or observe) again as the `connect` mode says.
    this._host.requestUpdate();
  }

  hostDisconnected(): void {
    this._observe(false);
    clock.clearTimeout(this._releaseTimer);
    this._releaseTimer = clock.setTimeout(() => {
      if (!this._host.isConnected) void this.leave('removed');
    }, 0);
  }

  /** Runs before each render, after the element checked its attributes. */
  hostUpdate(): void {
    const host = this._host;
    if (this._stopped || !host.isConnected || this._view.blocked()) return;
    if (this.session) {
      // App, region, environment, SDK or token source changed: reconnect cleanly.
      if (this._key !== this._view.key()) {
        void this.leave('reconfigured').then(() => this.start());
      }
    } else if (WAITING.includes(host.state)) {
      // Not after an error: that waits for "Try again" or connect().
      if (host.connectOn === 'auto') this.start();
      else if (host.connectOn === 'visible') this._observe(true);
    }
  }

  /** Starts now and resolves when connected (the element's `connect()`). */
  connect(): Promise<void> {
    this._stopped = false;
    const blocked = this._view.blocked();
    if (blocked) return Promise.reject(blocked);
    if (this.session?.state === 'connected') return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this._waiters.push([resolve, reject]));
    this.start();
    return done;
  }

  /** Leaves for good until `connect()` (the element's `disconnect()`). */
  disconnect(): Promise<void> {
    this._stopped = true;
    this._observe(false);
    return this.leave('disconnect');
  }

  /** Joins the session (creating it when needed) and starts it unless under way. */
  start(): void {
    if (!this._host.isConnected || this._view.blocked()) return;
    this._observe(false);
    if (this.session) return this.session.start();
    this._key = this._view.key();
    const member: SessionMember = {
      ...this._view,
      onReady: (userId) => {
        this._view.onReady(userId);
        for (const [resolve] of this._waiters.splice(0)) resolve();
      },
    };
    // Joining a session under way catches up (element-runtime.ts).
    join(this._view.source(), member, (session) => {
      this.session = session;
      this._member = member;
    });
  }

  /** Leaves the session (the last member out disconnects the SDK). Resolves after teardown. */
  async leave(reason: string): Promise<void> {
    const { session, _member: member } = this;
    if (!session) return;
    this.session = this._member = this._key = undefined;
    this.fail(new KaleyraCallError('connect', 'disconnected', 'The video call was disconnected.'));
    if (member) await releaseSession(session, member);
    this._view.onLeft(reason);
  }

  /** Rejects the waiting `connect()` calls. */
  fail(error: KaleyraCallError): void {
    for (const [, reject] of this._waiters.splice(0)) reject(error);
  }

  private _observe(on: boolean): void {
    this._observer?.disconnect();
    this._observer = undefined;
    if (on && typeof IntersectionObserver === 'function') {
      this._observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) this.start();
      });
      this._observer.observe(this._host);
    }
  }
}
