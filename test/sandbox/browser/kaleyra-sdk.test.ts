/**
 * The SDK stand-in (sandbox/kaleyra-sdk/bandyer-sdk.js) behaves like the real 2.7.5 chat widget as
 * described in docs/kaleyra-sdk-notes.md (configure, Client, Events, Observed behaviour of 2.7.5): configure, connect, token lifecycle, widget DOM.
 */
import { expect } from '@open-wc/testing';
import type {
  BandyerSDK,
  Client,
  SdkStandInControl,
} from '../../../sandbox/kaleyra-sdk/bandyer-sdk.js';
import {
  SECRET,
  WIDGET_SELECTOR,
  after,
  driven,
  sdkStandInOf,
  loadSdkStandIn,
  mintToken,
  nextEvent,
  recordEvents,
  rejection,
  thrown,
  until,
} from './kaleyra-sdk-support.js';
import { FakeClock } from '../../component/support/clock.js';

let sdk: BandyerSDK;
let control: SdkStandInControl;

const base = { appId: 'wAppId_standin', region: 'eu', environment: 'sandbox' };
const configure = (extra: Record<string, unknown> = {}): Client =>
  sdk.configure({ ...base, ...extra });
const widgets = () => document.querySelectorAll(WIDGET_SELECTOR);
const widgetText = () => document.querySelector(WIDGET_SELECTOR)?.textContent ?? '';
const launcher = () =>
  document.querySelector<HTMLButtonElement>(`${WIDGET_SELECTOR} .Bandyer-launcher`);

async function connected(user = 'alice', extra: Record<string, unknown> = {}): Promise<Client> {
  const client = configure(extra);
  await client.connect(user, (await mintToken(user)).token);
  return client;
}

/** Silences console.error and collects its messages. */
function captureConsoleError(): { messages: string[]; restore(): void } {
  const original = console.error;
  const messages: string[] = [];
  console.error = (...args: unknown[]) => void messages.push(args.map(String).join(' '));
  return { messages, restore: () => (console.error = original) };
}

before(async () => {
  await loadSdkStandIn();
  ({ sdk, control } = sdkStandInOf());
});

let pageClock: FakeClock | undefined;
/** Hands the page's timers (so the stand-in's) to a fake clock, until the test ends. */
const fakeTimers = () => (pageClock = new FakeClock({ frozen: true }).installGlobals());

beforeEach(() => control.reset());
afterEach(() => {
  pageClock?.uninstall();
  control.reset();
});

describe('SDK stand-in: loading', () => {
  it('defines window.BandyerSDK with a version and nothing on the page yet', () => {
    expect(sdk.version).to.equal('2.8.0-stand-in');
    expect(typeof sdk.configure).to.equal('function');
    expect(widgets().length).to.equal(0);
  });

  it('keeps the first BandyerSDK when the script loads again', async () => {
    const first = sdk;
    await loadSdkStandIn();
    expect(sdkStandInOf().sdk).to.equal(first);
    expect(sdkStandInOf().control).to.equal(control);
  });
});

