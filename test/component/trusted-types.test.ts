/**
 * Trusted Types, enforced for real: pages served with a Content-Security-Policy
 * header (test/support/fake-servers.mjs, /fake/<id>/page; the test runner's own
 * page has none), shown in a same-origin frame and driven from here. They load
 * the built CDN files byte for byte (/fake/raw/dist/…, needs `npm run build`):
 * the element, and the opt-in `default` policy (component/trusted-types-default.ts).
 * The SDK is the stand-in, which loads its media client at connect with a plain
 * string script URL, as the real SDK does (docs/kaleyra-sdk-notes.md, Trusted Types).
 */
import { expect } from '@open-wc/testing';
import type { SdkStandInControl } from '../../sandbox/kaleyra-sdk/bandyer-sdk.js';
import type { KaleyraCallErrorEvent } from '../../component/common/events.js';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { until } from './support/waits.js';

const ENFORCE = "require-trusted-types-for 'script'";
const WITH_DEFAULT = `${ENFORCE}; trusted-types kaleyra-call default`;
const ELEMENT_ONLY = `${ENFORCE}; trusted-types kaleyra-call`;

interface Violation {
  directive: string;
  sample: string;
}
type PageWindow = Window &
  typeof globalThis & {
    violations: Violation[];
    errors: string[];
    own?: unknown;
    __bandyerEmulator?: SdkStandInControl;
    KaleyraCallTrustedTypes?: {
      installDefaultPolicy(options?: { scriptUrlPrefixes?: string[] }): boolean;
    };
    trustedTypes: { defaultPolicy: unknown };
  };

// Before anything else on the page: every violation and uncaught error, from the start.
const WATCH = `<script>
  window.violations = [];
  window.errors = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    violations.push({ directive: e.effectiveDirective, sample: e.sample }));
  addEventListener('error', (e) => errors.push(e.message));
</script>`;
const DEFAULT_POLICY = '<script src="/fake/raw/dist/kaleyra-call.trusted-types"></script>';
const ELEMENT = '<script src="/fake/raw/dist/kaleyra-call.iife"></script>';

let seq = 0;
const frames: HTMLIFrameElement[] = [];

/** A page at /fake/<id>/page with `csp`; its token endpoint and SDK are /fake/<id>/…. */
async function page(
  csp: string,
  head: (id: string) => string,
  sdk: { append?: string } = {},
): Promise<{ win: PageWindow; id: string }> {
  const built = await fetch('/dist/integrity.json');
  expect(built.ok, 'dist/ is missing: run `npm run build` first').to.equal(true);
  const id = `tt${Date.now().toString(36)}${seq++}`;
  const html = `<!doctype html><html lang="en"><head>${WATCH}${head(id)}</head><body>
    <kaleyra-call app-id="wAppId_tt" token-endpoint="/fake/${id}/token"
      sdk-src="/fake/${id}/sdk" connect="manual"></kaleyra-call></body></html>`;
  await fetch(`/fake/${id}/script`, {
    method: 'PUT',
    body: JSON.stringify({ page: { csp, html }, sdk: [sdk] }),
  });
  const iframe = document.createElement('iframe');
  iframe.src = `/fake/${id}/page`;
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  document.body.append(iframe);
  frames.push(iframe);
  await loaded;
  return { win: iframe.contentWindow as PageWindow, id };
}

const elementIn = (win: PageWindow) =>
  win.document.querySelector('kaleyra-call') as KaleyraCallElement;

