import { expect } from '@open-wc/testing';
import { KaleyraCallError } from '../../component/common/errors.js';
import type { KaleyraCallState } from '../../component/common/events.js';
import {
  SDK_EVENTS,
  acquireSession,
  releaseSession,
  type Session,
  type SessionMember,
  type CallInfo,
  type SessionSource,
} from '../../component/runtime/session.js';
import { fetchToken } from '../../component/runtime/token-client.js';
import { fakeClock } from './support/clock.js';
import { fake, type Fake } from './support/fake-backend.js';
import { freshPage, jwtClaims } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { until } from './support/waits.js';
import { word } from '../../component/runtime/messages.js';

/** A session member that records what the session tells it. */
class Member implements SessionMember {
  readonly states: KaleyraCallState[] = [];
  readonly errors: KaleyraCallError[] = [];
  readonly ready: string[] = [];
  readonly tokens: string[] = [];
  readonly events: { type: string; payload: unknown }[] = [];
  readonly calls: CallInfo[] = [];
  onState(state: KaleyraCallState) {
    this.states.push(state);
  }
  onError(error: KaleyraCallError) {
    this.errors.push(error);
  }
  onReady(userId: string) {
    this.ready.push(userId);
  }
  onToken(expiresAt: string) {
    this.tokens.push(expiresAt);
  }
  onSdkEvent(type: string, payload: unknown) {
    this.events.push({ type, payload });
  }
  onCall(call: CallInfo) {
    this.calls.push(call);
  }
}

/** A session source for a fake backend: its token endpoint and the SDK stand-in. */
function source(f: Fake, overrides: Partial<SessionSource> = {}): SessionSource {
  return {
    key: `test ${f.id}`,
    sdkSrc: new URL(f.sdk, document.baseURI).href,
    config: { appId: 'wAppId_test', region: 'eu', environment: 'sandbox' },
    getToken: (signal) => fetchToken({ endpoint: f.token, credentials: 'same-origin', signal }),
    connectTimeoutMs: 20_000,
    ...overrides,
  };
}

const joined: [Session, SessionMember][] = [];

function join(src: SessionSource, member: SessionMember): Session {
  const session = acquireSession(src, member);
  joined.push([session, member]);
  return session;
}

const widgets = () => document.querySelectorAll('#Bandyer-bandyer-chat-widget');

async function connected(f: Fake, overrides: Partial<SessionSource> = {}) {
  const member = new Member();
  const session = join(source(f, overrides), member);
  session.start();
  await until(() => /connected|error/.test(session.state), 'connected');
  expect(member.errors).to.deep.equal([]);
  return { session, member };
}