describe('SDK stand-in: configure', () => {
  it('returns the client synchronously, with the documented properties', () => {
    const client = configure();
    expect(client).not.to.have.property('then');
    expect(client.region).to.equal('eu');
    expect(client.environment).to.equal('sandbox');
    expect(client.appId).to.equal('wAppId_standin');
    expect(client.userId).to.equal(null);
    expect(client.channelsView).to.be.instanceOf(Map);
    expect(client.channelsView.size).to.equal(0);
    expect(client.callView).to.equal(null);
    expect(sdk.isAuthenticated()).to.equal(false);
    expect(widgets().length).to.equal(0);
    expect(control.count('configure')).to.equal(1);
    expect(control.lastConfig).to.deep.equal(base);
  });

  const invalid: [string, unknown][] = [
    ['no config', undefined],
    ['an empty config', {}],
    ['no appId', { region: 'eu', environment: 'sandbox' }],
    ['no environment', { appId: 'a', region: 'eu' }],
    ['an unknown region', { ...base, region: 'mars' }],
    ['no region', { appId: 'a', environment: 'sandbox' }],
    ['a bad recordingType', { ...base, recordingType: 'always' }],
    ['a bad virtualBackground', { ...base, virtualBackground: 'beach' }],
    ['an unknown tool', { ...base, tools: { chat: true, teleport: true } }],
    ['a non-boolean tool', { ...base, tools: { chat: 'yes' } }],
    ['tools that are not an object', { ...base, tools: ['chat'] }],
    ['a bad whiteboard option', { ...base, tools: { whiteboard: { wb_laser: true } } }],
    ['a non-boolean hidden', { ...base, hidden: 'true' }],
    ['a layout that is not an object', { ...base, layout: 'dark' }],
    ['a userDetailsProvider that is not a function', { ...base, userDetailsProvider: {} }],
  ];
  for (const [label, config] of invalid) {
    it(`throws invalid_config_error (without code) for ${label}`, () => {
      const error = thrown(() => sdk.configure(config));
      expect(error).to.be.instanceOf(Error);
      expect(error.name).to.equal('invalid_config_error');
      expect(error).not.to.have.property('code');
      expect(control.client).to.equal(null);
    });
  }

  it('accepts the "me" region, every tool and whiteboard options', () => {
    const client = configure({
      region: 'me',
      tools: {
        chat: true,
        screen_sharing: false,
        file_upload: true,
        whiteboard: { wb_pen: true, wb_eraser: false },
        snapshot: true,
        live_edit: false,
        live_pointer: true,
      },
      recordingType: 'manual',
      virtualBackground: 'blur',
    });
    expect(client.region).to.equal('me');
    expect(control.config?.tools.whiteboard).to.equal(true);
    expect(control.config?.recordingType).to.equal('manual');
  });

  it('falls back silently for unknown callType, mode and language', () => {
    configure({ callType: 'hologram', mode: 'popup', language: 'fr' });
    expect(control.config).to.include({ callType: 'audio_video', mode: 'embed', language: 'en' });
    expect(control.config?.tools.chat).to.equal(false);
  });

  it('keeps valid callType, mode and language', () => {
    configure({ callType: 'audio_only', mode: 'window', language: 'it' });
    expect(control.config).to.include({ callType: 'audio_only', mode: 'window', language: 'it' });
  });

  it('refuses a second client with client_already_exists until destroyClient', async () => {
    const first = configure();
    const error = thrown(() => configure());
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal('client_already_exists');
    expect(error.code).to.equal('client_already_exists');
    expect(control.client).to.equal(first);
    await sdk.destroyClient();
    const second = configure();
    expect(second).not.to.equal(first);
    expect(control.client).to.equal(second);
  });
});

