import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { belowTheFold, fake, freshPage, launcher, mount, untilState, wait } from './helpers.js';

describe('<kaleyra-call> connect modes', () => {
  afterEach(freshPage);

  it('connect="click": no token or SDK request before activation, then a full start', async () => {
    const f = await fake();
    const el = mount(f, { connect: 'click' });
    await el.updateComplete;
    await wait(300);
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
      const el = mount(f, { connect: 'visible' });
      await el.updateComplete;
      await wait(300);
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
    const el = mount(f, { connect: 'manual' });
    await el.updateComplete;
    await wait(300);
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
    const el = mount(f, { connect: 'manual' });
    (el as unknown as { connect: string }).connect = 'click';
    await el.updateComplete;
    expect(el.connectOn).to.equal('click');
    expect(typeof el.connect).to.equal('function');
    await wait(200);
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
    el.label = 'Call us'; // an update must not restart it
    await el.updateComplete;
    await wait(100);
    expect(el.state).to.equal('disconnected');
    await el.connect();
    expect(el.state).to.equal('connected');
  });
});
