import { expect, oneEvent } from '@open-wc/testing';
import { fake } from './support/fake-backend.js';
import { freshPage, jwtClaims, mount } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { record, until, untilState } from './support/waits.js';

describe('<kaleyra-call> start', () => {
  afterEach(freshPage);

  it('requests the token and the SDK script in parallel, then connects', async () => {
    const f = await fake({ token: [{ delayMs: 300, user: 'user_42' }], sdk: [{ delayMs: 300 }] });
    const el = mount(f);
    const states = record(el, 'kaleyra-call-state');
    const ready = record(el, 'kaleyra-call-ready');
    await untilState(el, 'connected');

    const [token] = await f.log('token');
    const [sdk] = await f.log('sdk');
    expect(token, 'token request').to.exist;
    expect(sdk, 'sdk request').to.exist;
    // Both were issued before either answered.
    expect(sdk!.start).to.be.below(token!.end!);
    expect(token!.start).to.be.below(sdk!.end!);
    expect(states.map((e) => e.detail.state)).to.deep.equal(['loading', 'connecting', 'connected']);
    expect(ready.map((e) => e.detail.userId)).to.deep.equal(['user_42']);
    expect(el.userId).to.equal('user_42');
    expect(el.getAttribute('state')).to.equal('connected');
    expect(el.matches(':state(connected)')).to.equal(true);

    const connects = sdkStandIn().calls.filter((c) => c.method === 'connect');
    expect(connects).to.have.length(1);
    expect(connects[0]!.args[0]).to.equal('user_42');
    expect(jwtClaims(connects[0]!.args[1] as string).user).to.equal('user_42');
    expect(document.querySelector('#Bandyer-bandyer-chat-widget') !== null).to.equal(true);
  });

  it('sends the token request of the contract: POST {} as JSON, Bearer auth, credentials mode', async () => {
    const f = await fake();
    const el = document.createElement('kaleyra-call');
    el.authToken = async () => 'site-jwt-123';
    el.credentials = 'include';
    el.setAttribute('app-id', 'wAppId_test');
    el.setAttribute('token-endpoint', f.token);
    el.setAttribute('sdk-src', f.sdk);
    const tokens = record(el, 'kaleyra-call-token');
    document.body.append(el);
    await untilState(el, 'connected');
    const [req] = await f.log('token');
    expect(req!.method).to.equal('POST');
    expect(req!.body).to.equal('{}');
    expect(req!.headers['content-type']).to.equal('application/json');
    expect(req!.headers.accept).to.equal('application/json');
    expect(req!.headers.authorization).to.equal('Bearer site-jwt-123');
    expect(tokens).to.have.length(1);
    expect(Date.parse(tokens[0]!.detail.expiresAt)).to.be.greaterThan(Date.now() + 3000_000);
    expect(el.expiresAt).to.equal(tokens[0]!.detail.expiresAt);
  });

  it('passes every attribute to BandyerSDK.configure as the SDK expects', async () => {
    const f = await fake();
    const layout = { header: { background: '#123456', color: '#fff' } };
    const userDetailsProvider = async (ids: string[]) => ids.map((userId) => ({ userId }));
    const userDetailsFormatter = (u: object) => String((u as { userId: string }).userId);
    const el = document.createElement('kaleyra-call');
    Object.assign(el, { layout, userDetailsProvider, userDetailsFormatter });
    for (const [name, value] of Object.entries({
      'app-id': 'wAppId_cfg',
      'token-endpoint': f.token,
      'sdk-src': f.sdk,
      region: 'in',
      environment: 'production',
      tools: 'chat  screen_sharing whiteboard',
      'call-type': 'audio_upgradable',
      language: 'es',
      mode: 'window',
      recording: 'manual',
      'widget-hidden': '',
      feedback: '',
      'virtual-background': 'blur',
    })) {
      el.setAttribute(name, value);
    }
    document.body.append(el);
    await untilState(el, 'connected');
    const config = sdkStandIn().lastConfig!;
    expect(config).to.include({
      appId: 'wAppId_cfg',
      region: 'in',
      environment: 'production',
      callType: 'audio_upgradable',
      language: 'es',
      mode: 'window',
      recordingType: 'manual',
      hidden: true,
      feedback: true,
      virtualBackground: 'blur',
    });
    expect(config.tools).to.deep.equal({ chat: true, screen_sharing: true, whiteboard: true });
    expect(config.layout).to.equal(layout);
    expect(config.userDetailsProvider).to.equal(userDetailsProvider);
    expect(config.userDetailsFormatter).to.equal(userDetailsFormatter);
  });

  it('takes the page language when it is en/it/es, else English; defaults the rest', async () => {
    const f = await fake();
    document.documentElement.lang = 'it-IT';
    try {
      const el = mount(f);
      await untilState(el, 'connected');
      const config = sdkStandIn().lastConfig!;
      expect(config).to.include({
        language: 'it',
        region: 'eu',
        environment: 'sandbox',
        callType: 'audio_video',
        mode: 'embed',
        recordingType: 'none',
        hidden: false,
        feedback: false,
      });
      expect(config.tools).to.deep.equal({ chat: true });
      expect(config).not.to.have.property('virtualBackground');
    } finally {
      document.documentElement.lang = 'en';
    }
  });

  it('falls back to English for an unsupported page language', async () => {
    const f = await fake();
    document.documentElement.lang = 'fr';
    try {
      const el = mount(f);
      await untilState(el, 'connected');
      expect(sdkStandIn().lastConfig!.language).to.equal('en');
    } finally {
      document.documentElement.lang = 'en';
    }
  });

  it('uses a tokenProvider instead of the endpoint', async () => {
    const f = await fake();
    const el = document.createElement('kaleyra-call');
    el.setAttribute('app-id', 'wAppId_test');
    el.setAttribute('sdk-src', f.sdk);
    const minted = await (await fetch(f.token, { method: 'POST', body: '{}' })).json();
    let calls = 0;
    el.tokenProvider = async () => {
      calls++;
      return {
        accessToken: minted.access_token,
        userId: minted.user_id,
        expiresAt: minted.expires_at,
      };
    };
    document.body.append(el);
    await untilState(el, 'connected');
    expect(calls).to.equal(1);
    expect(el.userId).to.equal(minted.user_id);
    expect(await f.log('token')).to.have.length(1); // only the one this test made itself
  });

  it('refuses a malformed token response at once, as a configuration error, without connecting', async () => {
    const f = await fake({
      token: [{ body: { access_token: '', user_id: 'u', expires_at: 'x' } }],
    });
    const el = mount(f);
    const errors = record(el, 'kaleyra-call-error');
    await oneEvent(el, 'kaleyra-call-error');
    // The SDK is there too, and still no connect.
    await until(() => window.__bandyerEmulator, 'the SDK');
    expect(errors[0]!.detail).to.include({
      phase: 'config',
      code: 'invalid_response',
      fatal: true,
    });
    expect(errors).to.have.length(1);
    expect(await f.log('token')).to.have.length(1);
    expect(sdkStandIn().count('connect')).to.equal(0);
  });
});