describe('session', () => {
  afterEach(async () => {
    for (const [session, member] of joined.splice(0)) await releaseSession(session, member);
    await freshPage();
  });

  it('requests the token and the SDK at the same time, then configures and connects', async () => {
    const f = await fake({ token: [{ delayMs: 300, user: 'user_p' }], sdk: [{ delayMs: 300 }] });
    const member = new Member();
    const session = join(source(f), member);
    session.start();
    session.start(); // already under way: no second start
    await until(() => session.state === 'connected', 'connected');
    const [token] = await f.log('token');
    const [sdk] = await f.log('sdk');
    // Each was requested before the other was answered.
    expect(sdk!.start).to.be.below(token!.end!);
    expect(token!.start).to.be.below(sdk!.end!);
    expect(await f.log()).to.have.length(2);
    expect(member.states).to.deep.equal(['loading', 'connecting', 'connected']);
    expect(member.ready).to.deep.equal(['user_p']);
    expect(member.tokens).to.have.length(1);
    expect(session.userId).to.equal('user_p');
    expect(session.client).to.equal(sdkStandIn().client);
    expect(sdkStandIn().lastConfig).to.include({
      appId: 'wAppId_test',
      region: 'eu',
      environment: 'sandbox',
    });
    const [connect, ...more] = sdkStandIn().calls.filter((c) => c.method === 'connect');
    expect(more).to.deep.equal([]);
    expect(connect!.args[0]).to.equal('user_p');
    expect(jwtClaims(connect!.args[1] as string).user).to.equal('user_p');
  });

  it('gives up on a connect that never settles after connectTimeoutMs (20 s)', async () => {
    const clock = fakeClock({ frozen: true });
    const f = await fake({
      sdk: [{ append: "window.__bandyerEmulator.setConnectBehavior('hang');" }],
    });
    const member = new Member();
    const session = join(source(f), member);
    session.start();
    await until(() => window.__bandyerEmulator?.count('connect') === 1, 'client.connect');
    expect(clock.pending()).to.deep.equal([20_000]);
    await clock.advance(19_999);
    expect(session.state).to.equal('connecting');
    expect(member.errors).to.deep.equal([]);
    await clock.advance(1);
    expect(session.state).to.equal('error');
    expect(member.states).to.deep.equal(['loading', 'connecting', 'error']);
    expect(member.errors).to.have.length(1);
    expect(member.errors[0]).to.include({ phase: 'connect', code: 'connect_timeout', fatal: true });
    // Worded for the page (runtime/driver.ts), the detail gives the wait and the likely causes.
    expect(word(member.errors[0]!, 'en').message).to.equal(
      "No answer from the video service in 20 s. Likely: app id, region or environment differ from the worker's, " +
        'a token for another app, or a network without WebSockets.',
    );
    // A failed session holds no client.
    await until(() => sdkStandIn().count('destroyClient') === 1, 'destroyClient');
    expect(session.client).to.equal(undefined);
    expect(clock.pending()).to.deep.equal([]);
  });

  it('schedules the refresh at 80 % of the token lifetime, ±10 % drawn from random()', async () => {
    const lifetime = 1_000_000;
    for (const [draw, fraction] of [
      [0, 0.72],
      [0.5, 0.8],
      [0.9999, 0.8 * (0.9 + 0.9999 * 0.2)],
    ] as const) {
      const clock = fakeClock({ frozen: true }).script(draw);
      const f = await fake();
      // The endpoint's token, with its expiry restated on the fake clock.
      const getToken = async (signal: AbortSignal) => ({
        ...(await fetchToken({ endpoint: f.token, credentials: 'same-origin', signal })),
        expiresAt: new Date(clock.now() + lifetime).toISOString(),
      });
      const { session, member } = await connected(f, { getToken });
      const [due, ...others] = clock.pending();
      expect(others).to.deep.equal([]);
      expect(due! / lifetime, `draw ${draw}`).to.be.closeTo(fraction, 1e-8);
      await clock.advance(due! - 1);
      expect(await f.log('token')).to.have.length(1);
      await clock.advance(1);
      await until(() => sdkStandIn().count('updateAccessToken') === 1, 'updateAccessToken');
      expect(await f.log('token')).to.have.length(2);
      expect(member.tokens).to.have.length(2);
      expect(member.states).to.deep.equal(['loading', 'connecting', 'connected']);
      // And the next one is scheduled on the new token.
      await until(() => clock.pending().length === 1, 'the next refresh');
      await releaseSession(session, member);
      await freshPage();
    }
  });

  it('counts a token lifetime as at least Kaleyra’s minimum of 360 s', async () => {
    const clock = fakeClock({ frozen: true }).script(0.5);
    const f = await fake();
    const getToken = async (signal: AbortSignal) => ({
      ...(await fetchToken({ endpoint: f.token, credentials: 'same-origin', signal })),
      expiresAt: new Date(clock.now() + 60_000).toISOString(),
    });
    await connected(f, { getToken });
    const [due, ...others] = clock.pending();
    expect(others).to.deep.equal([]);
    expect(due).to.be.closeTo(0.8 * 360_000, 0.01);
  });

  it('client:access_token:is_about_to_expire → one shared refresh for overlapping events', async () => {
    const f = await fake({ token: [{}, { delayMs: 200, ttlSeconds: 7200 }] });
    const { session, member } = await connected(f);
    for (let i = 0; i < 3; i++) sdkStandIn().aboutToExpire();
    await until(() => sdkStandIn().count('updateAccessToken') === 1, 'updateAccessToken');
    expect(await f.log('token')).to.have.length(2);
    expect(member.tokens).to.have.length(2);
    const [update] = sdkStandIn().calls.filter((c) => c.method === 'updateAccessToken');
    expect(jwtClaims(update!.args[0] as string).exp).to.equal(
      Math.floor(Date.parse(member.tokens[1]!) / 1000),
    );
    expect(member.events.map((e) => e.type)).to.deep.equal(Array(3).fill(SDK_EVENTS[0]));
    expect(member.states).to.deep.equal(['loading', 'connecting', 'connected']);
    expect(session.state).to.equal('connected');
  });

  it('client:access_token:expired → reconnecting, then connected with a new token', async () => {
    const f = await fake({ token: [{ user: 'user_e' }, { user: 'user_e', ttlSeconds: 7200 }] });
    const { session, member } = await connected(f);
    sdkStandIn().expire();
    await until(() => member.ready.length === 2, 'connected again');
    expect(member.states).to.deep.equal([
      'loading',
      'connecting',
      'connected',
      'reconnecting',
      'connected',
    ]);
    const connects = sdkStandIn().calls.filter((c) => c.method === 'connect');
    expect(connects).to.have.length(2);
    expect(connects[1]!.args[1]).not.to.equal(connects[0]!.args[1]);
    expect(await f.log('token')).to.have.length(2);
    expect(member.errors).to.deep.equal([]);
    expect(session.state).to.equal('connected');
  });

  it('client:force_disconnect → a fatal connect error, no retry, the client destroyed', async () => {
    const clock = fakeClock();
    const f = await fake();
    const { session, member } = await connected(f);
    sdkStandIn().forceDisconnect('user_disabled');
    expect(session.state).to.equal('error');
    expect(member.errors).to.have.length(1);
    expect(member.errors[0]).to.include({
      phase: 'connect',
      code: 'force_disconnect',
      fatal: true,
    });
    expect(member.errors[0]!.params.sdk).to.equal('user_disabled');
    expect(word(member.errors[0]!, 'en').message).to.contain('(user_disabled)');
    await until(() => sdkStandIn().count('destroyClient') === 1, 'destroyClient');
    expect(widgets()).to.have.length(0);
    // Nothing is left to retry it, however long one waits.
    expect(clock.pending()).to.deep.equal([]);
    await clock.advance(3_600_000);
    expect(await f.log('token')).to.have.length(1);
    expect(member.errors).to.have.length(1);
  });

  it('a source with another app id while a session runs → client_already_exists', async () => {
    const f = await fake();
    const { session } = await connected(f);
    const other = source(f, {
      key: 'another app',
      config: { appId: 'wAppId_other', region: 'us', environment: 'production' },
    });
    let error: unknown;
    try {
      join(other, new Member());
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(KaleyraCallError);
    expect(error).to.include({ phase: 'config', code: 'client_already_exists', fatal: true });
    expect(word(error as KaleyraCallError, 'en').message).to.contain('wAppId_test (eu, sandbox)');
    expect(session.state).to.equal('connected');
    expect(sdkStandIn().count('configure')).to.equal(1);
    // The same source joins the running session.
    expect(join(source(f), new Member())).to.equal(session);
  });

  it('the last member out disconnects, destroys the client and removes every widget root', async () => {
    const f = await fake();
    const { session, member } = await connected(f);
    // The SDK leaves a root behind on every connect: one more, as after a reconnect.
    const stray = document.createElement('div');
    stray.id = 'Bandyer-bandyer-chat-widget';
    document.body.append(stray);
    expect(widgets()).to.have.length(2);
    await releaseSession(session, member);
    expect(sdkStandIn().count('disconnect')).to.be.at.least(1);
    expect(sdkStandIn().count('destroyClient')).to.equal(1);
    expect(sdkStandIn().client).to.equal(null);
    expect(widgets()).to.have.length(0);
    expect(session.state).to.equal('disconnected');
    expect(session.client).to.equal(undefined);
    // The page's next session is a new one.
    expect(join(source(f), new Member())).not.to.equal(session);
  });

  it('one of two members leaving keeps the session for the other', async () => {
    const f = await fake();
    const a = new Member();
    const b = new Member();
    const session = join(source(f), a);
    expect(join(source(f), b)).to.equal(session);
    session.start();
    await until(() => session.state === 'connected', 'connected');
    expect([a.ready, b.ready]).to.deep.equal([['user_1'], ['user_1']]);
    await releaseSession(session, a);
    await releaseSession(session, a); // twice is harmless
    expect(session.state).to.equal('connected');
    expect(sdkStandIn().count('destroyClient')).to.equal(0);
    sdkStandIn().emit('call:incoming', { from: 'dr_who' });
    expect(b.events).to.deep.equal([{ type: 'call:incoming', payload: { from: 'dr_who' } }]);
    expect(a.events).to.deep.equal([]);
    await releaseSession(session, b);
    expect(sdkStandIn().count('destroyClient')).to.equal(1);
  });
});
