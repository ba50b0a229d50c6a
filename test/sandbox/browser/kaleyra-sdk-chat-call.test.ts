/**
 * The SDK stand-in's chat channels and calls within one tab: validation and state codes of
 * docs/kaleyra-sdk-notes.md (Client, and Events), and what the widget shows. Remote users are played by the
 * control API here; kaleyra-sdk-tabs.test.ts runs real calls between two tabs.
 */
import { expect } from '@open-wc/testing';
import type {
  BandyerSDK,
  CallStatus,
  Client,
  SdkStandInControl,
  Message,
} from '../../../sandbox/kaleyra-sdk/bandyer-sdk.js';
import {
  WIDGET_SELECTOR,
  sdkStandInOf,
  loadSdkStandIn,
  mintToken,
  nextEvent,
  recordEvents,
  rejection,
  thrown,
  until,
} from './kaleyra-sdk-support.js';

let sdk: BandyerSDK;
let control: SdkStandInControl;

const base = { appId: 'wAppId_chat_call', region: 'eu', environment: 'sandbox' };
const widgetText = () => document.querySelector(WIDGET_SELECTOR)?.textContent ?? '';
const widgetButton = (name: string) =>
  [...document.querySelectorAll<HTMLButtonElement>(`${WIDGET_SELECTOR} button`)].find(
    (b) => b.textContent === name,
  );

async function connected(extra: Record<string, unknown> = {}, user = 'alice'): Promise<Client> {
  const client = sdk.configure({ ...base, ...extra });
  await client.connect(user, (await mintToken(user)).token);
  return client;
}

/** The statuses reported by call:status:changed, in order. */
function statuses(client: Client): CallStatus[] {
  const seen: CallStatus[] = [];
  client.on('call:status:changed', ({ status }) => seen.push(status));
  return seen;
}

before(async () => {
  await loadSdkStandIn();
  ({ sdk, control } = sdkStandInOf());
});

beforeEach(() => control.reset());
afterEach(() => control.reset());

