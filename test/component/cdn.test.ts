/**
 * The CDN builds as the README tells people to load them (needs `npm run
 * build`): each snippet is taken from README.md, its jsDelivr URL pointed at
 * this build's dist/ (served byte for byte by test/support/distribution.mjs),
 * and loaded in a fresh frame (its own custom element registry), so the
 * browser checks the `integrity` hash for real.
 */
import { expect } from '@open-wc/testing';
import { until } from './support/waits.js';

type FrameWindow = Window & { KaleyraCall?: { KaleyraCallElement?: unknown } };

const frames: HTMLIFrameElement[] = [];

async function readme(): Promise<string> {
  const built = await fetch('/dist/integrity.json');
  expect(built.ok, 'dist/ is missing: run `npm run build` first').to.equal(true);
  return (await fetch('/README.md')).text();
}

/**
 * The first ```html block under the README heading `heading`, or with no
 * heading the README's first one (the snippet to paste), loading this build.
 */
function snippet(text: string, heading?: string): string {
  const start = heading === undefined ? 0 : text.indexOf(`\n### ${heading}`);
  expect(start, `README.md has no "### ${heading}"`).to.be.above(-1);
  const block = /```html\n([\s\S]*?)```/.exec(text.slice(start))?.[1];
  expect(block, `no html block under "### ${heading ?? 'the title'}"`).to.be.a('string');
  return block!.replace(
    /https:\/\/cdn\.jsdelivr\.net\/npm\/kaleyra-call@[^/]+\/dist\/([\w.-]+)\.js/g,
    '/fake/raw/dist/$1',
  );
}

/** A same-origin frame showing `body`; resolves once it has loaded. */
async function frame(body: string): Promise<FrameWindow> {
  const iframe = document.createElement('iframe');
  iframe.srcdoc = `<!doctype html><html lang="en"><body>${body}</body></html>`;
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  document.body.append(iframe);
  frames.push(iframe);
  await loaded;
  return iframe.contentWindow as FrameWindow;
}

/** The pasted tag, started only by the launcher. */
const clickMode = (html: string) =>
  html.replace('<kaleyra-call ', '<kaleyra-call connect="click" ');

const requested = (win: Window) =>
  win.performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);

