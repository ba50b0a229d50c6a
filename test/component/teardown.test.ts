import { expect, oneEvent } from '@open-wc/testing';
import { clock } from '../../component/common/clock.js';
import { SDK_EVENTS } from '../../component/runtime/session.js';
import { fakeClock } from './support/clock.js';
import { fake } from './support/fake-backend.js';
import { belowTheFold, freshPage, mount, watchFetch } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { firstIntersection, nextTask, record, untilState } from './support/waits.js';

/** Tracks live listeners on window and document, and pending element timers. */
function instrument() {
  const live = new Set<string>();
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const key = (target: EventTarget, type: string, listener: unknown) => {
    let id = listener ? ids.get(listener as object) : undefined;
    if (listener && id === undefined) ids.set(listener as object, (id = nextId++));
    return `${target === window ? 'window' : 'document'}:${type}:${id}`;
  };
  type Add = typeof EventTarget.prototype.addEventListener;
  type Remove = typeof EventTarget.prototype.removeEventListener;
  const patches: [EventTarget, Add, Remove][] = [];
  for (const target of [window, document] as EventTarget[]) {
    const add = target.addEventListener;
    const remove = target.removeEventListener;
    patches.push([target, add, remove]);
    target.addEventListener = function (type: string, listener: unknown, ...rest: unknown[]) {
      live.add(key(target, type, listener));
      return (add as (...a: unknown[]) => void).call(this, type, listener, ...rest);
    };
    target.removeEventListener = function (type: string, listener: unknown, ...rest: unknown[]) {
      live.delete(key(target, type, listener));
      return (remove as (...a: unknown[]) => void).call(this, type, listener, ...rest);
    };
  }
  const timers = new Set<number>();
  const { setTimeout: set, clearTimeout: clear } = clock;
  clock.setTimeout = (fn, ms) => {
    const id = set(() => {
      timers.delete(id);
      fn();
    }, ms);
    timers.add(id);
    return id;
  };
  clock.clearTimeout = (id) => {
    if (id !== undefined) timers.delete(id);
    clear(id);
  };
  return {
    listeners: () => [...live],
    timers: () => timers.size,
    restore() {
      for (const [target, add, remove] of patches) {
        target.addEventListener = add;
        target.removeEventListener = remove;
      }
      clock.setTimeout = set;
      clock.clearTimeout = clear;
    },
  };
}

