import { expect } from '@open-wc/testing';
import { KaleyraCallError } from '../../component/common/errors.js';
import { word } from '../../component/runtime/messages.js';
import { ATTEMPTS, backoffDelay, withRetries } from '../../component/runtime/retry.js';
import { fakeClock, type FakeClock } from './support/clock.js';
import { freshPage } from './support/page.js';

const retryable = (retryInMs?: number) =>
  new KaleyraCallError({
    phase: 'token',
    code: 'unavailable',
    fatal: false,
    status: 503,
    retryInMs,
  });

/** An attempt that fails with `errors` in turn (the last one repeats), then, if given, succeeds. */
function attempts(errors: unknown[], value?: string) {
  let calls = 0;
  const attempt = async () => {
    calls++;
    if (calls <= errors.length || value === undefined)
      throw errors[Math.min(calls, errors.length) - 1];
    return value;
  };
  return { attempt, calls: () => calls };
}

/** Where a promise stands, without waiting for it. */
function track<T>(promise: Promise<T>) {
  const outcome: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { settled: true, value }),
    (error: unknown) => Object.assign(outcome, { settled: true, error }),
  );
  return outcome;
}

/** Runs the clock until `promise` settles (every wait is at most 30 s). */
async function settle<T>(clock: FakeClock, promise: Promise<T>) {
  const outcome = track(promise);
  for (let i = 0; i < 20 && !outcome.settled; i++) await clock.advance(30_000);
  expect(outcome.settled, 'settled').to.equal(true);
  return outcome;
}