/** What `fn` throws in the page; fails when it does not throw. */
function thrownIn(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

/** The page's violations once `count` have arrived (they are reported asynchronously). */
async function violations(win: PageWindow, count: number): Promise<Violation[]> {
  await until(() => win.violations.length >= count, `${count} violation(s)`);
  return win.violations;
}

afterEach(() => {
  for (const f of frames.splice(0)) f.remove();
});

describe('Trusted Types: with the opt-in default policy', () => {
  it('connects and starts a call; nothing is refused', async () => {
    // The media client is served from another folder than the SDK, and only that folder is
    // admitted: a script URL of the element's own that skipped its `kaleyra-call` policy would
    // reach the default policy, be refused and show up as a violation.
    const media = `tt-media-${seq}`;
    const { win, id } = await page(
      WITH_DEFAULT,
      () =>
        `${DEFAULT_POLICY}<script>KaleyraCallTrustedTypes.installDefaultPolicy({
          scriptUrlPrefixes: [location.origin + '/fake/${media}/'] })</script>${ELEMENT}`,
      { append: `__bandyerEmulator.setMediaClientUrl('/fake/${media}/bandyer-media-client.js');` },
    );
    expect(win.trustedTypes.defaultPolicy, 'the default policy is installed').not.to.equal(null);
    const el = elementIn(win);
    await el.connect();
    expect(el.state).to.equal('connected');

    await el.startCall(['bob']);
    const control = win.__bandyerEmulator!;
    expect(control.mediaClient).to.deep.equal({
      url: `${location.origin}/fake/${media}/bandyer-media-client.js`,
      status: 'loaded',
      reason: null,
    });
    // Fields, not the frame's objects: chai cannot print those when an assertion fails.
    const { direction, status } = control.client!.callView!.call;
    expect({ direction, status }).to.deep.equal({ direction: 'outgoing', status: 'dialing' });
    const scripts = [...win.document.scripts].map((s) => new URL(s.src || win.location.href));
    expect(scripts.map((u) => u.pathname)).to.include.members([
      '/fake/raw/dist/kaleyra-call.runtime.en',
      `/fake/${id}/sdk`,
    ]);
    expect(win.violations).to.deep.equal([]);
    expect(win.errors).to.deep.equal([]);
  });

  it('admits exactly the SDK’s own sinks and refuses anything else, with a report', async () => {
    const { win } = await page(WITH_DEFAULT, () => DEFAULT_POLICY);
    const script = win.document.createElement('script');
    const div = win.document.createElement('div');

    // Admitted: the media client's folder, a same-origin blob: worker, the two HTML strings.
    script.src = 'https://static.bandyer.com/corporate/webrtc_client/widget_no_ie/media.js';
    expect(script.src).to.equal(
      'https://static.bandyer.com/corporate/webrtc_client/widget_no_ie/media.js',
    );
    const blob = win.URL.createObjectURL(new win.Blob([''], { type: 'text/javascript' }));
    new win.Worker(blob).terminate();
    div.innerHTML = '&#8203;';
    expect(div.textContent).to.equal('\u200b');
    div.innerHTML = 'downloading...';
    expect(div.textContent).to.equal('downloading...');
    expect(win.violations).to.deep.equal([]);

    // Refused: anything else, each assignment throwing and reported.
    const refused = [
      'https://evil.example/x.js',
      'https://static.bandyer.com/corporate/other/x.js',
      'https://static.bandyer.com/corporate/webrtc_client/../x.js',
      'blob:https://evil.example/2a9c2c1e-0000-4000-8000-000000000000',
      '/fake/anything/here.js',
    ];
    for (const url of refused) {
      expect(thrownIn(() => (script.src = url)).name, url).to.equal('TypeError');
    }
    for (const html of ['<img src=x onerror=alert(1)>', 'downloading…', '&#8203; ']) {
      expect(thrownIn(() => (div.innerHTML = html)).name, html).to.equal('TypeError');
    }
    expect(thrownIn(() => win.eval('1 + 1')).name).to.equal('EvalError');

    const seen = await violations(win, refused.length + 4);
    expect(seen.map((v) => v.directive)).to.deep.equal([
      ...refused.map(() => 'require-trusted-types-for'),
      'require-trusted-types-for',
      'require-trusted-types-for',
      'require-trusted-types-for',
      'require-trusted-types-for',
    ]);
    expect(seen[0]!.sample).to.equal('HTMLScriptElement src|https://evil.example/x.js');
    expect(seen[refused.length]!.sample).to.match(/^Element innerHTML\|<img src=x/);
    expect(script.src, 'nothing was assigned').to.contain('/widget_no_ie/media.js');
  });

  it('takes more script URL prefixes, and refuses malformed ones', async () => {
    const { win } = await page(WITH_DEFAULT, () => DEFAULT_POLICY);
    const api = win.KaleyraCallTrustedTypes!;
    const script = win.document.createElement('script');
    expect(thrownIn(() => (script.src = 'https://media.example/lib/a.js')).name).to.equal(
      'TypeError',
    );
    expect(
      api.installDefaultPolicy({ scriptUrlPrefixes: ['https://media.example/lib/'] }),
    ).to.equal(true);
    script.src = 'https://media.example/lib/a.js';
    expect(script.src).to.equal('https://media.example/lib/a.js');
    expect(thrownIn(() => (script.src = 'https://media.example/library/a.js')).name).to.equal(
      'TypeError',
    );
    for (const prefix of ['https://media.example/lib', 'media.example/lib/', 'ftp://x.example/']) {
      const error = thrownIn(() => api.installDefaultPolicy({ scriptUrlPrefixes: [prefix] }));
      expect(error.name, prefix).to.equal('TypeError');
      expect(error.message).to.contain(JSON.stringify(prefix));
    }
  });

  it('installs nothing over a default policy the page has', async () => {
    const { win } = await page(
      WITH_DEFAULT,
      () =>
        `<script>window.own = trustedTypes.createPolicy('default', {
          createScriptURL: () => null });</script>${DEFAULT_POLICY}`,
    );
    expect(win.own, 'the page made its policy').not.to.equal(undefined);
    expect(win.trustedTypes.defaultPolicy === win.own, 'still the page’s').to.equal(true);
    const api = win.KaleyraCallTrustedTypes!;
    expect(api.installDefaultPolicy()).to.equal(false);
    expect(
      api.installDefaultPolicy({ scriptUrlPrefixes: ['https://static.bandyer.com/'] }),
    ).to.equal(false);
    // The page's own policy still decides: it admits nothing.
    const script = win.document.createElement('script');
    const url = 'https://static.bandyer.com/corporate/webrtc_client/widget_no_ie/media.js';
    expect(thrownIn(() => (script.src = url)).name).to.equal('TypeError');
    // Our script did not even try a second `default` policy (no duplicate refused).
    expect(win.errors).to.deep.equal([]);
    expect((await violations(win, 1)).map((v) => v.directive)).to.deep.equal([
      'require-trusted-types-for',
    ]);
  });
});

describe('Trusted Types: without the default policy', () => {
  it('connects and chats through the kaleyra-call policy; a call fails with the media client error', async () => {
    const { win, id } = await page(ELEMENT_ONLY, () => ELEMENT);
    const el = elementIn(win);
    await el.connect();
    expect(el.state).to.equal('connected');
    const control = win.__bandyerEmulator!;
    await until(() => control.mediaClient.status === 'failed', 'the media client to fail');
    expect(control.mediaClient.reason).to.contain(`/fake/${id}/bandyer-media-client.js`);

    await el.openChat('bob');
    const channel = control.client!.getChannelView('bob').channel;
    await channel.sendMessage('chat works');
    expect(channel.messages.map((m) => m.text)).to.deep.equal(['chat works']);

    const fired = new Promise<KaleyraCallErrorEvent>((resolve) =>
      el.addEventListener('kaleyra-call-error', resolve, { once: true }),
    );
    const failure = (await el.startCall(['bob']).then(
      () => ({}),
      (error: unknown) => error,
    )) as { phase?: string; code?: string };
    const unavailable = { phase: 'call', code: 'media_client_unavailable' };
    expect({ phase: failure.phase, code: failure.code }).to.deep.equal(unavailable);
    const { detail } = await fired;
    expect({ phase: detail.phase, code: detail.code }).to.deep.equal(unavailable);
    expect(el.state, 'the session goes on').to.equal('connected');

    // The one refused sink is the SDK's own media client: the element's URLs all passed.
    const seen = await violations(win, 1);
    // A report's sample is the sink and the first 40 characters of the value.
    const media = `${location.origin}/fake/${id}/bandyer-media-client.js`;
    expect(seen).to.deep.equal([
      {
        directive: 'require-trusted-types-for',
        sample: `HTMLScriptElement src|${media.slice(0, 40)}`,
      },
    ]);
  });
});
