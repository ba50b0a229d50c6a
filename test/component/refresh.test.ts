import { expect, oneEvent } from '@open-wc/testing';
import { clock } from '../../component/common/clock.js';
import { fakeClock } from './support/clock.js';
import { fake } from './support/fake-backend.js';
import { freshPage, jwtClaims, mount, watchFetch } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { record, until, untilState } from './support/waits.js';

const updates = () =>
  sdkStandIn()
    .calls.filter((c) => c.method === 'updateAccessToken')
    .map((c) => c.args[0] as string);

describe('<kaleyra-call> token refresh', () => {
  afterEach(freshPage);

  it('on client:access_token:is_about_to_expire: fetches a new token and calls updateAccessToken', async () => {
    // The new token has another lifetime, so that it differs from the first.
    const f = await fake({ token: [{ user: 'user_r' }, { user: 'user_r', ttlSeconds: 7200 }] });
    const el = mount(f);
    await untilState(el, 'connected');
    const tokens = record(el, 'kaleyra-call-token');
    const sdk = record(el, 'kaleyra-call-sdk');
    const first = el.expiresAt;
    sdkStandIn().aboutToExpire();
    await until(() => updates().length > 0, 'updateAccessToken');
    expect(await f.log('token')).to.have.length(2);
    expect(updates()).to.have.length(1);
    expect(jwtClaims(updates()[0]!).user).to.equal('user_r');
    expect(tokens).to.have.length(1);
    expect(el.expiresAt).not.to.equal(first);
    expect(sdk.map((e) => e.detail.type)).to.include('client:access_token:is_about_to_expire');
    expect(el.state).to.equal('connected');
  });

  it('shares one request between refresh triggers that overlap', async () => {
    const f = await fake({ token: [{}, { delayMs: 300 }] });
    const el = mount(f);
    await untilState(el, 'connected');
    sdkStandIn().aboutToExpire();
    sdkStandIn().aboutToExpire();
    sdkStandIn().aboutToExpire();
    // A second request would have started with the first, and been logged before it ended.
    await until(() => updates().length > 0, 'updateAccessToken');
    expect(await f.log('token')).to.have.length(2);
    expect(updates()).to.have.length(1);
  });

  it('refreshes at about 80 % of the lifetime without any SDK event', async () => {
    const clock = fakeClock().script(0.5);
    const delays = clock.requested;
    const f = await fake({ token: [{ ttlSeconds: 1000 }] });
    const el = mount(f);
    await untilState(el, 'connected');
    // 0.8 × 1000 s with a jitter draw of 0.5 (no offset): ~800 s.
    expect(delays.some((ms) => ms > 790_000 && ms <= 800_000)).to.equal(true);
    await clock.advance(800_000);
    await until(() => updates().length > 0, 'updateAccessToken');
    expect((await f.log('token')).length).to.be.at.least(2);
    expect(updates().length).to.be.at.least(1);
  });

  it('jitters the refresh time within ±10 %', async () => {
    for (const [random, low, high] of [
      [0, 0.72, 0.721],
      [0.999, 0.879, 0.88],
    ] as const) {
      // Timers are recorded, and none runs.
      const delays = fakeClock().script(random).requested;
      const f = await fake({ token: [{ ttlSeconds: 10_000 }] });
      const el = mount(f);
      await untilState(el, 'connected');
      const refresh = delays.find((ms) => ms > 1_000_000)!;
      expect(refresh / 10_000_000).to.be.within(low - 0.002, high + 0.002);
      await freshPage();
    }
  });

  it('re-checks when the tab becomes visible and when the network comes back', async () => {
    // Timers on a fake clock (the scheduled refresh never fires by itself); the time is set below.
    const timers = fakeClock();
    const f = await fake({ token: [{ ttlSeconds: 1000 }] });
    const el = mount(f);
    await untilState(el, 'connected');
    const realNow = clock.now;
    // The tab slept past the refresh time (timers are throttled in the background).
    clock.now = () => realNow() + 900_000;
    // A refresh is over once it has scheduled the next one (which only the test could run).
    const scheduled = () => until(() => timers.pending().length === 1, 'the next refresh');
    document.dispatchEvent(new Event('visibilitychange'));
    await until(() => updates().length === 1, 'the first refresh');
    await scheduled();
    expect(await f.log('token')).to.have.length(2);
    clock.now = () => realNow() + 1_800_000;
    window.dispatchEvent(new Event('online'));
    await until(() => updates().length === 2, 'the second refresh');
    await scheduled();
    expect(await f.log('token')).to.have.length(3);
    expect(updates()).to.have.length(2);
    // Before the refresh time nothing happens: the check runs in the event's listener, and a
    // refresh would have cancelled the scheduled one there; no request is even started.
    const requests = watchFetch();
    clock.now = realNow;
    const next = timers.pending();
    window.dispatchEvent(new Event('online'));
    expect(timers.pending()).to.deep.equal(next);
    expect(requests).to.deep.equal([]);
    expect(await f.log('token')).to.have.length(3);
  });

  it('keeps the session alive while a refresh retries, then updates the token', async () => {
    const clock = fakeClock().script(0.5);
    const f = await fake({
      token: [{}, { status: 503, body: { error: { code: 'unavailable', message: 'x' } } }, {}],
    });
    const el = mount(f);
    await untilState(el, 'connected');
    const errors = record(el, 'kaleyra-call-error');
    const states = record(el, 'kaleyra-call-state');
    sdkStandIn().aboutToExpire();
    await oneEvent(el, 'kaleyra-call-error');
    // The retry waits its backoff (500 ms with a draw of 0.5) on the clock.
    await clock.advance(500);
    await until(() => updates().length > 0, 'updateAccessToken');
    expect(errors.map((e) => [e.detail.phase, e.detail.fatal])).to.deep.equal([['refresh', false]]);
    expect(states).to.have.length(0);
    expect(updates()).to.have.length(1);
    expect(el.state).to.equal('connected');
  });

  it('on client:access_token:expired: reconnecting → connected with a new token', async () => {
    // The new token has another lifetime, so that it differs from the first.
    const f = await fake({ token: [{ user: 'user_e' }, { user: 'user_e', ttlSeconds: 7200 }] });
    const el = mount(f);
    await untilState(el, 'connected');
    const states = record(el, 'kaleyra-call-state');
    const firstToken = sdkStandIn().calls.find((c) => c.method === 'connect')!.args[1];
    sdkStandIn().expire();
    await untilState(el, 'connected');
    expect(states.map((e) => e.detail.state)).to.deep.equal(['reconnecting', 'connected']);
    const connects = sdkStandIn().calls.filter((c) => c.method === 'connect');
    expect(connects).to.have.length(2);
    expect(connects[1]!.args[1]).not.to.equal(firstToken);
    expect(await f.log('token')).to.have.length(2);
  });

  it('on client:force_disconnect: fatal error, no retry, client destroyed', async () => {
    const clock = fakeClock();
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    const errors = record(el, 'kaleyra-call-error');
    const requests = watchFetch();
    sdkStandIn().forceDisconnect('user_disabled');
    await untilState(el, 'error');
    await until(() => sdkStandIn().count('destroyClient') > 0, 'destroyClient');
    // However long one waits, nothing retries.
    await clock.advance(3_600_000);
    expect(requests).to.deep.equal([]);
    expect(errors).to.have.length(1);
    expect(errors[0]!.detail).to.include({
      phase: 'connect',
      code: 'force_disconnect',
      fatal: true,
    });
    expect(errors[0]!.detail.message).to.contain('user_disabled');
    expect(await f.log('token')).to.have.length(1);
    expect(sdkStandIn().count('destroyClient')).to.equal(1);
  });

  it('a refreshed token for another user is refused', async () => {
    const f = await fake({ token: [{ user: 'alice' }, { user: 'mallory' }] });
    const el = mount(f);
    await untilState(el, 'connected');
    const errors = record(el, 'kaleyra-call-error');
    sdkStandIn().aboutToExpire();
    await untilState(el, 'error');
    expect(errors[0]!.detail).to.include({ phase: 'refresh', code: 'user_changed', fatal: true });
    expect(updates()).to.have.length(0);
  });
});
