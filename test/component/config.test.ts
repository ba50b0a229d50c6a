import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../component/define.js';
import { KaleyraCallElement } from '../../component/kaleyra-call.js';
import type { KaleyraCallErrorEvent } from '../../component/common/events.js';
import { fake } from './support/fake-backend.js';
import { freshPage, watchFetch } from './support/page.js';

/** The inline message, when it is shown: the visitor's sentence, then the details. */
function shown(el: HTMLElement): { visitor: string; details: string } {
  const box = el.shadowRoot?.querySelector<HTMLElement>('[part="error"]');
  if (!box || box.hidden) return { visitor: '', details: '' };
  return {
    visitor: box.querySelector(':scope > span')?.textContent ?? '',
    details: box.querySelector('[part="details"]')?.textContent ?? '',
  };
}

/** An element made from `markup`, once its configuration error has been reported. */
async function withError(markup: string) {
  const host = document.createElement('div');
  host.innerHTML = markup;
  const el = host.firstElementChild as KaleyraCallElement;
  const fired = oneEvent(el, 'kaleyra-call-error') as Promise<KaleyraCallErrorEvent>;
  document.body.append(el);
  const event = await fired;
  await el.updateComplete;
  return { el, event };
}

describe('<kaleyra-call> configuration errors', () => {
  afterEach(freshPage);

  it('is defined through the define module', () => {
    expect(customElements.get('kaleyra-call')).to.equal(KaleyraCallElement);
  });

  it('asks for token-endpoint when neither it nor a tokenProvider is given, before any request', async () => {
    const requests = watchFetch();
    const { el, event } = await withError('<kaleyra-call></kaleyra-call>');
    expect(event.detail).to.include({ phase: 'config', code: 'missing_attribute', fatal: true });
    expect(event.detail.message).to.equal('The "token-endpoint" attribute is missing.');
    expect(event.bubbles && event.composed).to.equal(true);
    expect(shown(el).visitor).to.equal('The video call is not set up on this page.');
    expect(shown(el).details).to.contain('The "token-endpoint" attribute is missing.');
    expect(shown(el).details).to.contain('Code: missing_attribute');
    expect(el.shadowRoot!.querySelector('[part="error"]')!.getAttribute('role')).to.equal('alert');
    expect(el.state).to.equal('error');
    expect(el.getAttribute('state')).to.equal('error');
    // Only the element's own runtime file (its messages), never the token endpoint or the SDK.
    expect(requests.filter((r) => !/runtime|\/component\//.test(r.url))).to.deep.equal([]);
  });

  it('needs only token-endpoint: app-id, region and environment are optional', async () => {
    const f = await fake({ token: [{ status: 404 }] });
    const el = document.createElement('kaleyra-call');
    el.setAttribute('token-endpoint', f.token);
    el.setAttribute('connect', 'manual');
    document.body.append(el);
    await el.updateComplete;
    expect(shown(el).visitor).to.equal('');
    expect(el.appId).to.equal(undefined);
    expect(el.region).to.equal(undefined);
    expect(el.environment).to.equal(undefined);
  });

  it('names the attribute and the allowed values when a value is invalid', async () => {
    const { el, event } = await withError(
      '<kaleyra-call token-endpoint="/t" region="mars"></kaleyra-call>',
    );
    expect(event.detail.code).to.equal('invalid_attribute');
    expect(shown(el).details).to.contain(
      '"mars" is not a valid value for "region": use eu, in, us, me.',
    );
  });

  for (const [appId, code, words] of [
    ['ak_live_0123456789abcdef', 'api_key_in_page', 'secret API key'],
    ['mAppId_123', 'invalid_app_id', 'start with wAppId_'],
    ['my app', 'invalid_app_id', '"my app" is not a Kaleyra web app id'],
  ] as const) {
    it(`refuses app-id "${appId}" at once (${code})`, async () => {
      const { el, event } = await withError(
        `<kaleyra-call token-endpoint="/t" app-id="${appId}"></kaleyra-call>`,
      );
      expect(event.detail).to.include({ phase: 'config', code });
      expect(shown(el).details).to.contain(words);
      // The secret itself is not repeated anywhere.
      if (code === 'api_key_in_page') {
        expect(el.shadowRoot!.textContent).not.to.contain(appId);
        expect(event.detail.message).not.to.contain(appId);
      }
    });
  }

  it('refuses a malformed URL and an http: endpoint on an https: page', async () => {
    const { el, event } = await withError(
      '<kaleyra-call token-endpoint="https://"></kaleyra-call>',
    );
    expect(event.detail.code).to.equal('malformed_url');
    expect(shown(el).details).to.contain('"token-endpoint"');
    const { validateConfig } = await import('../../component/runtime/validate.js');
    expect(
      validateConfig(
        { tokenEndpoint: 'http://token.example.com/v1/token' },
        [],
        'https://shop.example/',
      ),
    ).to.include({ code: 'insecure_url', attribute: 'token-endpoint' });
    // Loopback is not mixed content, and an https page may call an https endpoint.
    expect(
      validateConfig(
        { tokenEndpoint: 'http://localhost:8787/v1/token' },
        [],
        'https://shop.example/',
      ),
    ).to.equal(undefined);
    expect(
      validateConfig({ sdkSrc: 'javascript:alert(1)' }, [], 'https://shop.example/'),
    ).to.include({
      code: 'malformed_url',
      attribute: 'sdk-src',
    });
  });

  it('speaks the page language (it/es), details included, and falls back to English', async () => {
    const it = await withError(
      '<kaleyra-call language="it" token-endpoint="/t" region="x"></kaleyra-call>',
    );
    expect(shown(it.el).visitor).to.equal('La videochiamata non è configurata su questa pagina.');
    expect(shown(it.el).details).to.contain('"x" non è un valore valido per "region"');
    expect(shown(it.el).details).to.contain('Dettagli');
    expect(it.event.detail.message).to.contain('non è un valore valido');
    const es = await withError(
      '<kaleyra-call language="es" token-endpoint="/t" mode="x"></kaleyra-call>',
    );
    expect(shown(es.el).details).to.contain('"x" no es un valor válido para "mode"');
    const fr = await withError(
      '<kaleyra-call language="fr" token-endpoint="/t" mode="x"></kaleyra-call>',
    );
    expect(shown(fr.el).details).to.contain('is not a valid value');
  });

  it('checks at intent in click mode, and clears the message once the editor fixes the attribute', async () => {
    const el = await fixture<KaleyraCallElement>(
      html`<kaleyra-call token-endpoint="/t" region="mars" connect="click"></kaleyra-call>`,
    );
    // Before intent nothing is loaded, so nothing is checked yet.
    expect(el.state).to.equal('idle');
    const fired = oneEvent(el, 'kaleyra-call-error');
    el.shadowRoot!.querySelector<HTMLElement>('[part="launcher"]')!.focus();
    expect((await fired).detail.code).to.equal('invalid_attribute');
    await el.updateComplete;
    expect(shown(el).visitor).not.to.equal('');
    el.region = 'eu';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!.hidden).to.equal(true);
    expect(el.shadowRoot!.querySelector<HTMLElement>('[part="launcher"]')!.hidden).to.equal(false);
    expect(el.state).to.equal('idle');
  });

  it('tolerates a second define()', () => {
    expect(() => KaleyraCallElement.define()).not.to.throw();
    expect(customElements.get('kaleyra-call')).to.equal(KaleyraCallElement);
  });
});
