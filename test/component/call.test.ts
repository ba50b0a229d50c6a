/**
 * The element shows the call: the `call` property and attribute, a status line
 * that says whom it calls, and a launcher that does not start a second call.
 */
import { expect } from '@open-wc/testing';
import { fake } from './support/fake-backend.js';
import { freshPage, launcher, mount } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { until, untilState } from './support/waits.js';

const status = (el: HTMLElement) => el.shadowRoot!.querySelector('[part="status"]')!.textContent;

describe('<kaleyra-call> call progress', () => {
  afterEach(freshPage);

  it('an outgoing call: dialing with the callee’s name, then ended with the SDK’s reason', async () => {
    const f = await fake();
    const el = mount(f, { attrs: { 'call-with': 'dr_rossi' } });
    el.userDetailsProvider = async (ids) =>
      ids.map((userId) => ({ userId, firstName: 'Dr.', lastName: 'Rossi' }));
    await untilState(el, 'connected');
    expect(el.call).to.equal('none');
    expect(el.getAttribute('call')).to.equal('none');
    sdkStandIn().setRingTimeoutMs(300);
    launcher(el).click();
    await until(() => el.call === 'dialing', 'dialing');
    expect(el.getAttribute('call')).to.equal('dialing');
    await until(() => status(el) === 'Calling Dr. Rossi…', 'the name in the status');
    // A second press during the call brings it forward; it does not call again.
    launcher(el).click();
    await until(() => sdkStandIn().count('openWidget') === 1, 'openWidget');
    expect(sdkStandIn().count('createCall')).to.equal(1);
    // Nobody answers: the call ends as the SDK says.
    await until(() => el.call === 'ended', 'ended');
    await el.updateComplete;
    expect(status(el)).to.equal('Call ended');
    expect(sdkStandIn().count('createCall')).to.equal(1);
  });

  it('uses userDetailsFormatter for the name, and the id when the page gives no details', async () => {
    const f = await fake();
    const el = mount(f, { attrs: { 'call-with': 'nurse_joy' } });
    await untilState(el, 'connected');
    sdkStandIn().setRingTimeoutMs(60_000);
    await el.startCall();
    await until(() => status(el) === 'Calling nurse_joy…', 'the id');
    el.userDetailsProvider = async (ids) => ids.map((userId) => ({ userId, nickName: 'Joy' }));
    el.userDetailsFormatter = (user) => `Nurse ${(user as { nickName: string }).nickName}`;
    sdkStandIn().emit('call:status:changed', {
      call: { status: 'connected', direction: 'outgoing', participants: ['user_1', 'nurse_joy'] },
      status: 'connected',
    });
    await until(() => el.call === 'active', 'active');
    await until(() => status(el) === 'In a call with Nurse Joy', 'the formatted name');
  });

  it('an incoming call rings with the caller’s name, in the element’s language', async () => {
    const f = await fake();
    const el = mount(f, { attrs: { language: 'it' } });
    await untilState(el, 'connected');
    sdkStandIn().incomingCall('dr_bianchi');
    await until(() => el.call === 'ringing', 'ringing');
    await until(() => status(el) === 'Chiamata in arrivo da dr_bianchi', 'the Italian status');
  });

  it('goes back to none when the session ends', async () => {
    const f = await fake();
    const el = mount(f, { attrs: { 'call-with': 'dr_rossi' } });
    await untilState(el, 'connected');
    sdkStandIn().setRingTimeoutMs(60_000);
    await el.startCall();
    expect(el.call).to.equal('dialing');
    await el.disconnect();
    expect(el.call).to.equal('none');
    await el.updateComplete;
    expect(el.getAttribute('call')).to.equal('none');
  });
});
