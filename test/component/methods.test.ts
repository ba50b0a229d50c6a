import { expect } from '@open-wc/testing';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { fake } from './support/fake-backend.js';
import { freshPage, launcher, mount } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { record, until, untilState } from './support/waits.js';

const callsTo = (method: string) => sdkStandIn().calls.filter((c) => c.method === method);

describe('<kaleyra-call> methods', () => {
  afterEach(freshPage);

  const methods: [string, (el: KaleyraCallElement) => Promise<unknown>][] = [
    ['startCall', (el) => el.startCall(['bob'])],
    ['openChat', (el) => el.openChat('bob')],
    ['joinCall', (el) => el.joinCall('https://sandbox.example/room/1')],
    ['openWidget', (el) => el.openWidget()],
    ['closeWidget', (el) => el.closeWidget()],
  ];

  for (const [name, call] of methods) {
    it(`${name}() rejects with a typed not_connected error (never throws) before connecting`, async () => {
      const f = await fake();
      const el = mount(f, { connect: 'manual' });
      await el.updateComplete;
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call(el))).not.to.throw();
      const err = await promise!.catch((e: unknown) => e);
      expect(err).to.be.instanceOf(Error);
      expect(err).to.include({ name: 'KaleyraCallError', phase: 'call', code: 'not_connected' });
    });
  }

  it('startCall() calls client.createCall with the ids and the call type', async () => {
    const f = await fake();
    const el = mount(f, { attrs: { 'call-type': 'audio_only' } });
    await untilState(el, 'connected');
    await el.startCall(['bob']);
    expect(callsTo('createCall')[0]!.args[0]).to.deep.equal(['bob']);
    expect(callsTo('createCall')[0]!.args[1]).to.include({ callType: 'audio_only' });
  });

  it('openChat() adds the channel and selects it', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    await el.openChat('carol');
    expect(callsTo('addChannel')[0]!.args).to.deep.equal(['carol']);
  });

  it('joinCall(), openWidget(), closeWidget() reach the SDK', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    await el.joinCall('https://sandbox.example/room/1');
    expect(await el.openWidget()).to.equal(true);
    expect(await el.closeWidget()).to.equal(true);
    expect(callsTo('joinCallURL')[0]!.args).to.deep.equal(['https://sandbox.example/room/1']);
    expect(callsTo('openWidget')).to.have.length(1);
    expect(callsTo('closeWidget')).to.have.length(1);
  });

  it('an SDK rejection becomes a typed error and an error event with phase "call"', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    const errors = record(el, 'kaleyra-call-error');
    const err = await el.startCall(['a', 'b']).catch((e: unknown) => e);
    expect(err).to.include({ name: 'KaleyraCallError', phase: 'call', code: 'validation_error' });
    expect(errors[0]!.detail).to.include({ phase: 'call', code: 'validation_error' });
    expect(el.state).to.equal('connected');
  });

  it('the launcher calls call-with', async () => {
    const f = await fake();
    const el = mount(f, { connect: 'click', attrs: { 'call-with': 'dr_house' } });
    await el.updateComplete;
    launcher(el).click();
    await untilState(el, 'connected');
    await until(() => callsTo('createCall').length, 'createCall');
    expect(callsTo('createCall')[0]!.args[0]).to.deep.equal(['dr_house']);
  });

  it('the launcher opens the chat of chat-with', async () => {
    const f = await fake();
    const el = mount(f, { attrs: { 'chat-with': 'nurse_joy' } });
    await untilState(el, 'connected');
    launcher(el).click();
    await until(() => callsTo('addChannel').length, 'addChannel');
    expect(callsTo('addChannel')[0]!.args).to.deep.equal(['nurse_joy']);
  });

  it('the launcher joins join-url', async () => {
    const f = await fake();
    const el = mount(f, { attrs: { 'join-url': 'https://sandbox.example/room/9' } });
    await untilState(el, 'connected');
    launcher(el).click();
    await until(() => callsTo('joinCallURL').length, 'joinCallURL');
    expect(callsTo('joinCallURL')[0]!.args).to.deep.equal(['https://sandbox.example/room/9']);
  });

  it('without a target the launcher opens the widget', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    launcher(el).click();
    await until(() => callsTo('openWidget').length, 'openWidget');
    expect(callsTo('openWidget')).to.have.length(1);
  });

  it('relays SDK client events as kaleyra-call-sdk with the SDK name', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    const events = record(el, 'kaleyra-call-sdk');
    sdkStandIn().incomingCall('dr_who');
    sdkStandIn().emit('channel:message:received', { message: { text: 'hi' } });
    await until(() => events.length >= 2, 'two relayed events');
    const types = events.map((e) => e.detail.type);
    expect(types).to.include('call:incoming');
    expect(types).to.include('channel:message:received');
    const message = events.find((e) => e.detail.type === 'channel:message:received')!;
    expect(message.detail.payload).to.deep.equal({ message: { text: 'hi' } });
    expect(message.bubbles && message.composed).to.equal(true);
  });
});