describe('SDK stand-in: chat', () => {
  it('refuses channels when the chat tool is off, the argument is bad or not connected', async () => {
    const off = await connected();
    expect((await rejection(off.addChannel('bob'))).name).to.equal('validation_error');
    await sdk.destroyClient();

    const client = sdk.configure({ ...base, tools: { chat: true } });
    expect((await rejection(client.addChannel('bob'))).name).to.equal('authentication_error');
    expect(thrown(() => client.removeChannel('bob')).name).to.equal('authentication_error');
    await client.connect('alice', (await mintToken('alice')).token);
    expect((await rejection(client.addChannel(42))).name).to.equal('validation_error');
    expect((await rejection(client.addChannel('alice'))).name).to.equal('validation_error');
    expect(thrown(() => client.getChannelView(undefined)).name).to.equal('validation_error');
  });

  it('adds a channel once, announces it and shows it in the widget', async () => {
    const client = await connected({ tools: { chat: true } });
    const events = recordEvents(client);
    const view = await client.addChannel('bob');
    expect(await client.addChannel('bob')).to.equal(view);
    expect(client.channelsView.get('bob')).to.equal(view);
    expect(client.getChannelView('bob')).to.equal(view);
    expect(view.channel.participants).to.deep.equal(['alice', 'bob']);
    expect(events.map((e) => e.event)).to.deep.equal(['channel:added']);
    expect(events[0]!.payload).to.deep.equal({ channel: view.channel });
    expect(widgetText()).to.contain('bob');
    expect(thrown(() => client.getChannelView('carol')).name).to.equal('channel_not_found');
  });

  it('receives messages from the control API and sends its own', async () => {
    const client = await connected({ tools: { chat: true } });
    const received = nextEvent<{ message: Message }>(client, 'channel:message:received');
    const incoming = control.messageFrom('bob', 'Hello Alice');
    const { message } = (await received).payload;
    expect(message).to.equal(incoming);
    expect(message).to.include({ sender: 'bob', text: 'Hello Alice' });
    expect(client.channelsView.get('bob')?.channel.messages).to.deep.equal([message]);
    expect(message.channel.unreadMessages).to.equal(1);

    const view = client.getChannelView('bob');
    view.select();
    expect(message.channel.unreadMessages).to.equal(0);
    expect(widgetText()).to.contain('Hello Alice');

    const sent = nextEvent<{ message: Message }>(client, 'channel:message:sent');
    const reply = await view.channel.sendMessage('Hi Bob');
    expect((await sent).payload.message).to.equal(reply);
    expect(reply).to.include({ sender: 'alice', text: 'Hi Bob' });
    expect(widgetText()).to.contain('Hi Bob');
    const page = await view.channel.fetchMessages(1);
    expect(page.messages).to.deep.equal([reply]);
    expect((await rejection(view.channel.sendMessage(''))).name).to.equal('validation_error');
  });

  it('sends what a visitor types in the widget', async () => {
    const client = await connected({ tools: { chat: true } });
    const view = await client.addChannel('bob');
    view.textArea = 'typed by hand';
    const sent = nextEvent<{ message: Message }>(client, 'channel:message:sent');
    widgetButton('Send')!.click();
    expect((await sent).payload.message.text).to.equal('typed by hand');
    await until(() => view.textArea === '', 'the draft to clear');
  });

  it('keeps the visitor typing while the widget re-renders', async () => {
    const client = await connected({ tools: { chat: true } });
    await client.addChannel('bob');
    const draft = document.querySelector<HTMLTextAreaElement>(`${WIDGET_SELECTOR} textarea`)!;
    draft.focus();
    draft.value = 'half a sentence';
    control.messageFrom('bob', 'an interruption');
    control.setPresence('carol', 'online');
    expect(document.activeElement === draft, 'focus stays in the draft').to.equal(true);
    expect(widgetText()).to.contain('an interruption');
    const sent = nextEvent<{ message: Message }>(client, 'channel:message:sent');
    draft.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect((await sent).payload.message.text).to.equal('half a sentence');
  });

  it('removes a channel and says so', async () => {
    const client = await connected({ tools: { chat: true } });
    const view = await client.addChannel('bob');
    const removed = nextEvent(client, 'channel:removed');
    await client.removeChannel('bob');
    expect((await removed).payload).to.deep.equal({
      channelId: view.channel.channelId,
      participants: ['alice', 'bob'],
    });
    expect(client.channelsView.has('bob')).to.equal(false);
    expect(thrown(() => client.getChannelView('bob')).name).to.equal('channel_not_found');
    expect((await rejection(view.channel.sendMessage('late'))).name).to.equal('channel_not_exists');
    expect((await rejection(client.removeChannel('bob'))).name).to.equal('delete_channel');
  });
});

