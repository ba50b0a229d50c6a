/**
 * The one-attribute tag: a token endpoint that names the app, region and
 * environment is all a page needs. An attribute that contradicts it, or an
 * endpoint that is not one at all, fails at once: one request, and a message
 * that names the setting to check.
 */
import { expect } from '@open-wc/testing';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { fake, type Fake } from './support/fake-backend.js';
import { freshPage } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { record, untilState } from './support/waits.js';

const APP = { app_id: 'wAppId_endpoint', region: 'us', environment: 'production' };

/** `<kaleyra-call>` with the fake's endpoint and SDK, plus `attrs` (no app-id unless given). */
function tag(f: Fake, attrs: Record<string, string> = {}): KaleyraCallElement {
  const el = document.createElement('kaleyra-call');
  el.setAttribute('token-endpoint', f.token);
  el.setAttribute('sdk-src', f.sdk);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  el.connectTimeout = 3000;
  document.body.append(el);
  return el;
}

/** The inline error: hidden or not, the visitor's sentence, the details. */
function shown(el: HTMLElement) {
  const box = el.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!;
  return {
    hidden: box.hidden,
    visitor: box.querySelector(':scope > span')!.textContent!,
    details: box.querySelector('[part="details"]')!.textContent!,
  };
}

describe('<kaleyra-call token-endpoint> alone', () => {
  afterEach(freshPage);

  it('configures the SDK with the app, region and environment the endpoint names', async () => {
    const f = await fake({ token: [{ extra: APP }] });
    const el = tag(f);
    await untilState(el, 'connected');
    expect(sdkStandIn().lastConfig).to.include({
      appId: 'wAppId_endpoint',
      region: 'us',
      environment: 'production',
    });
    // The attributes stay unset: the page did not set them.
    expect(el.appId).to.equal(undefined);
    expect(el.hasAttribute('region')).to.equal(false);
  });

  it('takes the page’s attributes when the endpoint says nothing, with eu and sandbox by default', async () => {
    const f = await fake({ token: [{}] });
    const el = tag(f, { 'app-id': 'wAppId_page' });
    await untilState(el, 'connected');
    expect(sdkStandIn().lastConfig).to.include({
      appId: 'wAppId_page',
      region: 'eu',
      environment: 'sandbox',
    });
  });

  it('accepts attributes that agree with the endpoint', async () => {
    const f = await fake({ token: [{ extra: APP }] });
    const el = tag(f, { 'app-id': 'wAppId_endpoint', region: 'us' });
    await untilState(el, 'connected');
  });

  for (const [attribute, value, said] of [
    ['app-id', 'wAppId_page', 'wAppId_endpoint'],
    ['region', 'eu', 'us'],
    ['environment', 'sandbox', 'production'],
  ] as const) {
    it(`an ${attribute} that contradicts the endpoint fails at once with config_mismatch, naming both`, async () => {
      const f = await fake({ token: [{ extra: APP }] });
      const el = tag(f, { [attribute]: value });
      const errors = record(el, 'kaleyra-call-error');
      await untilState(el, 'error');
      expect(errors.map((e) => e.detail)).to.deep.equal([
        {
          phase: 'config',
          code: 'config_mismatch',
          message: `The page sets ${attribute}="${value}" but the token endpoint issues tokens for "${said}": make them agree.`,
          fatal: true,
        },
      ]);
      expect(await f.log('token')).to.have.length(1);
      // Never configured, never a connect that would only time out.
      expect(window.__bandyerEmulator?.count('configure') ?? 0).to.equal(0);
      await el.updateComplete;
      expect(shown(el)).to.deep.include({
        hidden: false,
        visitor: 'The video call is not set up on this page.',
      });
      expect(shown(el).details).to.contain('config_mismatch');
    });
  }

  it('without app-id, an endpoint that names no app fails at once with app_unknown', async () => {
    const f = await fake({ token: [{}] });
    const el = tag(f);
    const errors = record(el, 'kaleyra-call-error');
    await untilState(el, 'error');
    expect(errors.map((e) => [e.detail.phase, e.detail.code, e.detail.fatal])).to.deep.equal([
      ['config', 'app_unknown', true],
    ]);
    expect(errors[0]!.detail.message).to.contain('KALEYRA_APP_ID');
    expect(await f.log('token')).to.have.length(1);
  });

  it('a later token that names another app is refused the same way', async () => {
    const f = await fake({ token: [{ extra: APP, ttlSeconds: 400 }] });
    const el = tag(f);
    await untilState(el, 'connected');
    await f.script({ token: [{ extra: { ...APP, app_id: 'wAppId_other' } }] });
    const errors = record(el, 'kaleyra-call-error');
    sdkStandIn().aboutToExpire();
    await untilState(el, 'error');
    expect(errors.at(-1)!.detail).to.include({
      phase: 'config',
      code: 'config_mismatch',
      fatal: true,
    });
    expect(errors.at(-1)!.detail.message).to.contain('wAppId_other');
  });
});

describe('<kaleyra-call> failures that cannot heal: one request, at once', () => {
  afterEach(freshPage);

  for (const [what, step, code, words] of [
    [
      'a 404',
      { status: 404, body: 'Not Found', headers: { 'Content-Type': 'text/plain' } },
      'not_found',
      'answered 404. Check the token-endpoint attribute.',
    ],
    [
      'an HTML page',
      { body: '<!doctype html><p>Shop</p>', headers: { 'Content-Type': 'text/html' } },
      'unexpected_response',
      'answered 200 with text/html, not JSON: check token-endpoint.',
    ],
    [
      'a 401 HTML login page',
      { status: 401, body: '<html>Sign in</html>', headers: { 'Content-Type': 'text/html' } },
      'unexpected_response',
      'answered 401 with text/html',
    ],
    [
      'a redirect to a login page',
      { status: 302, body: '', headers: { Location: '/login' } },
      'token_redirect',
      'redirected (to a login page?): check token-endpoint and credentials.',
    ],
    [
      'a 200 without a token',
      { body: { ok: true } },
      'invalid_response',
      'No valid access_token, user_id or expires_at',
    ],
  ] as const) {
    it(`${what} → ${code}, phase config, naming the attribute`, async () => {
      const f = await fake({ token: [step] });
      const el = tag(f, { 'app-id': 'wAppId_page' });
      const errors = record(el, 'kaleyra-call-error');
      await untilState(el, 'error');
      expect(await f.log('token')).to.have.length(1);
      expect(errors).to.have.length(1);
      expect(errors[0]!.detail).to.include({ phase: 'config', code, fatal: true });
      expect(errors[0]!.detail.message).to.contain(words);
      await el.updateComplete;
      expect(shown(el).visitor).to.equal('The video call is not set up on this page.');
      // No vendor, endpoint or status in the visitor's sentence.
      expect(shown(el).visitor).not.to.match(/kaleyra|token|endpoint|\d{3}/i);
    });
  }

  it('a 5xx HTML page is retried (it may heal): only 5xx and network failures are', async () => {
    const f = await fake({
      token: [
        { status: 502, body: '<html>Bad gateway</html>', headers: { 'Content-Type': 'text/html' } },
        {},
      ],
    });
    const el = tag(f, { 'app-id': 'wAppId_page' });
    const errors = record(el, 'kaleyra-call-error');
    await untilState(el, 'connected', 5000);
    expect(errors.map((e) => [e.detail.code, e.detail.fatal])).to.deep.equal([
      ['upstream_error', false],
    ]);
  });
});
