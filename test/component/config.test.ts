import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../component/define.js';
import { KaleyraCallElement } from '../../component/kaleyra-call.js';
import type { KaleyraCallErrorEvent } from '../../component/events.js';

/** The inline message, when it is shown. */
function errorText(el: HTMLElement): string {
  const box = el.shadowRoot?.querySelector<HTMLElement>('[part="error"]');
  return box && !box.hidden ? (box.querySelector('span')?.textContent ?? '') : '';
}

describe('<kaleyra-call> configuration errors', () => {
  it('is defined through the define module', () => {
    expect(customElements.get('kaleyra-call')).to.equal(KaleyraCallElement);
  });

  it('shows an inline message and fires a config error when app-id is missing', async () => {
    const el = document.createElement('kaleyra-call');
    el.setAttribute('token-endpoint', '/token');
    const fired = oneEvent(el, 'kaleyra-call-error') as Promise<KaleyraCallErrorEvent>;
    document.body.append(el);
    const event = await fired;
    await el.updateComplete;
    expect(event.detail.phase).to.equal('config');
    expect(event.detail.fatal).to.equal(true);
    expect(event.detail.message).to.contain('app-id');
    expect(event.bubbles && event.composed).to.equal(true);
    expect(errorText(el)).to.contain('"app-id" attribute is missing');
    expect(el.state).to.equal('error');
    expect(el.getAttribute('state')).to.equal('error');
    el.remove();
  });

  it('asks for token-endpoint when neither it nor a tokenProvider is given', async () => {
    const el = await fixture<KaleyraCallElement>(
      html`<kaleyra-call app-id="wAppId_1"></kaleyra-call>`,
    );
    expect(errorText(el)).to.contain('"token-endpoint" attribute is missing');
    expect(el.shadowRoot!.querySelector('[part="error"]')!.getAttribute('role')).to.equal('alert');
  });

  it('names the attribute and the allowed values when a value is invalid', async () => {
    const el = await fixture<KaleyraCallElement>(
      html`<kaleyra-call app-id="a" token-endpoint="/t" region="mars"></kaleyra-call>`,
    );
    expect(errorText(el)).to.contain('"mars" is not a valid value for "region"');
    expect(errorText(el)).to.contain('eu, in, us, me');
  });

  it('speaks the page language (it/es) and falls back to English', async () => {
    const el = await fixture<KaleyraCallElement>(
      html`<kaleyra-call language="it" token-endpoint="/t"></kaleyra-call>`,
    );
    expect(errorText(el)).to.contain('manca l\'attributo "app-id"');
    const fr = await fixture<KaleyraCallElement>(
      html`<kaleyra-call language="fr" token-endpoint="/t"></kaleyra-call>`,
    );
    expect(errorText(fr)).to.contain('attribute is missing');
  });

  it('clears the message once the editor fixes the attribute', async () => {
    const el = await fixture<KaleyraCallElement>(
      html`<kaleyra-call token-endpoint="/t"></kaleyra-call>`,
    );
    expect(errorText(el)).not.to.equal('');
    el.appId = 'wAppId_1';
    el.connectOn = 'manual';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!.hidden).to.equal(true);
    expect(el.shadowRoot!.querySelector<HTMLElement>('[part="launcher"]')!.hidden).to.equal(false);
  });

  it('tolerates a second define()', () => {
    expect(() => KaleyraCallElement.define()).not.to.throw();
    expect(customElements.get('kaleyra-call')).to.equal(KaleyraCallElement);
  });
});
