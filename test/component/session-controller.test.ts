/**
 * The session controller on its own, with a stub host: a plain custom element
 * that implements ReactiveControllerHost and runs the controller's hooks the
 * way ReactiveElement does. The session behind it is real (fake token endpoint,
 * SDK stand-in). The controller holds the membership (join, rejoin, release);
 * when to start is the element's (modes.test.ts).
 */
import { expect } from '@open-wc/testing';
import type { ReactiveController } from '@lit/reactive-element';
import type { Host } from '../../component/common/contract.js';
import { KaleyraCallError } from '../../component/common/errors.js';
import type { KaleyraCallState } from '../../component/common/events.js';
import type { SessionSource } from '../../component/runtime/session.js';
import { SessionController, type SessionView } from '../../component/runtime/session-controller.js';
import { fetchToken } from '../../component/runtime/token-client.js';
import { fakeClock } from './support/clock.js';
import { fake, type Fake } from './support/fake-backend.js';
import { freshPage } from './support/page.js';
import { until } from './support/waits.js';

class StubHost extends HTMLElement {
  state: KaleyraCallState = 'idle';
  updates = 0;
  /** Settles once the controllers' hostUpdate of the last requested update has run. */
  updated: Promise<void> = Promise.resolve();
  controllers: ReactiveController[] = [];
  addController(c: ReactiveController) {
    this.controllers.push(c);
  }
  removeController() {}
  requestUpdate() {
    this.updates++;
    // As ReactiveElement does before each render.
    this.updated = new Promise((resolve) =>
      queueMicrotask(() => {
        this.controllers.forEach((c) => c.hostUpdate?.());
        resolve();
      }),
    );
  }
  get updateComplete() {
    return Promise.resolve(true);
  }
  connectedCallback() {
    this.controllers.forEach((c) => c.hostConnected?.());
  }
  disconnectedCallback() {
    this.controllers.forEach((c) => c.hostDisconnected?.());
  }
}
customElements.define('stub-session-host', StubHost);

/** A stub host with its controller, and a log of what the controller told it. */
function setup(f: Fake, appId = 'wAppId_stub') {
  const host = document.createElement('stub-session-host') as StubHost;
  const log: string[] = [];
  let blocked: KaleyraCallError | undefined;
  let app = appId;
  const view: SessionView = {
    blocked: () => blocked,
    key: () => `${app} ${f.token}`,
    source: (): SessionSource => ({
      key: `${app} ${f.token}`,
      sdkSrc: new URL(f.sdk, location.href).href,
      connectTimeoutMs: 5000,
      getToken: (signal) => fetchToken({ endpoint: f.token, credentials: 'same-origin', signal }),
      config: { appId: app, region: 'eu', environment: 'sandbox', tools: { chat: true } },
    }),
    // Like the element, note a state only when it changes.
    onState: (state) => {
      if (state !== host.state) log.push(`state:${state}`);
      host.state = state;
    },
    onError: (error) => {
      log.push(`error:${error.code}`);
      if (error.fatal) controller.fail(error);
    },
    onReady: (userId) => log.push(`ready:${userId}`),
    onToken: () => log.push('token'),
    onSdkEvent: () => {},
    onCall: () => {},
    onLeft: (reason) => {
      host.state = 'disconnected';
      log.push(`left:${reason}`);
    },
  };
  // The controller uses only the host's life cycle and updates, not its attributes.
  const controller = new SessionController(host as unknown as Host, view);
  return {
    host,
    controller,
    log,
    block: (error?: KaleyraCallError) => (blocked = error),
    setApp: (id: string) => (app = id),
  };
}

const untilLog = (log: string[], entry: string) => until(() => log.includes(entry), entry);

