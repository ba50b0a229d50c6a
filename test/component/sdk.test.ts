import { expect } from '@open-wc/testing';
import { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { fake } from './support/fake-backend.js';
import { freshPage, mount } from './support/page.js';
import { sdkStandIn } from './support/sdk-stand-in.js';
import { record, until, untilState } from './support/waits.js';

async function sha384(url: string): Promise<string> {
  const bytes = await (await fetch(url)).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-384', bytes);
  return `sha384-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
}

const COPY: string = '/fake/raw/dist/kaleyra-call';

describe('<kaleyra-call> SDK loading and connect', () => {
  afterEach(freshPage);

  it('a connect that never settles ends in an error with phase "connect" after the timeout', async () => {
    const f = await fake({
      sdk: [{ append: "window.__bandyerEmulator.setConnectBehavior('hang');" }],
    });
    const el = mount(f, { connect: 'manual' });
    el.connectTimeout = 300;
    const errors = record(el, 'kaleyra-call-error');
    await el.updateComplete;
    const started = Date.now();
    const result = await el.connect().catch((e: unknown) => e);
    expect(Date.now() - started).to.be.at.least(250);
    expect(el.state).to.equal('error');
    expect(result).to.include({ name: 'KaleyraCallError', code: 'connect_timeout' });
    expect(errors.at(-1)!.detail).to.include({
      phase: 'connect',
      code: 'connect_timeout',
      fatal: true,
    });
    await until(() => sdkStandIn().count('destroyClient'), 'destroyClient');
    expect(sdkStandIn().count('destroyClient')).to.equal(1);
  });

  it('an SDK script 404 → error with phase "sdk"; Try again loads it again', async () => {
    const f = await fake({ sdk: [{ status: 404 }, {}] });
    const el = mount(f);
    const errors = record(el, 'kaleyra-call-error');
    await untilState(el, 'error');
    expect(errors[0]!.detail).to.include({ phase: 'sdk', code: 'sdk_load_failed', fatal: true });
    expect(document.querySelectorAll(`script[src$="${f.sdk}"]`)).to.have.length(0);
    await el.connect();
    expect(el.state).to.equal('connected');
    expect(await f.log('sdk')).to.have.length(2);
  });

  it('loads the SDK with Subresource Integrity when sdk-integrity is set', async () => {
    const f = await fake();
    const integrity = await sha384(f.sdk);
    const el = mount(f, { attrs: { 'sdk-integrity': integrity } });
    await untilState(el, 'connected');
    const script = document.querySelector<HTMLScriptElement>(`script[src$="${f.sdk}"]`)!;
    expect(script.integrity).to.equal(integrity);
    expect(script.crossOrigin).to.equal('anonymous');
  });

  it('an SRI mismatch → error with phase "sdk" and no SDK', async () => {
    const f = await fake();
    const el = mount(f, {
      attrs: {
        'sdk-integrity': 'sha384-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
    });
    const errors = record(el, 'kaleyra-call-error');
    await untilState(el, 'error');
    expect(errors[0]!.detail).to.include({ phase: 'sdk', code: 'sdk_load_failed' });
    expect(window.BandyerSDK).to.equal(undefined);
  });

  it('two elements with the same configuration share one script, one client, one connect', async () => {
    const f = await fake();
    const a = mount(f);
    const b = mount(f);
    await Promise.all([untilState(a, 'connected'), untilState(b, 'connected')]);
    expect(document.querySelectorAll(`script[src$="${f.sdk}"]`)).to.have.length(1);
    expect(await f.log('sdk')).to.have.length(1);
    expect(await f.log('token')).to.have.length(1);
    expect(sdkStandIn().count('configure')).to.equal(1);
    expect(sdkStandIn().count('connect')).to.equal(1);
    expect(a.client !== undefined && a.client === b.client).to.equal(true);
  });

  it('an element joining a connected session is connected at once', async () => {
    const f = await fake();
    const a = mount(f);
    await untilState(a, 'connected');
    const b = document.createElement('kaleyra-call');
    const ready = record(b, 'kaleyra-call-ready');
    b.setAttribute('app-id', 'wAppId_test');
    b.setAttribute('token-endpoint', f.token);
    b.setAttribute('sdk-src', f.sdk);
    document.body.append(b);
    await untilState(b, 'connected');
    expect(ready).to.have.length(1);
    expect(sdkStandIn().count('connect')).to.equal(1);
  });

  it('an element with a conflicting configuration errors with client_already_exists, alone', async () => {
    const f = await fake();
    const a = mount(f);
    await untilState(a, 'connected');
    const b = mount(f, { attrs: { 'app-id': 'wAppId_other' } });
    const errors = record(b, 'kaleyra-call-error');
    await untilState(b, 'error');
    expect(errors[0]!.detail).to.include({ code: 'client_already_exists', fatal: true });
    expect(errors[0]!.detail.message).to.contain('allows one client per page');
    await b.updateComplete;
    expect(b.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain(
      'different setup',
    );
    expect(a.state).to.equal('connected');
    expect(sdkStandIn().count('configure')).to.equal(1);
  });

  it('one SDK script for two copies of the element bundle; a second define is harmless', async () => {
    const f = await fake();
    // A second copy of the element: the minified CDN build (Lit included, private
    // names mangled), served as built.
    await import(/* @vite-ignore */ COPY);
    expect(customElements.get('kaleyra-call')).to.equal(KaleyraCallElement);
    const a = mount(f);
    await untilState(a, 'connected');
    // Drive the second copy's class directly under another tag name.
    const Copy = (await import(/* @vite-ignore */ COPY))
      .KaleyraCallElement as typeof KaleyraCallElement;
    expect(Copy).not.to.equal(KaleyraCallElement);
    Copy.define('kaleyra-call-copy');
    Copy.define('kaleyra-call-copy');
    const b = document.createElement('kaleyra-call-copy') as KaleyraCallElement;
    b.setAttribute('app-id', 'wAppId_test');
    b.setAttribute('token-endpoint', f.token);
    b.setAttribute('sdk-src', f.sdk);
    document.body.append(b);
    await untilState(b, 'connected');
    expect(document.querySelectorAll(`script[src$="${f.sdk}"]`)).to.have.length(1);
    expect(await f.log('sdk')).to.have.length(1);
    expect(sdkStandIn().count('configure')).to.equal(1);
  });
});