describe('SDK stand-in: connect', () => {
  it('resolves for a valid token, then mounts one widget div in <body>', async () => {
    const client = configure();
    const { token } = await mintToken('alice');
    const connecting = client.connect('alice', token);
    expect(client.userId).to.equal('alice');
    expect(sdk.isAuthenticated()).to.equal(false);
    await connecting;
    expect(sdk.isAuthenticated()).to.equal(true);
    expect(widgets().length).to.equal(1);
    expect(widgets()[0]!.parentElement === document.body, 'a child of <body>').to.equal(true);
    expect(launcher()?.checkVisibility()).to.equal(true);
    expect(widgetText()).not.to.contain('alice'); // collapsed: just the launcher
    expect(client.openWidget()).to.equal(true);
    expect(widgetText()).to.contain('Signed in as alice');
    expect(control.calls.map((c) => c.method)).to.deep.equal([
      'configure',
      'connect',
      'isAuthenticated',
      'isAuthenticated',
      'openWidget',
    ]);
    expect(control.calls[1]!.args).to.deep.equal(['alice', token]);
  });

  it('rejects connect_error when already connected', async () => {
    const client = await connected();
    const error = await rejection(client.connect('alice', (await mintToken('alice')).token));
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal('connect_error');
    expect(error.code).to.equal('connect_error');
    expect(sdk.isAuthenticated()).to.equal(true);
  });

  it('rejects validation_error for arguments that are not strings', async () => {
    const client = configure();
    const { token } = await mintToken('alice');
    for (const args of [
      [42, token],
      ['alice', undefined],
      [null, null],
    ] as const) {
      const error = await rejection(client.connect(args[0], args[1]));
      expect(error.name).to.equal('validation_error');
    }
    expect(widgets().length).to.equal(0);
  });

  it('never settles for an expired token, then emits client:access_token:expired', async () => {
    const client = configure();
    const { token } = await mintToken('alice', { ttl: -60 });
    const start = Date.now();
    const expired = nextEvent<Error>(client, 'client:access_token:expired');
    const connecting = client.connect('alice', token);
    const { payload, at } = await expired;
    expect(at - start).to.be.within(30, 1000);
    expect(payload).to.be.instanceOf(Error);
    expect(payload.message).to.equal('access_token_expired');
    expect((await after(connecting, fakeTimers(), 60_000)).state).to.equal('pending');
    expect(sdk.isAuthenticated()).to.equal(false);
    expect(widgetText()).to.contain('Your session is expired');
    expect(control.activeTimers()).to.equal(0);
  });

  it('hangs silently for another user’s token: a console error, no event', async () => {
    const console = captureConsoleError();
    try {
      const client = configure();
      const events = recordEvents(client);
      const { token } = await mintToken('mallory');
      const clock = fakeTimers();
      const connecting = client.connect('alice', token);
      await until(() => console.messages.length, 'the refusal');
      const outcome = await after(connecting, clock, 60_000);
      expect(outcome.state).to.equal('pending');
      expect(events).to.deep.equal([]);
      expect(console.messages).to.have.length(1);
      expect(console.messages[0]).to.contain('access_token_invalid_user');
      expect(console.messages[0]).not.to.contain(token.split('.')[1]);
      expect(sdk.isAuthenticated()).to.equal(false);
      expect(widgets().length).to.equal(1);
      expect(widgets()[0]!.childElementCount).to.equal(0);
    } finally {
      console.restore();
    }
  });

  it('hangs for a malformed token', async () => {
    const console = captureConsoleError();
    try {
      const clock = fakeTimers();
      const connecting = configure().connect('alice', 'not-a-jwt');
      await until(() => console.messages.length, 'the refusal');
      const outcome = await after(connecting, clock, 60_000);
      expect(outcome.state).to.equal('pending');
      expect(console.messages.join()).to.contain('access_token_invalid');
    } finally {
      console.restore();
    }
  });

  it('verifies signatures once a signing secret is set', async () => {
    control.setSigningSecret(SECRET);
    const console = captureConsoleError();
    try {
      const forged = await mintToken('alice', { secret: 'someone-else' });
      const client = configure();
      const clock = fakeTimers();
      const connecting = client.connect('alice', forged.token);
      await until(() => console.messages.length, 'the refusal');
      expect((await after(connecting, clock, 60_000)).state).to.equal('pending');
      expect(console.messages.join()).to.contain('access_token_invalid_signature');
      clock.uninstall();
      const genuine = await mintToken('alice');
      await client.connect('alice', genuine.token);
      expect(sdk.isAuthenticated()).to.equal(true);
    } finally {
      console.restore();
    }
  });

  it('hangs for the wrong appId once an expected one is set', async () => {
    control.setExpectedAppId('wAppId_other');
    const console = captureConsoleError();
    try {
      const client = configure();
      const { token } = await mintToken('alice');
      const clock = fakeTimers();
      const connecting = client.connect('alice', token);
      await until(() => console.messages.length, 'the refusal');
      const outcome = await after(connecting, clock, 60_000);
      expect(outcome.state).to.equal('pending');
      expect(console.messages.join()).to.contain('app_id_invalid');
    } finally {
      console.restore();
    }
  });

  it('follows setConnectBehavior: hang, reject and delay', async () => {
    const { token } = await mintToken('alice');
    control.setConnectBehavior('hang');
    const client = configure();
    const clock = fakeTimers();
    expect((await after(client.connect('alice', token), clock, 60_000)).state).to.equal('pending');
    expect(control.activeTimers()).to.equal(0);
    clock.uninstall();

    control.setConnectBehavior({ reject: 'user_not_found' });
    const error = await rejection(client.connect('alice', token));
    expect(error).to.be.instanceOf(Error);
    expect(error.name).to.equal('user_not_found');
    expect(error.code).to.equal('user_not_found');

    control.setConnectBehavior({ delayMs: 300 });
    const later = fakeTimers();
    const slow = client.connect('alice', token);
    await until(() => control.activeTimers() === 1, 'the delay to start');
    expect((await after(slow, later, 299)).state).to.equal('pending');
    expect((await after(slow, later, 1)).state).to.equal('resolved');
    expect(sdk.isAuthenticated()).to.equal(true);
  });

  it('refuses unknown behaviours', () => {
    expect(() => control.setConnectBehavior({ wat: 1 } as never)).to.throw(TypeError);
    expect(() => control.setUpdateBehavior({ delayMs: 5 } as never)).to.throw(TypeError);
  });

  it('abandons a connect cut short by disconnect: it never settles, no timer left', async () => {
    control.setConnectBehavior({ delayMs: 200 });
    const client = configure();
    const { token } = await mintToken('alice');
    const clock = fakeTimers();
    const connecting = client.connect('alice', token);
    await until(() => control.activeTimers() === 1, 'the delay to start');
    await client.disconnect();
    expect(control.activeTimers()).to.equal(0);
    expect((await after(connecting, clock, 60_000)).state).to.equal('pending');
    expect(sdk.isAuthenticated()).to.equal(false);
  });
});