describe('SessionController', () => {
  beforeEach(freshPage);
  afterEach(freshPage);

  it('registers with its host, and start() joins a session that connects', async () => {
    const f = await fake();
    const { host, controller, log } = setup(f);
    expect(host.controllers).to.deep.equal([controller]);
    document.body.append(host);
    expect(host.updates).to.equal(1);
    controller.start();
    await untilLog(log, 'ready:user_1');
    expect(controller.session?.state).to.equal('connected');
    expect(log.slice(0, 2)).to.deep.equal(['state:loading', 'token']);
    host.remove();
  });

  it('never starts by itself (an attach or an update joins nothing); connect() starts and resolves', async () => {
    const f = await fake();
    const { host, controller, log } = setup(f);
    document.body.append(host);
    host.requestUpdate();
    // The update ran the controller's hostUpdate, where a start would have been decided.
    await host.updated;
    expect(controller.session).to.equal(undefined);
    expect(await f.log()).to.have.length(0);
    await controller.connect();
    expect(log).to.include('ready:user_1');
    // Connected already: a second connect() resolves at once, without a request.
    await controller.connect();
    expect(await f.log('token')).to.have.length(1);
    host.remove();
  });

  it('keeps the session across a remove and re-insert in the same task', async () => {
    const clock = fakeClock();
    const f = await fake();
    const { host, controller, log } = setup(f);
    document.body.append(host);
    controller.start();
    await untilLog(log, 'ready:user_1');
    const session = controller.session;
    host.remove();
    document.body.append(host);
    // The removal asked for a release on the next task; at that moment nothing leaves.
    expect(clock.requested).to.include(0);
    await clock.advance(0);
    expect(controller.session).to.equal(session);
    expect(log.some((e) => e.startsWith('left:'))).to.equal(false);
    host.remove();
  });

  it('leaves one task after a removal, and the session is torn down', async () => {
    const f = await fake();
    const { host, controller, log } = setup(f);
    document.body.append(host);
    controller.start();
    await untilLog(log, 'ready:user_1');
    const session = controller.session!;
    host.remove();
    expect(controller.session).to.equal(session);
    await untilLog(log, 'left:removed');
    expect(controller.session).to.equal(undefined);
    expect(session.state).to.equal('disconnected');
    expect(document.querySelectorAll('#Bandyer-bandyer-chat-widget')).to.have.length(0);
  });

  it('leave() rejects a waiting connect(), and connect() joins again', async () => {
    const f = await fake({ token: [{ delayMs: 300 }] });
    const { host, controller, log } = setup(f);
    document.body.append(host);
    const waiting = controller.connect();
    await controller.leave('disconnect');
    const error = await waiting.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(KaleyraCallError);
    expect((error as KaleyraCallError).code).to.equal('disconnected');
    expect(log).to.include('left:disconnect');
    host.requestUpdate();
    await host.updated;
    expect(controller.session).to.equal(undefined);
    await controller.connect();
    expect(controller.session?.state).to.equal('connected');
    host.remove();
  });

  it('a blocked configuration starts nothing and connect() rejects with its error', async () => {
    const f = await fake();
    const { host, controller, block } = setup(f);
    const problem = new KaleyraCallError({ phase: 'config', code: 'missing_attribute' });
    block(problem);
    document.body.append(host);
    controller.start();
    // start() decides at once, and the update the attach asked for has run too.
    expect(controller.session).to.equal(undefined);
    await host.updated;
    expect(controller.session).to.equal(undefined);
    let caught: unknown;
    await controller.connect().catch((e: unknown) => (caught = e));
    expect(caught).to.equal(problem);
    expect(await f.log()).to.have.length(0);
    host.remove();
  });

  it('moves to a new session when the source key changes', async () => {
    const f = await fake();
    const { host, controller, log, setApp } = setup(f);
    document.body.append(host);
    controller.start();
    await untilLog(log, 'ready:user_1');
    const first = controller.session;
    setApp('wAppId_other');
    host.requestUpdate();
    await untilLog(log, 'left:reconfigured');
    await until(() => controller.session?.state === 'connected');
    expect(controller.session).not.to.equal(first);
    expect(controller.session!.source.config.appId).to.equal('wAppId_other');
    host.remove();
  });
});