describe('the CDN builds, loaded as the README shows', () => {
  afterEach(() => {
    for (const f of frames.splice(0)) f.remove();
  });

  it('the snippet to paste, the README’s first code block, works as pasted: classic script, SRI checked, the one-attribute tag starts', async () => {
    const text = await readme();
    expect(/```(\w*)/.exec(text)?.[1], 'the README’s first code block').to.equal('html');
    const html = snippet(text);
    expect(html).to.contain('integrity="sha384-');
    expect(html).to.match(/<kaleyra-call token-endpoint="[^"]+"><\/kaleyra-call>/);
    const win = await frame(html);

    const Element = win.customElements.get('kaleyra-call');
    expect(Element, 'the classic script registered <kaleyra-call>').to.be.a('function');
    expect(win.KaleyraCall?.KaleyraCallElement).to.equal(Element);
    const el = win.document.querySelector('kaleyra-call')!;
    await el.updateComplete;
    // connect="auto": it starts at once, with its runtime (offline here, so the SDK then fails).
    expect(el.state).not.to.equal('idle');
    await until(
      () => requested(win).includes('/fake/raw/dist/kaleyra-call.runtime.en'),
      'the runtime',
    );
  });

  it('with connect="click", nothing but the element’s own file until the button is pressed', async () => {
    const win = await frame(clickMode(snippet(await readme())));
    const el = win.document.querySelector('kaleyra-call')!;
    await el.updateComplete;
    expect(el.state).to.equal('idle');
    const launcher = el.shadowRoot!.querySelector('[part="launcher"]') as HTMLButtonElement;
    expect(launcher.hidden).to.equal(false);
    expect(
      launcher.textContent!.trim() || el.shadowRoot!.querySelector('slot')!.textContent,
    ).to.equal('Video call');
    expect(requested(win)).to.deep.equal(['/fake/raw/dist/kaleyra-call.iife']);
  });

  it('the ES module snippet loads with its integrity hash', async () => {
    const html = snippet(await readme(), 'As an ES module');
    expect(html).to.contain('type="module"');
    const win = await frame(`${html}<kaleyra-call connect="manual"></kaleyra-call>`);

    expect(win.customElements.get('kaleyra-call')).to.be.a('function');
    expect(win.KaleyraCall, 'the module sets no global').to.equal(undefined);
    const el = win.document.querySelector('kaleyra-call')!;
    await el.updateComplete;
    // No token-endpoint: the element explains itself instead of throwing, in
    // the inline error of its runtime (loaded with its hash for the purpose).
    expect(el.state).to.equal('error');
    const box = () => el.shadowRoot!.querySelector<HTMLElement>('[part="error"]');
    await until(() => box()?.hidden === false, 'the inline error');
    const error = box()!;
    expect(error.textContent).to.contain('token-endpoint');
  });

  it('a start loads the runtime beside the bundle, checked against the hash the bundle carries', async () => {
    const win = await frame(clickMode(snippet(await readme())));
    const el = win.document.querySelector('kaleyra-call')!;
    await el.updateComplete;
    const built = (await (await fetch('/dist/integrity.json')).json()) as Record<string, string>;
    const script = new Promise<HTMLScriptElement>((resolve) =>
      new MutationObserver((records, observer) => {
        const added = records.flatMap((r) => [...r.addedNodes]);
        const found = added.find((n) => (n as HTMLScriptElement).src?.includes('runtime'));
        if (found) {
          observer.disconnect();
          resolve(found as HTMLScriptElement);
        }
      }).observe(win.document.head, { childList: true }),
    );
    (el.shadowRoot!.querySelector('[part="launcher"]') as HTMLButtonElement).click();
    const tag = await script;
    const loaded = new Promise((resolve) => tag.addEventListener('load', resolve, { once: true }));
    expect(new URL(tag.src).pathname).to.equal('/fake/raw/dist/kaleyra-call.runtime.en');
    // The bundle carries the runtime file's sha256 (integrity.json lists sha384 hashes).
    const bytes = await (await fetch('/fake/raw/dist/kaleyra-call.runtime.en')).arrayBuffer();
    const digest = btoa(
      String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))),
    );
    expect(tag.integrity).to.equal(`sha256-${digest}`);
    expect(built['dist/kaleyra-call.runtime.en.js']).to.match(/^sha384-/);
    expect(tag.crossOrigin).to.equal('anonymous');
    await loaded;
    const runtimes = (win as unknown as Record<symbol, Map<string, unknown>>)[
      Symbol.for('kaleyra-call.builds')
    ]!;
    const { version } = (await (await fetch('/package.json')).json()) as { version: string };
    // Beside the shared modules the first file lends its runtime files (under the version alone).
    const runtime = runtimes.get(`${version} en`) as Record<string, unknown>;
    expect(runtime.drive).to.be.a('function');
    expect(Object.keys(runtimes.get(version)!).sort()).to.deep.equal([
      'attributes',
      'clock',
      'errors',
      'events',
      'scripts',
    ]);
  });

  it('elements in two languages load the runtime of each language, registered under it', async () => {
    const html = clickMode(snippet(await readme()));
    const tag = /<kaleyra-call [^>]*><\/kaleyra-call>/.exec(html)![0];
    const win = await frame(
      `${html}${tag.replace('<kaleyra-call ', '<kaleyra-call language="it" ')}`,
    );
    const [en, it] = [...win.document.querySelectorAll('kaleyra-call')];
    await Promise.all([en!.updateComplete, it!.updateComplete]);
    for (const el of [en!, it!]) {
      (el.shadowRoot!.querySelector('[part="launcher"]') as HTMLButtonElement).click();
    }
    const runtimes = () =>
      (win as unknown as Record<symbol, Map<string, unknown> | undefined>)[
        Symbol.for('kaleyra-call.builds')
      ];
    await until(
      () =>
        [...(runtimes()?.entries() ?? [])].filter(
          ([key, r]) => key.includes(' ') && typeof (r as Promise<unknown>).then !== 'function',
        ).length === 2,
      'both runtimes',
    );
    const { version } = (await (await fetch('/package.json')).json()) as { version: string };
    expect([...runtimes()!.keys()].sort()).to.deep.equal([
      version,
      `${version} en`,
      `${version} it`,
    ]);
    const files = requested(win).filter((path) => path.includes('runtime'));
    expect(files.sort()).to.deep.equal([
      '/fake/raw/dist/kaleyra-call.runtime.en',
      '/fake/raw/dist/kaleyra-call.runtime.it',
    ]);
  });

  it('a runtime file that does not match the hash in the bundle is refused, and said so', async () => {
    const html = snippet(await readme()).replaceAll('/fake/raw/dist/', '/fake/raw/tampered/');
    const win = await frame(html);
    const unhandled: unknown[] = [];
    win.addEventListener('unhandledrejection', (e) => unhandled.push(e.reason));
    const el = win.document.querySelector('kaleyra-call')!;
    await el.updateComplete;
    const error = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('kaleyra-call-error', (e) => resolve(e as CustomEvent), { once: true }),
    );
    (el.shadowRoot!.querySelector('[part="launcher"]') as HTMLButtonElement).click();
    const { detail } = await error;
    expect(detail).to.include({ phase: 'sdk', code: 'runtime_load_failed', fatal: true });
    expect(el.state).to.equal('error');
    // With no runtime to word it, the status line says so, and the launcher tries again.
    const root = el.shadowRoot!;
    const status = root.querySelector<HTMLElement>('[part="status"]')!;
    const launcher = root.querySelector<HTMLButtonElement>('[part="launcher"]')!;
    expect(status.hidden).to.equal(false);
    expect(status.textContent).to.equal('Video call unavailable');
    expect(launcher.hidden).to.equal(false);
    expect(root.querySelector('[part="error"]')).to.equal(null);
    const scripts: string[] = [];
    new MutationObserver((records) => {
      for (const node of records.flatMap((r) => [...r.addedNodes])) {
        const src = (node as HTMLScriptElement).src;
        if (src?.includes('runtime')) scripts.push(new URL(src).pathname);
      }
    }).observe(win.document.head, { childList: true });
    const again = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('kaleyra-call-error', (e) => resolve(e as CustomEvent), { once: true }),
    );
    launcher.click();
    expect(el.state).to.equal('loading');
    expect((await again).detail.code).to.equal('runtime_load_failed');
    // A new script, not the failed one's outcome remembered.
    expect(scripts).to.deep.equal(['/fake/raw/tampered/kaleyra-call.runtime.en']);
    // Reported as events; no promise of the launcher's is left rejected unhandled. Such a
    // rejection would be reported before one the page makes now: wait for that one.
    const marker = new Promise<void>((resolve) =>
      win.addEventListener('unhandledrejection', (e) => {
        if (e.reason !== 'marker') return;
        e.preventDefault();
        resolve();
      }),
    );
    const script = win.document.createElement('script');
    script.textContent = "Promise.reject('marker');";
    win.document.head.append(script);
    await marker;
    expect(unhandled).to.deep.equal(['marker']);
  });

  it('an Italian element words its failures in Italian only: the event, the rejection, the inline error', async () => {
    const html = snippet(await readme()).replace(
      /<kaleyra-call [^>]*><\/kaleyra-call>/,
      '<kaleyra-call language="it" connect="manual" token-endpoint="/fake/nowhere/token"></kaleyra-call>',
    );
    const win = await frame(html);
    const el = win.document.querySelector('kaleyra-call')!;
    await el.updateComplete;
    const event = new Promise<CustomEvent>((resolve) =>
      el.addEventListener('kaleyra-call-error', (e) => resolve(e as CustomEvent), { once: true }),
    );
    const rejected = await el.connect().then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    const { detail } = await event;
    expect(requested(win).filter((path) => path.includes('runtime'))).to.deep.equal([
      '/fake/raw/dist/kaleyra-call.runtime.it',
    ]);
    expect(detail.code).to.equal(rejected!.code);
    expect(rejected!.message).to.equal(detail.message);
    const box = el.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!;
    expect(box.hidden).to.equal(false);
    expect(box.querySelector('summary')!.textContent).to.equal('Dettagli');
    expect(box.querySelector('[part="retry"]')!.textContent).to.equal('Riprova');
    // The Italian file holds no English text: what a visitor or developer reads is Italian.
    const runtime = await (await fetch('/dist/kaleyra-call.runtime.it.js')).text();
    expect(runtime).not.to.contain('Try again');
    expect(runtime).not.to.contain('The video call is unavailable right now');
    expect(detail.message).to.match(/[àèéìòù]|\b(il|la|del|non|per)\b/);
  });

  it('a file that does not match its integrity hash is refused', async () => {
    const text = await readme();
    const html = snippet(text, 'As an ES module');
    const other = /integrity="(sha384-[^"]+)"/.exec(snippet(text))![1]!;
    const tampered = html.replace(/integrity="sha384-[^"]+"/, `integrity="${other}"`);
    expect(tampered).not.to.equal(html);
    const win = await frame(tampered);

    expect(win.customElements.get('kaleyra-call')).to.equal(undefined);
  });
});