describe('retry: withRetries', () => {
  let clock: FakeClock;
  beforeEach(() => (clock = fakeClock({ frozen: true })));
  afterEach(freshPage);

  it('resolves with the first success, without waiting or retrying', async () => {
    const { attempt, calls } = attempts([], 'token');
    const retries: number[] = [];
    const value = await withRetries(attempt, new AbortController().signal, (_, ms) =>
      retries.push(ms),
    );
    expect(value).to.equal('token');
    expect(calls()).to.equal(1);
    expect(retries).to.deep.equal([]);
    expect(clock.pending()).to.deep.equal([]);
  });

  it('does not retry a fatal error, nor an error that is not a KaleyraCallError', async () => {
    for (const error of [
      new KaleyraCallError({ phase: 'token', code: 'unauthenticated', status: 401 }),
      new TypeError('a bug'),
    ]) {
      const { attempt, calls } = attempts([error]);
      const retries: number[] = [];
      const result = await withRetries(attempt, new AbortController().signal, (_, ms) =>
        retries.push(ms),
      ).catch((e: unknown) => e);
      expect(result).to.equal(error);
      expect(calls()).to.equal(1);
      expect(retries).to.deep.equal([]);
      expect(clock.pending()).to.deep.equal([]);
    }
  });

  it(`makes ${ATTEMPTS} attempts, then gives up with a fatal error that says so`, async () => {
    expect(ATTEMPTS).to.equal(6);
    const { attempt, calls } = attempts([retryable()]);
    const retries: [string, number][] = [];
    const { error } = await settle(
      clock,
      withRetries(attempt, new AbortController().signal, (err, ms) => retries.push([err.code, ms])),
    );
    expect(calls()).to.equal(6);
    expect(retries.map(([code]) => code)).to.deep.equal(Array(5).fill('unavailable'));
    expect(error).to.be.instanceOf(KaleyraCallError);
    expect(error).to.include({ phase: 'token', code: 'unavailable', fatal: true, status: 503 });
    expect((error as KaleyraCallError).retryInMs).to.equal(undefined);
    expect((error as KaleyraCallError).params.attempts).to.equal(6);
    // Worded in the element's language, the detail says so.
    expect(word(error as KaleyraCallError, 'en').message).to.match(/ Gave up after 6 attempts\.$/);
    expect(word(error as KaleyraCallError, 'it').message).to.match(
      / Abbandonato dopo 6 tentativi\.$/,
    );
    expect(word(error as KaleyraCallError, 'es').message).to.match(
      / Abandonado tras 6 intentos\.$/,
    );
  });

  it('recovers when an attempt succeeds after retries', async () => {
    const { attempt, calls } = attempts([retryable(), retryable()], 'token');
    const { value } = await settle(
      clock,
      withRetries(attempt, new AbortController().signal, () => {}),
    );
    expect(value).to.equal('token');
    expect(calls()).to.equal(3);
  });

  it('waits a full-jitter delay: base 1 s doubling, capped at 30 s, drawn from random()', async () => {
    // The draws, one per wait: the lowest and the highest the jitter can give.
    clock.script(0, 0.9999, 0.9999, 0.9999, 0.9999);
    const { attempt, calls } = attempts([retryable()]);
    const retries: number[] = [];
    const run = track(
      withRetries(attempt, new AbortController().signal, (_, ms) => retries.push(ms)),
    );
    // The first wait is 0 ms: the second attempt follows at once.
    await clock.advance(0);
    expect(calls()).to.equal(2);
    for (const [n, delay] of [
      [3, 1999],
      [4, 3999],
      [5, 7999],
      [6, 15_998],
    ] as const) {
      // The next attempt comes exactly when its wait is over, not before.
      await clock.advance(delay - 1);
      expect(calls(), `attempt ${n} not yet`).to.equal(n - 1);
      await clock.advance(1);
      expect(calls(), `attempt ${n}`).to.equal(n);
    }
    expect(run.settled).to.equal(true);
    expect(retries).to.deep.equal([0, 1999, 3999, 7999, 15_998]);
    expect(clock.requested).to.deep.equal(retries);

    // Past five doublings the cap holds, and the draw scales the whole range.
    clock.script(0.9999);
    expect(backoffDelay(5)).to.equal(29_997);
    expect(backoffDelay(10)).to.equal(29_997);
    clock.script(0.5);
    expect(backoffDelay(0)).to.equal(500);
    expect(backoffDelay(4)).to.equal(8000);
    expect(backoffDelay(30)).to.equal(15_000);
    clock.script(0);
    expect(backoffDelay(30)).to.equal(0);
  });

  it('honours Retry-After, never waiting less than the jittered delay', async () => {
    clock.script(0.5); // jitter: 500 ms, then 1000 ms
    const { attempt, calls } = attempts([retryable(5000), retryable(100)], 'token');
    const retries: number[] = [];
    const run = track(
      withRetries(attempt, new AbortController().signal, (_, ms) => retries.push(ms)),
    );
    await clock.advance(4999);
    expect(calls()).to.equal(1);
    await clock.advance(1);
    expect(calls()).to.equal(2);
    await clock.advance(999);
    expect(calls()).to.equal(2);
    await clock.advance(1);
    expect(calls()).to.equal(3);
    expect(run).to.include({ settled: true, value: 'token' });
    expect(retries).to.deep.equal([5000, 1000]);
  });

  it('an abort during the wait rejects with the signal’s reason and leaves no timer', async () => {
    const { attempt, calls } = attempts([retryable()]);
    const controller = new AbortController();
    const run = track(withRetries(attempt, controller.signal, () => {}));
    await clock.advance(0);
    expect(clock.pending()).to.deep.equal([500]);
    const reason = new DOMException('the element left', 'AbortError');
    controller.abort(reason);
    await clock.advance(0);
    expect(run).to.include({ settled: true, error: reason });
    expect(clock.pending()).to.deep.equal([]);
    await clock.advance(60_000);
    expect(calls()).to.equal(1);
  });

  it('an abort during an attempt rejects with the signal’s reason, not the attempt’s error', async () => {
    const controller = new AbortController();
    const reason = new Error('superseded');
    const attempt = () => {
      controller.abort(reason);
      return Promise.reject(retryable());
    };
    const result = await withRetries(attempt, controller.signal, () => {}).catch((e: unknown) => e);
    expect(result).to.equal(reason);
    expect(clock.pending()).to.deep.equal([]);
  });
});
