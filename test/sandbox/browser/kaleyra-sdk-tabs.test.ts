/**
 * The SDK stand-in between tabs: two same-origin iframes, each with its own copy of the
 * stand-in, connected as two users of one app. Presence, chat and calls travel over a
 * BroadcastChannel; calls are real WebRTC (fake camera in Chromium), so the test checks that
 * the peer connections connect, that video frames are decoded, and that hanging up releases
 * every track.
 */
import { expect } from '@open-wc/testing';
import type {
  BandyerSDK,
  Call,
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
  rejection,
  until,
} from './kaleyra-sdk-support.js';

interface Tab {
  frame: HTMLIFrameElement;
  win: Window;
  sdk: BandyerSDK;
  control: SdkStandInControl;
}

const tabs: Tab[] = [];
let appId = '';
let seq = 0;

async function openTab(title: string): Promise<Tab> {
  const frame = document.createElement('iframe');
  frame.title = title;
  frame.setAttribute('allow', 'camera; microphone; autoplay');
  frame.style.cssText = 'width: 380px; height: 640px; border: 1px solid #ccc';
  frame.srcdoc = '<!doctype html><html><body></body></html>';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow!;
  await loadSdkStandIn(win);
  const tab = { frame, win, ...sdkStandInOf(win) };
  tabs.push(tab);
  return tab;
}

async function connect(tab: Tab, user: string, extra: Record<string, unknown> = {}) {
  const client = tab.sdk.configure({ appId, region: 'eu', environment: 'sandbox', ...extra });
  await client.connect(user, (await mintToken(user)).token);
  return client;
}

/** Two tabs, alice and bob, that already see each other online. */
async function pair(extra: Record<string, unknown> = {}) {
  const alice = await openTab('alice');
  const bob = await openTab('bob');
  const a = await connect(alice, 'alice', extra);
  const b = await connect(bob, 'bob', extra);
  await until(() => a.getOnlineUsers().includes('bob'), 'alice to see bob online');
  await until(() => b.getOnlineUsers().includes('alice'), 'bob to see alice online');
  return { alice, bob, a, b };
}

function statuses(client: Client): CallStatus[] {
  const seen: CallStatus[] = [];
  client.on('call:status:changed', ({ status }) => seen.push(status));
  return seen;
}

const video = (tab: Tab, which: 'local' | 'remote') =>
  tab.win.document.querySelector<HTMLVideoElement>(
    `${WIDGET_SELECTOR} video.Bandyer-${which}-video`,
  );

async function framesDecoded(tab: Tab): Promise<number> {
  return (await tab.control.callStats())?.framesDecoded ?? 0;
}

let top: SdkStandInControl;
let topSdk: BandyerSDK;

before(async () => {
  await loadSdkStandIn();
  ({ sdk: topSdk, control: top } = sdkStandInOf());
});

beforeEach(() => {
  appId = `wAppId_tabs_${Date.now().toString(36)}_${seq++}`;
});

afterEach(() => {
  for (const tab of tabs.splice(0)) {
    if (tab.frame.isConnected) tab.control.reset();
    tab.frame.remove();
  }
  top.reset();
});