describe('SDK stand-in: disconnect and destroyClient', () => {
  it('disconnect empties the widget but leaves its div; a reconnect appends another, like 2.7.5', async () => {
    const client = await connected();
    expect(control.activeTimers()).to.be.greaterThan(0); // the token's pushes
    await client.disconnect();
    expect(sdk.isAuthenticated()).to.equal(false);
    expect(widgets().length).to.equal(1);
    expect(widgets()[0]!.childElementCount).to.equal(0);
    expect(control.activeTimers()).to.equal(0);
    await client.connect('alice', (await mintToken('alice')).token);
    expect(widgets().length).to.equal(2);
    expect(widgets()[0]!.querySelector('.Bandyer-launcher')).not.to.equal(null); // the first one
    expect(widgets()[1]!.childElementCount).to.equal(0);
  });

  it('destroyClient disconnects, clears every timer and lets configure run again', async () => {
    const client = await connected();
    const handler = () => {};
    client.on('call:incoming', handler);
    await sdk.destroyClient();
    expect(sdk.isAuthenticated()).to.equal(false);
    expect(control.client).to.equal(null);
    expect(control.activeTimers()).to.equal(0);
    expect(control.listenerCount()).to.equal(1); // still counted on the destroyed client
    client.off('call:incoming', handler);
    expect(control.listenerCount()).to.equal(0);
    expect(control.count('disconnect')).to.equal(0); // the page did not call it
    expect(() => configure()).not.to.throw();
    const error = await rejection(client.connect('alice', (await mintToken('alice')).token));
    expect(error.name).to.equal('connect_error');
  });

  it('destroyClient without a client resolves', async () => {
    await sdk.destroyClient();
    expect(control.count('destroyClient')).to.equal(1);
  });

  it('reset removes the widget and forgets calls and behaviours', async () => {
    await connected();
    control.setConnectBehavior('hang');
    control.reset();
    expect(widgets().length).to.equal(0);
    expect(control.calls).to.deep.equal([]);
    expect(control.client).to.equal(null);
    await connected(); // 'auto' again
    expect(sdk.isAuthenticated()).to.equal(true);
  });
});

describe('SDK stand-in: updateAccessToken', () => {
  it('throws validation_error synchronously for a non-string', async () => {
    const client = await connected();
    const error = thrown(() => client.updateAccessToken(42));
    expect(error.name).to.equal('validation_error');
  });

  it('resolves {expiresAt} for a new token of the same user', async () => {
    const client = await connected();
    const fresh = await mintToken('alice', { ttl: 7200 });
    const result = await client.updateAccessToken(fresh.token);
    expect(result).to.deep.equal({ expiresAt: fresh.expiresAt });
  });

  it('rejects with a plain object (not an Error) for another user’s token', async () => {
    const client = await connected();
    const reason = await rejection(client.updateAccessToken((await mintToken('bob')).token));
    expect(reason).not.to.be.instanceOf(Error);
    expect(reason.code).to.equal('access_token_invalid_user');
    expect(reason.message).to.be.a('string');
    expect(sdk.isAuthenticated()).to.equal(true);
  });

  it('rejects access_token_expired for an expired token', async () => {
    const client = await connected();
    const reason = await rejection(
      client.updateAccessToken((await mintToken('alice', { ttl: -5 })).token),
    );
    expect(reason.code).to.equal('access_token_expired');
  });

  it('rejects authentication_error when not connected', async () => {
    const client = configure();
    const error = await rejection(client.updateAccessToken((await mintToken('alice')).token));
    expect(error.name).to.equal('authentication_error');
  });

  it('follows setUpdateBehavior: hang and reject', async () => {
    const client = await connected();
    const { token } = await mintToken('alice');
    control.setUpdateBehavior('hang');
    const clock = fakeTimers();
    const updating = client.updateAccessToken(token);
    expect((await after(updating, clock, 60_000)).state).to.equal('pending');
    clock.uninstall();
    control.setUpdateBehavior({ reject: 'access_token_invalid' });
    const reason = await rejection(client.updateAccessToken(token));
    expect(reason).not.to.be.instanceOf(Error);
    expect(reason.code).to.equal('access_token_invalid');
  });

  it('moves the expiry pushes to the new token', async () => {
    control.setPushLeadMs(300);
    const client = configure();
    const events = recordEvents(client);
    const short = await mintToken('alice', { ttl: 1 });
    const long = await mintToken('alice', { ttl: 3600 });
    const clock = fakeTimers();
    await driven(client.connect('alice', short.token), clock);
    await driven(client.updateAccessToken(long.token), clock);
    // Past the old token's expiry (on the page's clock, which the stand-in reads too).
    await clock.advance(short.expMs - clock.now() + 300);
    expect(events.map((e) => e.event)).to.deep.equal([]);
    expect(sdk.isAuthenticated()).to.equal(true);
  });
});