describe('SDK stand-in: calls in one tab', () => {
  it('createCall checks the session first, then its arguments', async () => {
    const client = sdk.configure(base);
    expect((await rejection(client.createCall('bob'))).name).to.equal('authentication_error');
    await client.connect('alice', (await mintToken('alice')).token);
    for (const args of ['bob', ['bob', 'carol'], [42], ['alice']]) {
      const error = await rejection(client.createCall(args));
      expect(error.name, JSON.stringify(args)).to.equal('validation_error');
    }
    expect(client.callView).to.equal(null);
  });

  it('rings, refuses a second call, and cancels with end()', async () => {
    const client = await connected();
    const idle = control.activeTimers(); // the token's pushes
    const seen = statuses(client);
    const view = await client.createCall(['bob']);
    expect(control.activeTimers()).to.equal(idle + 1); // the ring timeout
    expect(client.callView).to.equal(view);
    expect(view.call).to.include({ direction: 'outgoing', status: 'dialing' });
    expect(view.call.participants).to.deep.equal(['alice', 'bob']);
    expect(widgetText()).to.contain('Calling bob');
    const error = await rejection(client.createCall(['carol']));
    expect(error.name).to.equal('another_call_in_progress');
    await view.call.end();
    expect(view.call.status).to.equal('ended');
    expect(view.call.endReason).to.equal('canceled');
    expect(seen).to.deep.equal(['ended']);
    expect(client.callView).to.equal(null);
    expect(widgetText()).to.contain('Call ended (canceled)');
    expect(control.activeTimers()).to.equal(idle);
  });

  it('ends an unanswered call with timeout', async () => {
    control.setRingTimeoutMs(150);
    const client = await connected();
    const view = await client.createCall(['bob']);
    await until(() => view.call.status === 'ended', 'the ring timeout');
    expect(view.call.endReason).to.equal('timeout');
  });

  it('connects when the remote user answers, with local media, and hangs up', async () => {
    const client = await connected();
    const seen = statuses(client);
    const view = await client.createCall(['bob']);
    const onCall: CallStatus[] = [];
    view.call.on('status:changed', ({ status }) => onCall.push(status));
    control.remoteAnswer();
    await until(() => view.call.status === 'connected', 'connected');
    expect(seen).to.deep.equal(['connecting', 'connected']);
    expect(onCall).to.deep.equal(['connecting', 'connected']);
    expect(control.localTracksLive()).to.equal(2);
    expect(document.querySelector(`${WIDGET_SELECTOR} video.Bandyer-local-video`)).not.to.equal(
      null,
    );
    await view.call.end();
    expect(view.call.endReason).to.equal('hang_up');
    expect(control.localTracksLive()).to.equal(0);
  });

  it('asks for audio only on audio_only calls', async () => {
    const client = await connected({ callType: 'audio_only' });
    const view = await client.createCall(['bob']);
    control.remoteAnswer();
    await until(() => view.call.status === 'connected', 'connected');
    expect(view.call.options.callType).to.equal('audio_only');
    expect(control.localTracksLive()).to.equal(1);
  });

  it('emits call:incoming, answers and ends an incoming call', async () => {
    const client = await connected({ hidden: true });
    const seen = statuses(client);
    const incoming = nextEvent<{ call: { direction: string } }>(client, 'call:incoming');
    const call = control.incomingCall('carol');
    expect((await incoming).payload.call).to.equal(call);
    expect(call).to.include({ direction: 'incoming', status: 'dialing' });
    expect(client.callView?.call).to.equal(call);
    expect(widgetText()).to.contain('carol is calling you'); // a hidden widget shows up
    await call.answer();
    expect(seen).to.deep.equal(['connecting', 'connected']);
    expect((await rejection(call.answer())).name).to.equal('validation_error');
    await call.end();
    expect(call.endReason).to.equal('hang_up');
    expect(control.localTracksLive()).to.equal(0);
  });

  it('declines an incoming call from the widget', async () => {
    const client = await connected();
    const call = control.incomingCall('carol');
    const ended = nextEvent(client, 'call:status:changed');
    widgetButton('Decline')!.click();
    expect((await ended).payload).to.deep.equal({ call, status: 'ended' });
    expect(call.endReason).to.equal('declined');
  });

  it('lets the remote user decline an outgoing call', async () => {
    const client = await connected();
    const view = await client.createCall(['bob']);
    control.remoteEnd();
    expect(view.call.endReason).to.equal('declined');
    expect(client.callView).to.equal(null);
  });

  it('joinCallURL refuses what is not a URL and joins a room link', async () => {
    const client = await connected();
    expect((await rejection(client.joinCallURL('not a url'))).name).to.equal('invalid_url');
    expect((await rejection(client.joinCallURL(42))).name).to.equal('invalid_url');
    const view = await client.joinCallURL('https://sandbox.example/room/r_123');
    expect(view.call.roomId).to.equal('r_123');
    await until(() => view.call.status === 'connected', 'connected');
    expect(control.localTracksLive()).to.equal(2);
    await client.disconnect();
    expect(view.call.status).to.equal('ended');
    expect(control.localTracksLive()).to.equal(0);
  });

  it('disconnect ends a live call and releases the camera', async () => {
    const client = await connected();
    const call = control.incomingCall('carol');
    await call.answer();
    expect(control.localTracksLive()).to.equal(2);
    const stats = await control.callStats();
    expect(stats).to.include({ status: 'connected', pcState: null });
    await client.disconnect();
    expect(call.status).to.equal('ended');
    expect(control.localTracksLive()).to.equal(0);
    expect(control.activeTimers()).to.equal(0);
    await until(
      () => document.querySelector(WIDGET_SELECTOR)!.childElementCount === 0,
      'the widget to empty',
    );
    expect(document.querySelector(WIDGET_SELECTOR)!.childElementCount).to.equal(0);
  });
});

