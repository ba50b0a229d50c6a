/**
 * Origin refused: a token endpoint that is up but refuses the page's origin
 * (CORS: here one on the other loopback origin that sends no CORS headers at
 * all) is told from a server that cannot be reached (a closed port), by the
 * element alone: the first is a fatal `origin_not_allowed` of phase `config`
 * after one attempt and at most two requests, naming the page's origin and
 * ALLOWED_ORIGINS; the second is still a `network_error`, retried.
 */
import { expect } from '@open-wc/testing';
import { fakeClock } from './support/clock.js';
import { fake } from './support/fake-backend.js';
import { otherOrigin } from './support/host-page.js';
import { freshPage, mount } from './support/page.js';
import { record, until } from './support/waits.js';

/** CORS headers that admit this page, on every answer of the endpoint (its preflight's included). */
const admitting = () => ({
  'Access-Control-Allow-Origin': location.origin,
  'Access-Control-Allow-Methods': 'POST',
  'Access-Control-Allow-Headers': 'content-type, accept, authorization',
});

describe('<kaleyra-call> and a token endpoint on another origin', () => {
  afterEach(freshPage);

  it('one that refuses this page’s origin: after one attempt, a fatal origin_not_allowed naming the origin and ALLOWED_ORIGINS; two requests, no retry', async () => {
    const clock = fakeClock();
    const f = await fake();
    const endpoint = `${otherOrigin()}${f.token}`;
    const el = mount(f, { connect: 'manual', attrs: { 'token-endpoint': endpoint } });
    const errors = record(el, 'kaleyra-call-error');
    const rejected = await el.connect().then(
      () => undefined,
      (e: { phase: string; code: string }) => e,
    );
    expect(rejected).to.include({ phase: 'config', code: 'origin_not_allowed' });
    expect(el.state).to.equal('error');
    expect(errors.map((e) => e.detail)).to.have.length(1);
    const { detail } = errors[0]!;
    expect(detail).to.include({ phase: 'config', code: 'origin_not_allowed', fatal: true });
    expect(detail.message).to.contain(location.origin);
    expect(detail.message).to.contain('ALLOWED_ORIGINS');
    expect(detail.message).to.contain(endpoint);
    // The request (its preflight, refused) and one look without CORS: two, and no more later.
    const asked = async () =>
      (await f.log()).filter((e) => e.kind !== 'sdk').map((e) => `${e.kind} ${e.method}`);
    expect(await asked()).to.deep.equal(['token OPTIONS', 'probe GET']);
    await clock.advance(3_600_000);
    expect(await asked()).to.deep.equal(['token OPTIONS', 'probe GET']);
    expect(errors).to.have.length(1);
    // The visitor reads that the call is not set up; the editor's Details say why.
    await el.updateComplete;
    const box = el.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!;
    expect(box.hidden).to.equal(false);
    expect(box.firstElementChild!.textContent).to.equal(
      'The video call is not set up on this page.',
    );
    expect(box.querySelector('details')!.textContent).to.contain('ALLOWED_ORIGINS');
  });

  it('the control: the same endpoint admitting this page (CORS headers) connects', async () => {
    const f = await fake({ token: [{ headers: admitting() }] });
    const el = mount(f, {
      connect: 'manual',
      attrs: { 'token-endpoint': `${otherOrigin()}${f.token}` },
    });
    await el.connect();
    expect(el.state).to.equal('connected');
    expect((await f.log('token')).map((e) => e.method)).to.deep.equal(['OPTIONS', 'POST']);
  });

  it('a server that cannot be reached (a closed port) is a network_error, retried', async () => {
    const { port } = (await (await fetch('/fake/net/closed-port')).json()) as { port: number };
    const clock = fakeClock();
    const f = await fake();
    const el = mount(f, {
      connect: 'manual',
      attrs: { 'token-endpoint': `http://127.0.0.1:${port}/v1/token` },
    });
    const errors = record(el, 'kaleyra-call-error');
    const outcome = el.connect().catch(() => 'rejected');
    await until(() => errors.length === 1, 'the first failure');
    const [first] = errors;
    expect(first!.detail).to.include({ phase: 'token', code: 'network_error', fatal: false });
    expect(first!.detail.retryInMs).to.be.a('number');
    expect(el.state).not.to.equal('error');
    await clock.advance(first!.detail.retryInMs!);
    await until(() => errors.length === 2, 'the retry’s failure');
    expect(errors[1]!.detail).to.include({ code: 'network_error', fatal: false });
    await el.disconnect();
    expect(await outcome).to.equal('rejected');
  });
});
