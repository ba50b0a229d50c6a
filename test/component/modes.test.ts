import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { fakeClock, type FakeClock } from './support/clock.js';
import { fake } from './support/fake-backend.js';
import { belowTheFold, freshPage, launcher, mount, watchFetch } from './support/page.js';
import { firstIntersection, untilState } from './support/waits.js';

const sdkScripts = () => document.querySelectorAll('script[src*="/fake/"]').length;

/**
 * Lets every timer the element may have set run (an hour on the fake clock),
 * then checks that it has started nothing: no request, no new SDK script.
 */
async function nothingStarted(clock: FakeClock, requests: Request[], scripts = 0) {
  await clock.advance(3_600_000);
  expect(requests.map((r) => r.url)).to.deep.equal([]);
  expect(sdkScripts()).to.equal(scripts);
}

describe('<kaleyra-call> connect modes', () => {
  afterEach(freshPage);

  it('connect="click": no token or SDK request before activation, then a full start', async () => {
    const clock = fakeClock();
    const f = await fake();
    const requests = watchFetch();
    const el = mount(f, { connect: 'click' });
    await el.updateComplete;
    await nothingStarted(clock, requests);
    expect(await f.log()).to.have.length(0);
    expect(document.querySelector(`script[src$="${f.sdk}"]`) === null).to.equal(true);
    expect(el.state).to.equal('idle');
    launcher(el).click();
    await untilState(el, 'connected');
    expect(await f.log('token')).to.have.length(1);
    expect(await f.log('sdk')).to.have.length(1);
  });

  it('connect="click" starts from the keyboard too', async () => {
    const f = await fake();
    const el = mount(f, { connect: 'click' });
    await el.updateComplete;
    launcher(el).focus();
    await sendKeys({ press: 'Enter' });
    await untilState(el, 'connected');
    expect(await f.log('token')).to.have.length(1);
  });

  it('connect="visible": starts only when the element scrolls into view', async () => {
    const f = await fake();
    const restore = belowTheFold();
    try {
      const clock = fakeClock();
      const requests = watchFetch();
      const el = mount(f, { connect: 'visible' });
      await el.updateComplete;
      // The element's observer has had its first look by the time a later one has.
      expect((await firstIntersection(el)).isIntersecting).to.equal(false);
      await nothingStarted(clock, requests);
      expect(await f.log()).to.have.length(0);
      el.scrollIntoView();
      await untilState(el, 'connected');
      expect(await f.log('token')).to.have.length(1);
    } finally {
      restore();
    }
  });

  it('connect="manual": only connect() starts it, and it resolves when connected', async () => {
    const f = await fake();
    const clock = fakeClock();
    const requests = watchFetch();
    const el = mount(f, { connect: 'manual' });
    await el.updateComplete;
    await nothingStarted(clock, requests);
    expect(el.state).to.equal('idle');
    expect(await f.log()).to.have.length(0);
    await el.connect();
    expect(el.state).to.equal('connected');
    expect(await f.log('token')).to.have.length(1);
  });

  it('connect() rejects with a typed config error when attributes are missing', async () => {
    const el = document.createElement('kaleyra-call');
    el.setAttribute('connect', 'manual');
    document.body.append(el);
    await el.updateComplete;
    const err = await el.connect().catch((e: unknown) => e);
    expect(err).to.include({
      name: 'KaleyraCallError',
      phase: 'config',
      code: 'missing_attribute',
    });
  });

  it('assigning a mode to the `connect` property (as React and Vue do) sets connectOn', async () => {
    const f = await fake();
    const requests = watchFetch();
    const el = mount(f, { connect: 'manual' });
    (el as unknown as { connect: string }).connect = 'click';
    await el.updateComplete;
    expect(el.connectOn).to.equal('click');
    expect(typeof el.connect).to.equal('function');
    await nothingStarted(fakeClock(), requests);
    expect(await f.log()).to.have.length(0);
    launcher(el).click();
    await untilState(el, 'connected');
  });

  it('disconnect() stops the session and it stays stopped until connect()', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    await el.disconnect();
    expect(el.state).to.equal('disconnected');
    const clock = fakeClock();
    const requests = watchFetch();
    const scripts = sdkScripts();
    el.label = 'Call us'; // an update must not restart it
    await el.updateComplete;
    await nothingStarted(clock, requests, scripts);
    expect(el.state).to.equal('disconnected');
    await el.connect();
    expect(el.state).to.equal('connected');
  });

  it('disconnect() while the runtime loads: nothing is asked for, and the waiting connect() is refused', async () => {
    const f = await fake();
    const el = mount(f, { connect: 'manual' });
    await el.updateComplete;
    const left = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('kaleyra-call-disconnected', (e) => resolve(e as CustomEvent), {
        once: true,
      }),
    );
    const waiting = el.connect();
    expect(el.state).to.equal('loading');
    await el.disconnect();
    const error = await waiting.then(
      () => undefined,
      (e: unknown) => e as { code: string },
    );
    expect(error?.code).to.equal('disconnected');
    expect((await left).detail.reason).to.equal('disconnect');
    expect(el.state).to.equal('disconnected');
    expect(await f.log('token')).to.have.length(0);
    // Stopped: an update does not start it again; connect() does.
    el.label = 'Call us';
    await el.updateComplete;
    expect(el.state).to.equal('disconnected');
    await el.connect();
    expect(el.state).to.equal('connected');
  });
});