describe('<kaleyra-call> teardown', () => {
  afterEach(freshPage);

  it('removing the last element disconnects, destroys the client and fires kaleyra-call-disconnected', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    const gone = record(el, 'kaleyra-call-disconnected');
    el.remove();
    await untilState(el, 'disconnected');
    expect(gone.map((e) => e.detail.reason)).to.deep.equal(['removed']);
    expect(sdkStandIn().count('disconnect')).to.be.at.least(1);
    expect(sdkStandIn().count('destroyClient')).to.equal(1);
    expect(sdkStandIn().client === null).to.equal(true);
    expect(sdkStandIn().activeTimers()).to.equal(0);
    expect(document.querySelector('#Bandyer-bandyer-chat-widget') === null).to.equal(true);
  });

  it('keeps the session while another element still uses it', async () => {
    const f = await fake();
    const a = mount(f);
    const b = mount(f);
    await Promise.all([untilState(a, 'connected'), untilState(b, 'connected')]);
    a.remove();
    await untilState(a, 'disconnected');
    expect(sdkStandIn().count('destroyClient')).to.equal(0);
    expect(b.state).to.equal('connected');
    b.remove();
    await untilState(b, 'disconnected');
    expect(sdkStandIn().count('destroyClient')).to.equal(1);
  });

  it('moving the element in the DOM (remove and re-insert in one task) does not tear down', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    const gone = record(el, 'kaleyra-call-disconnected');
    const box = document.createElement('section');
    document.body.append(box);
    const clock = fakeClock();
    box.append(el); // a move: disconnectedCallback then connectedCallback
    // Past the moment a removal would be acted on.
    await clock.advance(60_000);
    expect(gone).to.have.length(0);
    expect(el.state).to.equal('connected');
    expect(sdkStandIn().count('disconnect')).to.equal(0);
    expect(sdkStandIn().count('connect')).to.equal(1);
    clock.uninstall(); // so that removing it is acted on as usual
    box.remove();
  });

  it('an element inserted again after its teardown starts again', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    el.remove();
    await untilState(el, 'disconnected');
    document.body.append(el);
    await untilState(el, 'connected');
    expect(await f.log('token')).to.have.length(2);
  });

  it('connect="visible": a move before it is seen keeps watching for visibility', async () => {
    const f = await fake();
    const restore = belowTheFold();
    try {
      const clock = fakeClock();
      const requests = watchFetch();
      const el = mount(f, { connect: 'visible' });
      await el.updateComplete;
      document.body.append(el); // a move
      await el.updateComplete;
      // The element's observer has had its first look by the time a later one has.
      expect((await firstIntersection(el)).isIntersecting).to.equal(false);
      await clock.advance(3_600_000);
      expect(requests).to.deep.equal([]);
      expect(await f.log()).to.have.length(0);
      el.scrollIntoView();
      await untilState(el, 'connected');
    } finally {
      restore();
    }
  });

  for (const [name, value] of [
    ['app-id', 'wAppId_next'],
    ['region', 'us'],
    ['environment', 'production'],
  ] as const) {
    it(`changing ${name} reconnects cleanly`, async () => {
      const f = await fake();
      const el = mount(f);
      await untilState(el, 'connected');
      const states = record(el, 'kaleyra-call-state');
      el.setAttribute(name, value);
      await untilState(el, 'disconnected');
      await untilState(el, 'connected');
      expect(states.map((e) => e.detail.state)).to.deep.equal([
        'disconnected',
        'loading',
        'connecting',
        'connected',
      ]);
      expect(sdkStandIn().count('destroyClient')).to.equal(1);
      expect(sdkStandIn().count('configure')).to.equal(2);
      expect(sdkStandIn().lastConfig![name === 'app-id' ? 'appId' : name]).to.equal(value);
    });
  }

  it('changing token-endpoint reconnects with the new endpoint', async () => {
    const f = await fake({ token: [{ user: 'old' }] });
    const g = await fake({ token: [{ user: 'new' }] });
    const el = mount(f);
    await untilState(el, 'connected');
    el.setAttribute('token-endpoint', g.token);
    await untilState(el, 'disconnected');
    await untilState(el, 'connected');
    expect(el.userId).to.equal('new');
    expect(await g.log('token')).to.have.length(1);
  });

  it('200 attach/detach cycles leave no listener on window, document or the client, and no timer', async () => {
    const f = await fake();
    const probe = instrument();
    try {
      let last: Promise<unknown> = Promise.resolve();
      for (let i = 0; i < 200; i++) {
        const el = mount(f, { connect: i % 2 ? 'auto' : 'visible' });
        await el.updateComplete;
        if (i % 20 === 0) await untilState(el, 'connected');
        // The last one (auto) holds the session: its teardown ends the page's.
        if (i === 199) last = oneEvent(el, 'kaleyra-call-disconnected');
        el.remove();
        await nextTask();
      }
      await last;
      const g = globalThis as unknown as Record<symbol, { teardown: Promise<void> }>;
      await g[Symbol.for('kaleyra-call.sessions')]!.teardown;
      expect(probe.listeners()).to.deep.equal([]);
      expect(probe.timers()).to.equal(0);
      expect(sdkStandIn().client === null).to.equal(true);
      expect(sdkStandIn().activeTimers()).to.equal(0);
      expect(sdkStandIn().count('configure')).to.equal(sdkStandIn().count('destroyClient'));
      expect(document.querySelectorAll('kaleyra-call')).to.have.length(0);
    } finally {
      probe.restore();
    }
  });

  it('every listener the element put on the SDK client is removed at teardown', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    const client = sdkStandIn().client as unknown as { listenerCount(event: string): number };
    const count = () => SDK_EVENTS.reduce((n, type) => n + client.listenerCount(type), 0);
    expect(count()).to.equal(SDK_EVENTS.length);
    el.remove();
    await untilState(el, 'disconnected');
    expect(count()).to.equal(0);
  });
});
