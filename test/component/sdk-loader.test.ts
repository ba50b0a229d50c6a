import { expect } from '@open-wc/testing';
import type { KaleyraCallError } from '../../component/common/errors.js';
import type { BandyerSdk } from '../../component/common/sdk.js';
import { DEFAULT_SDK_VERSION, sdkUrl } from '../../component/common/attributes.js';
import { loadSdk } from '../../component/runtime/sdk-loader.js';
import { fakeClock } from './support/clock.js';
import { fake, type Fake } from './support/fake-backend.js';
import { freshPage } from './support/page.js';
import { until } from './support/waits.js';

const scripts = (f: Fake) =>
  document.querySelectorAll<HTMLScriptElement>(`script[src$="${f.sdk}"]`);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as KaleyraCallError,
  );

async function sha384(url: string): Promise<string> {
  const bytes = await (await fetch(url)).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-384', bytes);
  return `sha384-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
}

describe('sdk-loader: sdkUrl', () => {
  it('builds the CDN URL of a version, encoding it as one path segment', () => {
    expect(sdkUrl('2.8.0')).to.equal(
      'https://cdn.bandyer.com/sdk/js/chat/2.8.0/bandyer-widget.min.js',
    );
    expect(sdkUrl('../../evil?x=1#y')).to.equal(
      'https://cdn.bandyer.com/sdk/js/chat/..%2F..%2Fevil%3Fx%3D1%23y/bandyer-widget.min.js',
    );
    expect(new URL(sdkUrl('../x')).pathname).to.equal('/sdk/js/chat/..%2Fx/bandyer-widget.min.js');
    expect(DEFAULT_SDK_VERSION).to.match(/^\d+\.\d+\.\d+$/);
  });
});

describe('sdk-loader: loadSdk', () => {
  afterEach(freshPage);

  it('injects one async script and resolves window.BandyerSDK', async () => {
    const f = await fake();
    const sdk = await loadSdk(f.sdk);
    expect(sdk).to.equal(window.BandyerSDK);
    expect(typeof sdk.configure).to.equal('function');
    const [script] = scripts(f);
    expect(script!.async).to.equal(true);
    expect(script!.parentNode).to.equal(document.head);
    expect(script!.hasAttribute('integrity')).to.equal(false);
    expect(script!.crossOrigin).to.equal(null);
  });

  it('one script and one download per URL, even for concurrent calls and other spellings', async () => {
    const f = await fake({ sdk: [{ delayMs: 100 }] });
    const absolute = new URL(f.sdk, document.baseURI).href;
    const loads = [loadSdk(f.sdk), loadSdk(f.sdk), loadSdk(absolute)];
    expect(scripts(f)).to.have.length(1);
    const [a, b, c] = await Promise.all(loads);
    expect(a === b && b === c).to.equal(true);
    expect(await loadSdk(f.sdk)).to.equal(a);
    expect(scripts(f)).to.have.length(1);
    expect(await f.log('sdk')).to.have.length(1);
  });

  it('forgets a failed load (its script tag removed), so the next call tries again', async () => {
    const f = await fake({ sdk: [{ status: 404 }, {}] });
    const error = await failure(loadSdk(f.sdk));
    expect(error).to.include({ name: 'KaleyraCallError', phase: 'sdk', code: 'sdk_load_failed' });
    expect(scripts(f)).to.have.length(0);
    const sdk = await loadSdk(f.sdk);
    expect(sdk).to.equal(window.BandyerSDK);
    expect(scripts(f)).to.have.length(1);
    expect(await f.log('sdk')).to.have.length(2);
  });

  it('sets integrity and crossorigin="anonymous" when given a hash, and loads a match', async () => {
    const f = await fake();
    const integrity = await sha384(f.sdk);
    await f.script({}); // the hash request above is not part of this test's log
    const sdk = await loadSdk(f.sdk, { integrity });
    expect(sdk).to.equal(window.BandyerSDK);
    const [script] = scripts(f);
    expect(script!.integrity).to.equal(integrity);
    expect(script!.crossOrigin).to.equal('anonymous');
  });

  it('refuses a script that does not match its integrity hash', async () => {
    const f = await fake();
    const integrity = `sha384-${'A'.repeat(64)}`;
    const error = await failure(loadSdk(f.sdk, { integrity }));
    expect(error).to.include({ phase: 'sdk', code: 'sdk_load_failed' });
    expect(window.BandyerSDK).to.equal(undefined);
    expect(scripts(f)).to.have.length(0);
  });

  it('reuses a BandyerSDK that the page already has, with no script of its own', async () => {
    const f = await fake();
    const existing = { configure() {}, destroyClient: async () => {} } as unknown as BandyerSdk;
    window.BandyerSDK = existing;
    expect(await loadSdk(f.sdk)).to.equal(existing);
    expect(scripts(f)).to.have.length(0);
    expect(await f.log('sdk')).to.have.length(0);
  });

  it('a script that defines no BandyerSDK → sdk_invalid, script removed, load forgotten', async () => {
    const f = await fake({ sdk: [{ body: 'window.__notTheSdk = true;' }, {}] });
    const error = await failure(loadSdk(f.sdk));
    expect(error).to.include({ phase: 'sdk', code: 'sdk_invalid', fatal: true });
    expect(scripts(f)).to.have.length(0);
    expect(await loadSdk(f.sdk)).to.equal(window.BandyerSDK);
    expect(await f.log('sdk')).to.have.length(2);
  });

  it('times out a script that does not arrive in time (30 s by default), removing it', async () => {
    const clock = fakeClock({ frozen: true });
    // It does arrive later, in real time, as a script that defines nothing.
    const late = { delayMs: 300, body: '/* late */' };
    const f = await fake({ sdk: [late, {}] });
    let settled = false;
    const result = failure(loadSdk(f.sdk)).finally(() => (settled = true));
    expect(clock.pending()).to.deep.equal([30_000]);
    await clock.advance(29_999);
    expect(settled).to.equal(false);
    await clock.advance(1);
    expect(await result).to.include({ phase: 'sdk', code: 'sdk_timeout' });
    expect(scripts(f)).to.have.length(0);
    expect(clock.pending()).to.deep.equal([]);
    // Once the late answer is in, the next call downloads again.
    await until(async () => (await f.log('sdk'))[0]!.end, 'the late answer');
    expect(await loadSdk(f.sdk)).to.equal(window.BandyerSDK);
    expect(await f.log('sdk')).to.have.length(2);

    delete window.BandyerSDK; // else it is reused with no download
    const g = await fake({ sdk: [late] });
    const short = failure(loadSdk(g.sdk, { timeoutMs: 1000 }));
    await clock.advance(1000);
    expect(await short).to.include({ code: 'sdk_timeout' });
    await until(async () => (await g.log('sdk'))[0]?.end, 'the late answer');
  });

  it('a loaded script leaves no timer behind', async () => {
    const clock = fakeClock({ frozen: true });
    const f = await fake();
    await loadSdk(f.sdk);
    expect(clock.requested).to.deep.equal([30_000]);
    expect(clock.pending()).to.deep.equal([]);
  });

  it('an abort stops that caller’s wait only, not the shared download', async () => {
    const f = await fake({ sdk: [{ delayMs: 200 }] });
    const controller = new AbortController();
    const first = loadSdk(f.sdk, { signal: controller.signal }).catch((e: unknown) => e);
    const second = loadSdk(f.sdk);
    const reason = new DOMException('the element left', 'AbortError');
    controller.abort(reason);
    expect(await first).to.equal(reason);
    expect(await second).to.equal(window.BandyerSDK);
    expect(scripts(f)).to.have.length(1);
    expect(await f.log('sdk')).to.have.length(1);

    // Already aborted: rejects at once, and the download it would join is still shared.
    expect(await loadSdk(f.sdk, { signal: controller.signal }).catch((e: unknown) => e)).to.equal(
      reason,
    );
    expect(await loadSdk(f.sdk)).to.equal(window.BandyerSDK);
  });
});
