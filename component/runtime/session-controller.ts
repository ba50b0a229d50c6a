import type { ReactiveController } from '@lit/reactive-element';
import { clock } from '../common/clock.js';
import type { Host } from '../common/contract.js';
import { KaleyraCallError } from '../common/errors.js';
import {
  acquireSession,
  releaseSession,
  type Session,
  type SessionMember,
  type SessionSource,
} from './session.js';

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

/**
 * The element's membership in the page's SDK session (session.ts), bound to
 * the element's life: it joins when asked (`start()`, `connect()`), rejoins
 * after an attribute change that alters the session, and leaves when the
 * element leaves the page. A removal followed by a re-insertion in the same
 * task (a DOM move, a framework re-render) keeps the session: leaving is
 * deferred by one task. When to start is not its business: the element
 * decides that (its `connect` mode, kaleyra-call.ts).
 */
export class SessionController implements ReactiveController {
  /** The session this element belongs to, while it belongs to one. */
  session?: Session | undefined;

  private _key?: string | undefined;
  private _member?: SessionMember | undefined;
  private _releaseTimer?: number | undefined;
  /** The promises of `connect()` calls waiting for the session to be ready. */
  private _waiters: [() => void, (e: KaleyraCallError) => void][] = [];

  constructor(
    private readonly _host: Host,
    private readonly _view: SessionView,
  ) {
    _host.addController(this);
  }

  hostConnected(): void {
    // Re-inserted in the same task: keep the session.
    clock.clearTimeout(this._releaseTimer);
    // Re-inserted later: the element starts again as its `connect` mode says.
    this._host.requestUpdate();
  }

  hostDisconnected(): void {
    clock.clearTimeout(this._releaseTimer);
    this._releaseTimer = clock.setTimeout(() => {
      if (!this._host.isConnected) void this.leave('removed');
    }, 0);
  }

  /** Runs before each render, after the element checked its attributes. */
  hostUpdate(): void {
    // App, region, environment, SDK or token source changed: reconnect cleanly.
    if (!this.session || !this._host.isConnected || this._view.blocked()) return;
    if (this._key !== this._view.key()) {
      void this.leave('reconfigured').then(() => this.start());
    }
  }

  /** Starts now and resolves when connected (the element's `connect()`). */
  connect(): Promise<void> {
    const blocked = this._view.blocked();
    if (blocked) return Promise.reject(blocked);
    if (this.session?.state === 'connected') return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this._waiters.push([resolve, reject]));
    this.start();
    return done;
  }

  /**
   * Joins the session (creating it when needed) and starts it unless under
   * way; a member joining a session already under way catches up. When it
   * cannot join (another setup holds the page) the element is told why.
   */
  start(): void {
    if (!this._host.isConnected || this._view.blocked()) return;
    if (this.session) return this.session.start();
    const view = this._view;
    const member: SessionMember = {
      ...view,
      onReady: (userId) => {
        view.onReady(userId);
        for (const [resolve] of this._waiters.splice(0)) resolve();
      },
    };
    let session: Session;
    try {
      session = acquireSession(view.source(), member);
    } catch (err) {
      return member.onError(err as KaleyraCallError);
    }
    this._key = view.key();
    this.session = session;
    this._member = member;
    const { state, userId, token } = session;
    if (state !== 'idle') member.onState(state);
    if (token) member.onToken(token.expiresAt);
    if (state === 'connected') member.onReady(userId!);
    session.start();
  }

  /** Leaves the session (the last member out disconnects the SDK). Resolves after teardown. */
  async leave(reason: string): Promise<void> {
    const { session, _member: member } = this;
    if (!session) return;
    this.session = this._member = this._key = undefined;
    this.fail(new KaleyraCallError({ phase: 'connect', code: 'disconnected' }));
    if (member) await releaseSession(session, member);
    this._view.onLeft(reason);
  }

  /** Rejects the waiting `connect()` calls. */
  fail(error: KaleyraCallError): void {
    for (const [, reject] of this._waiters.splice(0)) reject(error);
  }
}
