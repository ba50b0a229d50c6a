import { expect } from '@open-wc/testing';
import { backoffDelay } from '../../component/runtime/retry.js';
import { fakeClock, type FakeClock } from './support/clock.js';
import { fake } from './support/fake-backend.js';
import { freshPage, mount, watchFetch } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { record, until, untilState } from './support/waits.js';

const error = (status: number, code: string, headers?: Record<string, string>) => ({
  status,
  body: { error: { code, message: `${code} from the test` } },
  ...(headers ? { headers } : {}),
});

/**
 * Lets the element's retries run on the fake clock: after each `kaleyra-call-error` that
 * announces a retry, moves the clock on by exactly the wait it announced, until `attempts`
 * retries have run.
 */
async function runRetries(
  clock: FakeClock,
  errors: CustomEvent<{ retryInMs?: number }>[],
  attempts: number,
): Promise<void> {
  for (let n = 1; n <= attempts; n++) {
    await until(() => errors.length >= n, `retry ${n} announced`);
    await clock.advance(errors[n - 1]!.detail.retryInMs!);
  }
}

describe('<kaleyra-call> token endpoint outcomes', () => {
  afterEach(freshPage);

  it('401 → error state "unauthenticated", fatal, no retry; inline message and Try again', async () => {
    const clock = fakeClock();
    const f = await fake({ token: [error(401, 'unauthenticated')] });
    const requests = watchFetch();
    const el = mount(f);
    const errors = record(el, 'kaleyra-call-error');
    await untilState(el, 'error');
    // Past any backoff: still the one request.
    await clock.advance(3_600_000);
    expect(requests).to.have.length(1);
    expect(await f.log('token')).to.have.length(1);
    expect(errors).to.have.length(1);
    expect(errors[0]!.detail).to.deep.equal({
      phase: 'token',
      code: 'unauthenticated',
      message: 'The token endpoint refused the credentials (401): sign in, then call connect().',
      status: 401,
      fatal: true,
    });
    await el.updateComplete;
    const box = el.shadowRoot!.querySelector('[part="error"]')!;
    expect(box.textContent).to.contain('Please sign in');
    expect((box as HTMLElement).hidden).to.equal(false);
    expect(box.querySelector<HTMLElement>('[part="retry"]')!.hidden).to.equal(false);
  });

  for (const [status, code] of [
    [400, 'bad_request'],
    [403, 'origin_not_allowed'],
    [405, 'method_not_allowed'],
    [413, 'body_too_large'],
    [415, 'unsupported_media_type'],
    [418, 'teapot'],
    [404, 'not_found'],
  ] as const) {
    it(`${status} ${code} → fatal error, no retry`, async () => {
      const clock = fakeClock();
      const f = await fake({ token: [error(status, code)] });
      const requests = watchFetch();
      const el = mount(f);
      const errors = record(el, 'kaleyra-call-error');
      await untilState(el, 'error');
      // Past any backoff: still the one request.
      await clock.advance(3_600_000);
      expect(requests).to.have.length(1);
      expect(await f.log('token')).to.have.length(1);
      expect(errors.map((e) => [e.detail.status, e.detail.fatal])).to.deep.equal([[status, true]]);
    });
  }

  it('429 → waits Retry-After, then retries and connects', async () => {
    const f = await fake({
      token: [error(429, 'rate_limited', { 'Retry-After': '1' }), { user: 'user_7' }],
    });
    const el = mount(f);
    const errors = record(el, 'kaleyra-call-error');
    await untilState(el, 'connected', 5000);
    const [first, second] = await f.log('token');
    expect(second!.start - first!.end!).to.be.at.least(950);
    expect(errors[0]!.detail).to.include({ code: 'rate_limited', status: 429, fatal: false });
    expect(errors[0]!.detail.retryInMs).to.be.at.least(1000);
    expect(el.userId).to.equal('user_7');
  });

  for (const failure of [
    { name: '500 internal', step: error(500, 'internal') },
    { name: '502 upstream_error', step: error(502, 'upstream_error') },
    { name: '503 unavailable', step: error(503, 'unavailable') },
    { name: '504 upstream_timeout', step: error(504, 'upstream_timeout') },
    { name: 'a network error', step: { network: true } },
    { name: 'an HTML error page', step: { status: 502, body: '<html>Bad gateway</html>' } },
  ]) {
    it(`${failure.name} → retries with backoff, then recovers when the endpoint heals`, async () => {
      const clock = fakeClock().script(0.5);
      const f = await fake({ token: [failure.step, failure.step, failure.step, {}] });
      const el = mount(f);
      const errors = record(el, 'kaleyra-call-error');
      await runRetries(clock, errors, 3);
      await untilState(el, 'connected');
      expect(await f.log('token')).to.have.length(4);
      expect(errors.map((e) => e.detail.fatal)).to.deep.equal([false, false, false]);
      // Full jitter (here a fixed draw of 0.5) over 1 s, 2 s, 4 s.
      expect(errors.map((e) => e.detail.retryInMs)).to.deep.equal([500, 1000, 2000]);
      expect(clock.requested).to.include.members([500, 1000, 2000]);
      expect(el.state).to.equal('connected');
    });
  }

  it('backoff doubles from 1 s with full jitter, and is capped at 30 s', async () => {
    expect(backoffDelay(10)).to.be.within(0, 30_000);
    const clock = fakeClock().script(0.999);
    expect(backoffDelay(10)).to.equal(29_970);
    expect(backoffDelay(0)).to.equal(999);
    const f = await fake({ token: [error(503, 'unavailable')] });
    const el = mount(f);
    const errors = record(el, 'kaleyra-call-error');
    await runRetries(clock, errors, 5);
    await untilState(el, 'error');
    const retries = errors.filter((e) => !e.detail.fatal).map((e) => e.detail.retryInMs);
    expect(retries).to.deep.equal([999, 1998, 3996, 7992, 15984]);
    expect(retries.every((ms) => ms! <= 30_000)).to.equal(true);
  });

  it('gives up after 6 attempts with a visible Try again that works', async () => {
    const clock = fakeClock().script(0.1);
    const f = await fake({ token: [error(500, 'internal')] });
    const el = mount(f);
    const errors = record(el, 'kaleyra-call-error');
    await runRetries(clock, errors, 5);
    await untilState(el, 'error');
    expect(await f.log('token')).to.have.length(6);
    const last = errors.at(-1)!.detail;
    expect(last).to.include({ phase: 'token', code: 'internal', fatal: true, status: 500 });
    expect(last).not.to.have.property('retryInMs');

    await f.script({ token: [{ user: 'user_back' }] });
    await el.updateComplete;
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!;
    expect(retry.textContent).to.equal('Try again');
    retry.click();
    await untilState(el, 'connected');
    expect(el.userId).to.equal('user_back');
    expect(el.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!.hidden).to.equal(true);
    expect(sdkStandIn().count('configure')).to.be.at.least(1);
  });

  it('the host can fix a 401 (sign in again) and call connect()', async () => {
    const f = await fake({ token: [error(401, 'unauthenticated')] });
    const el = mount(f);
    await untilState(el, 'error');
    await f.script({ token: [{ user: 'user_relogged' }] });
    el.authToken = 'fresh-site-jwt';
    await el.connect();
    expect(el.state).to.equal('connected');
    const [req] = await f.log('token');
    expect(req!.headers.authorization).to.equal('Bearer fresh-site-jwt');
  });
});