describe('SDK stand-in: token pushes', () => {
  it('warns lead ms before exp, then disconnects and emits expired', async () => {
    control.setPushLeadMs(800);
    const client = configure();
    const minted = await mintToken('alice', { ttl: 2 });
    let authenticatedWhenExpired: boolean | undefined;
    client.on('client:access_token:expired', () => {
      authenticatedWhenExpired = sdk.isAuthenticated();
    });
    const warned = nextEvent<{ expiresAt: string }>(
      client,
      'client:access_token:is_about_to_expire',
      4000,
    );
    const expired = nextEvent<{ expiresAt: string }>(client, 'client:access_token:expired', 4000);
    await client.connect('alice', minted.token);
    const warning = await warned;
    expect(warning.payload).to.deep.equal({ expiresAt: minted.expiresAt });
    expect(warning.at - (minted.expMs - 800)).to.be.within(-20, 400);
    const end = await expired;
    expect(end.at - minted.expMs).to.be.within(-20, 400);
    expect(end.payload).to.deep.equal({ expiresAt: minted.expiresAt });
    expect(authenticatedWhenExpired).to.equal(false);
    expect(widgetText()).to.contain('Your session is expired');
    expect(control.activeTimers()).to.equal(0);
  });

  it('warns by default min(60 s, 20 % of the lifetime) before exp', async () => {
    const client = configure();
    // 10 s lifetime, 2 s left: the warning is due 2 s before exp, i.e. about now.
    const minted = await mintToken('alice', { ttl: 2, lifetime: 10 });
    const warned = nextEvent(client, 'client:access_token:is_about_to_expire', 1500);
    await client.connect('alice', minted.token);
    const { at } = await warned;
    expect(at - (minted.expMs - 2000)).to.be.within(-20, 400);
    await client.disconnect();
    expect(control.activeTimers()).to.equal(0);
  });

  it('aboutToExpire() emits the current expiresAt on demand', async () => {
    const client = configure();
    const minted = await mintToken('alice');
    await client.connect('alice', minted.token);
    const warned = nextEvent(client, 'client:access_token:is_about_to_expire');
    control.aboutToExpire();
    expect((await warned).payload).to.deep.equal({ expiresAt: minted.expiresAt });
  });

  it('expire() disconnects first, then emits expired', async () => {
    const client = await connected();
    const seen: boolean[] = [];
    client.on('client:access_token:expired', () => seen.push(sdk.isAuthenticated()));
    control.expire();
    expect(seen).to.deep.equal([false]);
    expect(control.activeTimers()).to.equal(0);
    expect(() => client.openWidget()).to.throw();
  });

  it('forceDisconnect(reason) disconnects, then emits client:force_disconnect', async () => {
    const client = await connected();
    const seen: { reason: string; authenticated: boolean }[] = [];
    client.on('client:force_disconnect', ({ reason }) =>
      seen.push({ reason, authenticated: sdk.isAuthenticated() }),
    );
    control.forceDisconnect('user_deleted');
    expect(seen).to.deep.equal([{ reason: 'user_deleted', authenticated: false }]);
    expect(widgetText()).to.contain('You have been disconnected');
    expect(widgetText()).to.contain('user_deleted');
    expect(control.activeTimers()).to.equal(0);
  });

  it('never emits the README spelling client:access_token:about_to_expire', async () => {
    control.setPushLeadMs(60_000);
    const client = configure();
    const events = recordEvents(client);
    await client.connect('alice', (await mintToken('alice', { ttl: 30 })).token);
    // The warning is due at once (60 s lead on a 30 s token); the expiry only in 30 s.
    await until(() => events.length, 'the warning');
    expect(events.map((e) => e.event)).to.deep.equal(['client:access_token:is_about_to_expire']);
  });
});

