/**
 * After any number of reconnects the page holds exactly one SDK widget root
 * (the SDK appends one per `connect()`, as the stand-in does), and errors keep
 * the phase they happened in.
 */
import { expect } from '@open-wc/testing';
import { fakeClock } from './support/clock.js';
import { fake } from './support/fake-backend.js';
import { freshPage, mount } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { record, until, untilState } from './support/waits.js';

const roots = () => document.querySelectorAll('#Bandyer-bandyer-chat-widget').length;

describe('<kaleyra-call> reconnects', () => {
  afterEach(freshPage);

  it('three expiries later: one widget root, and the widget still in it', async () => {
    const f = await fake({ token: [{ ttlSeconds: 3600 }, { ttlSeconds: 3601 }] });
    const el = mount(f);
    await untilState(el, 'connected');
    expect(roots()).to.equal(1);
    for (let i = 0; i < 3; i++) {
      sdkStandIn().expire();
      await untilState(el, 'reconnecting');
      await untilState(el, 'connected');
      expect(roots(), `after reconnect ${i + 1}`).to.equal(1);
    }
    expect(sdkStandIn().count('connect')).to.equal(4);
    expect(document.querySelector('#Bandyer-bandyer-chat-widget')!.childElementCount).to.be.above(
      0,
    );
  });

  it('after an outage and "Try again", and after an attribute change: one root', async () => {
    const f = await fake({
      token: [{}, { status: 401, body: { error: { code: 'unauthenticated' } } }],
    });
    const el = mount(f);
    await untilState(el, 'connected');
    sdkStandIn().expire();
    await untilState(el, 'error');
    // A failed session holds no client, nor its widget.
    await until(() => roots() === 0, 'the teardown');
    await f.script({ token: [{}] });
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!.click();
    await untilState(el, 'connected');
    expect(roots()).to.equal(1);
    el.setAttribute('call-type', 'audio_only');
    el.setAttribute('sdk-src', `${f.sdk}?v=2`);
    await untilState(el, 'disconnected');
    await untilState(el, 'connected');
    expect(roots()).to.equal(1);
  });

  it('a refresh that gives up reports phase refresh, its retries and its last error alike', async () => {
    const clock = fakeClock().script(0);
    const f = await fake({
      token: [{}, { status: 503, body: { error: { code: 'unavailable', message: 'x' } } }],
    });
    const el = mount(f);
    await untilState(el, 'connected');
    const errors = record(el, 'kaleyra-call-error');
    sdkStandIn().aboutToExpire();
    // With a draw of 0 every backoff is 0 ms: each retry waits only for the clock to tick,
    // which it does once the previous attempt has been answered (never past the request
    // timeout: the clock moves 1 ms at a time).
    for (let attempt = 1; attempt <= 6; attempt++) {
      await until(() => errors.length === attempt, `attempt ${attempt} reported`);
      if (attempt < 6) await clock.advance(1);
    }
    await untilState(el, 'error');
    expect(errors.map((e) => e.detail.phase)).to.deep.equal(Array(6).fill('refresh'));
    expect(errors.at(-1)!.detail).to.include({ code: 'unavailable', fatal: true });
    expect(errors.at(-1)!.detail.message).to.contain('Gave up after 6 attempts.');
  });
});