describe('SDK stand-in: between two tabs', function () {
  this.timeout(20000);

  it('shares presence: online when a tab connects, offline when it leaves', async () => {
    const alice = await openTab('alice');
    const bob = await openTab('bob');
    const a = await connect(alice, 'alice');
    const online = nextEvent(a, 'user:status:changed');
    const b = await connect(bob, 'bob');
    expect((await online).payload).to.deep.equal({ userId: 'bob', status: 'online' });
    await until(() => b.getOnlineUsers().includes('alice'), 'bob to see alice');
    expect(a.getOnlineUsers()).to.deep.equal(['bob']);
    expect(alice.win.document.querySelector(WIDGET_SELECTOR)!.textContent).not.to.contain('bob');
    a.openWidget();
    expect(alice.win.document.querySelector(WIDGET_SELECTOR)!.textContent).to.contain('bob');
    const offline = nextEvent(a, 'user:status:changed');
    await b.disconnect();
    expect((await offline).payload).to.deep.equal({ userId: 'bob', status: 'offline' });
    expect(a.getOnlineUsers()).to.deep.equal([]);
  });

  it('sends chat messages to the other tab', async () => {
    const { a, b } = await pair({ tools: { chat: true } });
    const added = nextEvent(b, 'channel:added');
    const received = nextEvent<{ message: Message }>(b, 'channel:message:received');
    const view = await a.addChannel('bob');
    await view.channel.sendMessage('Hello from another tab');
    const { message } = (await received).payload;
    expect(message).to.include({ sender: 'alice', text: 'Hello from another tab' });
    expect((await added).payload).to.deep.equal({ channel: message.channel });
    expect(b.channelsView.get('alice')?.channel.messages).to.deep.equal([message]);
  });

  it('runs a real WebRTC call: ring, answer, media both ways, hang up', async () => {
    const { alice, bob, a, b } = await pair();
    const aliceSaw = statuses(a);
    const bobSaw = statuses(b);
    const incoming = nextEvent<{ call: Call }>(b, 'call:incoming');
    const view = await a.createCall(['bob']);
    const bobCall = (await incoming).payload.call;
    expect(bobCall).to.include({
      direction: 'incoming',
      status: 'dialing',
      roomId: view.call.roomId,
    });
    expect(bobCall.participants).to.deep.equal(['alice', 'bob']);
    expect(b.callView?.call).to.equal(bobCall);

    await bobCall.answer();
    await until(
      () => view.call.status === 'connected' && bobCall.status === 'connected',
      'both sides connected',
      15000,
    );
    for (const tab of [alice, bob]) {
      expect((await tab.control.callStats())?.pcState).to.equal('connected');
      expect(tab.control.localTracksLive()).to.equal(2);
    }
    await until(async () => (await framesDecoded(alice)) > 0, 'alice to decode frames', 10000);
    await until(async () => (await framesDecoded(bob)) > 0, 'bob to decode frames', 10000);
    for (const tab of [alice, bob]) {
      const remote = video(tab, 'remote')!;
      await until(() => remote.videoWidth > 0, 'the remote <video> to show frames', 10000);
      const local = video(tab, 'local')!.srcObject as MediaStream | null;
      expect(local?.getVideoTracks()[0]?.readyState).to.equal('live');
    }

    await view.call.end();
    await until(() => bobCall.status === 'ended', 'bob to see the hang-up');
    expect(view.call.endReason).to.equal('hang_up');
    expect(bobCall.endReason).to.equal('hang_up');
    expect(aliceSaw).to.deep.equal(['connecting', 'connected', 'ended']);
    expect(bobSaw).to.deep.equal(['connecting', 'connected', 'ended']);
    for (const tab of [alice, bob]) {
      expect(tab.control.localTracksLive()).to.equal(0);
      expect((await tab.control.callStats())?.pcState).to.equal('closed');
      expect(video(tab, 'remote') === null, 'no remote video').to.equal(true);
    }
    expect(a.callView).to.equal(null);
    expect(b.callView).to.equal(null);
  });

  it('works from the widget buttons, as a demo visitor would use it', async () => {
    const { alice, bob, a, b } = await pair();
    a.openWidget();
    const button = (tab: Tab, name: string) =>
      [...tab.win.document.querySelectorAll<HTMLButtonElement>(`${WIDGET_SELECTOR} button`)].find(
        (el) => el.textContent === name,
      );
    const incoming = nextEvent<{ call: Call }>(b, 'call:incoming');
    button(alice, 'Call')!.click();
    const bobCall = (await incoming).payload.call;
    await until(() => button(bob, 'Answer'), 'the Answer button');
    button(bob, 'Answer')!.click();
    await until(() => a.callView?.call.status === 'connected', 'alice connected', 15000);
    await until(() => button(bob, 'Hang up'), 'the Hang up button');
    button(bob, 'Hang up')!.click();
    await until(() => alice.control.localTracksLive() === 0, 'alice to release her camera');
    expect(bobCall.endReason).to.equal('hang_up');
    expect(bob.control.localTracksLive()).to.equal(0);
  });

  it('ends the caller’s call as declined when the callee declines', async () => {
    const { a, b } = await pair();
    const incoming = nextEvent<{ call: Call }>(b, 'call:incoming');
    const view = await a.createCall(['bob']);
    await (await incoming).payload.call.end();
    await until(() => view.call.status === 'ended', 'the caller to see the decline');
    expect(view.call.endReason).to.equal('declined');
  });

  it('stops the callee’s ringing when the caller cancels', async () => {
    const { a, b } = await pair();
    const incoming = nextEvent<{ call: Call }>(b, 'call:incoming');
    const view = await a.createCall(['bob']);
    const bobCall = (await incoming).payload.call;
    await view.call.end();
    await until(() => bobCall.status === 'ended', 'the callee to stop ringing');
    expect(bobCall.endReason).to.equal('canceled');
  });

  it('rejects all_users_busy when every tab of the callee is in a call', async () => {
    const { a, b } = await pair();
    const carol = topSdk.configure({ appId, region: 'eu', environment: 'sandbox' });
    await carol.connect('carol', (await mintToken('carol')).token);
    const incoming = nextEvent<{ call: Call }>(b, 'call:incoming');
    await a.createCall(['bob']);
    await incoming;
    const error = await rejection(carol.createCall(['bob']));
    expect(error.name).to.equal('all_users_busy');
    expect(carol.callView).to.equal(null);
    expect(b.callView?.call.status).to.equal('dialing');
  });

  it('ends the call and reports offline when the other tab goes away', async () => {
    const { alice, bob, a, b } = await pair();
    const incoming = nextEvent<{ call: Call }>(b, 'call:incoming');
    const view = await a.createCall(['bob']);
    await (await incoming).payload.call.answer();
    await until(() => view.call.status === 'connected', 'connected', 15000);
    const offline = nextEvent(a, 'user:status:changed');
    bob.frame.remove();
    expect((await offline).payload).to.deep.equal({ userId: 'bob', status: 'offline' });
    await until(() => view.call.status === 'ended', 'the call to end');
    expect(alice.control.localTracksLive()).to.equal(0);
  });
});