describe('SDK stand-in: widget methods', () => {
  const methods = [
    'showWidget',
    'hideWidget',
    'openWidget',
    'closeWidget',
    'toggleWidget',
  ] as const;

  it('throw authentication_error synchronously when not connected', async () => {
    const client = configure();
    for (const method of [...methods, 'selectChannelsView', 'getOnlineUsers'] as const) {
      expect(thrown(() => client[method]()).name, method).to.equal('authentication_error');
    }
    await client.connect('alice', (await mintToken('alice')).token);
    await client.disconnect();
    for (const method of methods) {
      expect(thrown(() => client[method]()).name, method).to.equal('authentication_error');
    }
  });

  it('return true and drive the widget when connected', async () => {
    const client = await connected();
    const panel = () => document.querySelector(`${WIDGET_SELECTOR} .Bandyer-panel`);
    expect(panel() === null, 'collapsed').to.equal(true);
    expect(client.toggleWidget()).to.equal(true);
    expect(panel()?.checkVisibility()).to.equal(true);
    expect(client.closeWidget()).to.equal(true);
    expect(panel() === null, 'collapsed').to.equal(true);
    expect(client.hideWidget()).to.equal(true);
    expect(launcher()?.checkVisibility()).to.equal(false);
    expect(client.showWidget()).to.equal(true);
    expect(launcher()?.checkVisibility()).to.equal(true);
  });

  it('starts hidden with hidden: true until showWidget', async () => {
    const client = await connected('alice', { hidden: true });
    expect(launcher()?.checkVisibility()).to.equal(false);
    client.showWidget();
    expect(launcher()?.checkVisibility()).to.equal(true);
  });

  it('opens and closes from the launcher button, like a visitor would', async () => {
    await connected();
    launcher()!.click();
    expect(widgetText()).to.contain('Signed in as alice');
    expect(launcher()!.getAttribute('aria-expanded')).to.equal('true');
    launcher()!.click();
    expect(widgetText()).not.to.contain('Signed in as alice');
  });

  it('speaks the configured language', async () => {
    const client = await connected('alice', { language: 'it' });
    client.openWidget();
    expect(widgetText()).to.contain('Accesso come alice');
  });
});

describe('SDK stand-in: EventEmitter', () => {
  it('supports on/once/off/listeners/listenerCount/removeAllListeners', () => {
    const client = configure();
    const calls: string[] = [];
    const a = (p: unknown) => calls.push(`a:${String(p)}`);
    const b = (p: unknown) => calls.push(`b:${String(p)}`);
    client.on('x', a).once('x', b);
    expect(client.listeners('x')).to.deep.equal([a, b]);
    expect(client.listenerCount('x')).to.equal(2);
    expect(control.listenerCount()).to.equal(2);
    expect(client.emit('x', 1)).to.equal(true);
    expect(client.emit('x', 2)).to.equal(true);
    expect(calls).to.deep.equal(['a:1', 'b:1', 'a:2']);
    client.off('x', a);
    expect(client.emit('x', 3)).to.equal(false);
    client.addListener('y', a).on('z', b);
    client.once('y', b).removeListener('y', b);
    expect(client.listenerCount('y')).to.equal(1);
    client.removeAllListeners();
    expect(control.listenerCount()).to.equal(0);
  });

  it('relays test events through emit()', async () => {
    const client = await connected();
    const got = nextEvent(client, 'user:status:changed');
    control.emit('user:status:changed', { userId: 'bob', status: 'online' });
    expect((await got).payload).to.deep.equal({ userId: 'bob', status: 'online' });
  });
});

describe('SDK stand-in: presence (single tab)', () => {
  it('reports users set online by the control API', async () => {
    const client = await connected();
    const events = recordEvents(client);
    control.setPresence('bob', 'online');
    expect(client.getOnlineUsers()).to.deep.equal(['bob']);
    control.setPresence('bob', 'offline');
    expect(client.getOnlineUsers()).to.deep.equal([]);
    expect(events.map((e) => e.payload)).to.deep.equal([
      { userId: 'bob', status: 'online' },
      { userId: 'bob', status: 'offline' },
    ]);
  });
});