describe('SDK stand-in: the media client calls need', () => {
  const MEDIA_CLIENT = new URL('/sandbox/kaleyra-sdk/bandyer-media-client.js', location.href).href;
  const mediaScripts = (url: string) =>
    [...document.querySelectorAll<HTMLScriptElement>('script')].filter((s) => s.src === url);

  it('is loaded at connect from beside the stand-in, once per page, and calls then work', async () => {
    expect(control.mediaClient).to.deep.equal({ url: MEDIA_CLIENT, status: 'idle', reason: null });
    const client = await connected();
    // A call asked for at once waits for the media client instead of failing.
    const view = await client.createCall(['bob']);
    expect(control.mediaClient.status).to.equal('loaded');
    expect(view.call.status).to.equal('dialing');
    await view.call.end();
    await client.disconnect();
    await client.connect('alice', (await mintToken('alice')).token);
    expect(mediaScripts(MEDIA_CLIENT)).to.have.length(1);
  });

  it('that did not load leaves connect and chat working and refuses every call, for good', async () => {
    const missing = new URL('/fake/media/missing-media-client.js', location.href).href;
    control.setMediaClientUrl(missing);
    const client = await connected({ tools: { chat: true } });
    const view = await client.addChannel('bob');
    expect((await view.channel.sendMessage('still here')).text).to.equal('still here');

    const refused = await rejection(client.createCall(['bob']));
    expect(refused).to.be.instanceOf(Error);
    expect(refused).to.include({
      name: 'media_client_unavailable',
      code: 'media_client_unavailable',
    });
    expect(refused.message).to.contain(`${missing} failed to load`);
    expect(control.mediaClient).to.include({ url: missing, status: 'failed' });
    expect(client.callView).to.equal(null);
    expect((await rejection(client.joinCallURL('https://sandbox.example/room/r_1'))).name).to.equal(
      'media_client_unavailable',
    );

    // An incoming call still rings; it cannot be answered, only declined.
    const call = control.incomingCall('carol');
    expect((await rejection(call.answer())).name).to.equal('media_client_unavailable');
    expect(call.status).to.equal('dialing');
    await call.end();
    expect(call.endReason).to.equal('declined');

    // The failure is kept: a new connect does not try again.
    await client.disconnect();
    await client.connect('alice', (await mintToken('alice')).token);
    expect(mediaScripts(missing)).to.have.length(1);
    expect((await rejection(client.createCall(['bob']))).name).to.equal('media_client_unavailable');
    expect(control.calls.filter((c) => c.method === 'createCall')).to.have.length(2);
  });

  it('that loads but is not the media client does not count', async () => {
    control.setMediaClientUrl('data:text/javascript,void 0');
    const client = await connected();
    const refused = await rejection(client.createCall(['bob']));
    expect(refused.name).to.equal('media_client_unavailable');
    expect(refused.message).to.contain('is not the media client');
  });

  it('setMediaClientUrl checks its argument; null and reset() go back to the default', () => {
    expect(() => control.setMediaClientUrl('' as string)).to.throw(TypeError);
    expect(() => control.setMediaClientUrl(42 as unknown as string)).to.throw(TypeError);
    control.setMediaClientUrl('/elsewhere/media.js');
    expect(control.mediaClient.url).to.equal(new URL('/elsewhere/media.js', location.href).href);
    control.setMediaClientUrl(null);
    expect(control.mediaClient.url).to.equal(MEDIA_CLIENT);
    control.setMediaClientUrl('/elsewhere/media.js');
    control.reset();
    expect(control.mediaClient).to.deep.equal({ url: MEDIA_CLIENT, status: 'idle', reason: null });
  });
});
