import { expect } from '@open-wc/testing';
import { fake } from './support/fake-backend.js';
import { freshPage, mount } from './support/page.js';
import { untilState } from './support/waits.js';

describe('<kaleyra-call> accessibility', () => {
  afterEach(freshPage);

  it('idle: a real button with an accessible name; axe finds nothing', async () => {
    const f = await fake();
    const el = mount(f, { connect: 'click', attrs: { label: 'Talk to a doctor' } });
    await el.updateComplete;
    const button = el.shadowRoot!.querySelector('button[part="launcher"]')!;
    expect(button.getAttribute('type')).to.equal('button');
    expect(button.textContent!.trim()).to.equal('Talk to a doctor');
    await expect(el).to.be.accessible();
  });

  it('connected: the status is announced politely; axe finds nothing', async () => {
    const f = await fake();
    const el = mount(f);
    await untilState(el, 'connected');
    await el.updateComplete;
    const status = el.shadowRoot!.querySelector('[part="status"]')!;
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.textContent).to.equal('Connected');
    await expect(el).to.be.accessible();
  });

  it('loading: the launcher is aria-busy', async () => {
    const f = await fake({ token: [{ delayMs: 500 }] });
    const el = mount(f);
    await untilState(el, 'loading');
    await el.updateComplete;
    expect(
      el.shadowRoot!.querySelector('button[part="launcher"]')!.getAttribute('aria-busy'),
    ).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('error: the message is an alert with a Try again button; axe finds nothing', async () => {
    const f = await fake({
      token: [{ status: 401, body: { error: { code: 'unauthenticated', message: 'no' } } }],
    });
    const el = mount(f);
    await untilState(el, 'error');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="error"]')!.getAttribute('role')).to.equal('alert');
    await expect(el).to.be.accessible();
  });

  it('config error: axe finds nothing', async () => {
    const el = document.createElement('kaleyra-call');
    document.body.append(el);
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('the focused launcher shows a visible focus ring', async () => {
    const f = await fake();
    const el = mount(f, { connect: 'click' });
    await el.updateComplete;
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('button[part="launcher"]')!;
    const { sendKeys } = await import('@web/test-runner-commands');
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement === button).to.equal(true);
    expect(getComputedStyle(button).outlineStyle).to.equal('solid');
  });
});
