/**
 * Editor previews: where the page is an editor's preview (the `preview`
 * attribute, a sandboxed frame with an opaque origin such as WordPress's
 * Custom HTML preview, WordPress's block editor canvas, Shopify's theme editor,
 * Webflow's Designer, Wix's Editor) the element is an inert placeholder, state
 * `preview`, and requests nothing at all: no runtime file, token, SDK,
 * challenge or hint, whatever the visitor does. The CDN bundle, in pages of
 * their own (support/host-page.ts), each with a tag that would start at once
 * anywhere else.
 */
import { expect } from '@open-wc/testing';
import { EDITOR_HOSTS } from '../../component/facade/preview.js';
import {
  BUNDLE,
  bundlePage as page,
  frame,
  remote,
  removeFrames,
  type AgentApi,
} from './support/host-page.js';

/** The bundle's own request: what a page in preview fetches, and all it fetches. */
const ONLY_THE_BUNDLE = [BUNDLE];
const ONLY_THE_BUNDLE_SCRIPT = [`script ${BUNDLE}`];

/**
 * Everything a visitor or an editor could do to the element `selector`: a
 * pointer resting on the launcher, a press, a touch, focus, a click, then
 * every method. Run in the page; returns what came of it.
 */
async function tryEverything(h: AgentApi, selector: string) {
  const el = h.el(selector);
  await el.updateComplete;
  const launcher = h.launcher(el);
  h.rest(el);
  launcher.dispatchEvent(new PointerEvent('pointerdown'));
  launcher.dispatchEvent(new TouchEvent('touchstart'));
  launcher.focus();
  launcher.click();
  const refusals: unknown[] = [];
  for (const method of [
    () => el.connect(),
    () => el.startCall(['dr_rossi']),
    () => el.openChat('dr_rossi'),
    () => el.joinCall('https://example.com/room'),
    () => el.openWidget(),
    () => el.closeWidget(),
  ]) {
    refusals.push(
      await method().then(
        () => 'resolved',
        (e: { phase: string; code: string; message: string }) => {
          const { phase, code, message } = e;
          return { phase, code, message };
        },
      ),
    );
  }
  await el.updateComplete;
  return {
    state: el.state,
    reflected: el.getAttribute('state'),
    disabled: launcher.disabled,
    label: launcher.textContent,
    status: h.status(el),
    refusals,
    requests: h.requests(),
    fetched: h.fetched(),
    errors: h.seen.errors,
  };
}

/** What came of `tryEverything` in a preview, in English. */
function expectInertPreview(result: Awaited<ReturnType<typeof tryEverything>>) {
  const sentence = 'Preview: calls start on the published page';
  expect(result).to.deep.include({
    state: 'preview',
    reflected: 'preview',
    disabled: true,
    label: 'Video call',
    status: sentence,
  });
  expect(result.refusals).to.deep.equal(
    Array(6).fill({ phase: 'config', code: 'preview', message: sentence }),
  );
  expect(result.requests, 'requests begun').to.deep.equal(ONLY_THE_BUNDLE_SCRIPT);
  expect(result.fetched, 'resources fetched').to.deep.equal(ONLY_THE_BUNDLE);
  // A preview is not a failure: nothing to report.
  expect(result.errors).to.deep.equal([]);
}

describe('preview: an inert placeholder that requests nothing', () => {
  afterEach(removeFrames);

  it('the preview attribute: state preview, the launcher inert, no request whatever is done; without it, the same tag starts', async () => {
    const p = await page('<kaleyra-call preview call-with="dr_rossi"></kaleyra-call>');
    const f = await frame(p.path);
    expectInertPreview(await remote(f, tryEverything, 'kaleyra-call'));
    expect(await p.log(), 'the fake backend saw nothing').to.deep.equal([]);

    // The control: the same tag, once the editor publishes it, starts as connect="auto" says.
    const after = await remote(f, async (h) => {
      const el = h.el();
      el.removeAttribute('preview');
      await h.untilState(el, 'connected');
      return { disabled: h.launcher(el).disabled, reflected: el.getAttribute('state') };
    });
    expect(after).to.deep.equal({ disabled: false, reflected: 'connected' });
    expect((await p.log()).map((e) => e.kind)).to.include.members(['token', 'sdk']);
  });

  for (const [lang, sentence] of [
    ['it', 'Anteprima: le chiamate partono dalla pagina pubblicata'],
    ['es', 'Vista previa: las llamadas empiezan en la página publicada'],
  ] as const) {
    it(`says so in the element's language (${lang}): the status line and every refusal`, async () => {
      const p = await page('<kaleyra-call preview></kaleyra-call>', { lang });
      const f = await frame(p.path);
      const result = await remote(f, tryEverything, 'kaleyra-call');
      expect(result.status).to.equal(sentence);
      for (const refusal of result.refusals) {
        expect(refusal).to.deep.equal({ phase: 'config', code: 'preview', message: sentence });
      }
      expect(result.requests).to.deep.equal(ONLY_THE_BUNDLE_SCRIPT);
    });
  }

  it('a sandboxed frame (an opaque origin, as WordPress’s Custom HTML preview): preview; the same page unsandboxed starts', async () => {
    const p = await page('<kaleyra-call call-with="dr_rossi"></kaleyra-call>');
    const sandboxed = await frame(p.path, { sandbox: 'allow-scripts' });
    expect(await remote(sandboxed, () => self.origin)).to.equal('null');
    expectInertPreview(await remote(sandboxed, tryEverything, 'kaleyra-call'));
    expect(await p.log()).to.deep.equal([]);

    const published = await frame(p.path);
    const state = await remote(published, async (h) => {
      await h.untilState(h.el(), 'connected');
      return h.el().state;
    });
    expect(state).to.equal('connected');
  });

  it('WordPress’s block editor canvas (body.editor-styles-wrapper): a tag and a marker are previews', async () => {
    // The canvas is a frame of its own whose body has the class.
    const p = await page(
      `<kaleyra-call id="tag" call-with="dr_rossi"></kaleyra-call>
       <div data-kaleyra-call data-call-with="dr_rossi"></div>`,
      { bodyClass: 'editor-styles-wrapper' },
    );
    const f = await frame(p.path);
    expectInertPreview(await remote(f, tryEverything, '#tag'));
    expectInertPreview(await remote(f, tryEverything, '[data-kaleyra-call] > kaleyra-call'));
    expect(await p.log()).to.deep.equal([]);
  });

  it('inside .editor-styles-wrapper only: an element outside it on the same page is not a preview', async () => {
    const p = await page(
      `<div class="editor-styles-wrapper"><kaleyra-call id="inside"></kaleyra-call></div>
       <kaleyra-call id="outside" connect="click"></kaleyra-call>`,
    );
    const f = await frame(p.path);
    const states = await remote(f, async (h) => {
      await Promise.all([h.el('#inside').updateComplete, h.el('#outside').updateComplete]);
      return [h.el('#inside').state, h.el('#outside').state, h.launcher(h.el('#outside')).disabled];
    });
    expect(states).to.deep.equal(['preview', 'idle', false]);
    expectInertPreview(await remote(f, tryEverything, '#inside'));
    // The control: the same resting pointer on the element outside warms it up.
    const warmed = await remote(f, (h) => {
      const rested = h.rest(h.el('#outside'));
      return { rested, requests: h.requests() };
    });
    expect(warmed).to.deep.equal({
      rested: [65],
      requests: [
        `script ${BUNDLE}`,
        'script /fake/raw/dist/kaleyra-call.runtime.en',
        `preload /fake/${p.id}/sdk`,
      ],
    });
  });

  it('Shopify’s theme editor (Shopify.designMode): preview; a storefront with designMode false starts', async () => {
    const editor = await page('<kaleyra-call call-with="dr_rossi"></kaleyra-call>', {
      head: '<script>window.Shopify = { shop: "x.myshopify.com", designMode: true };</script>',
    });
    expectInertPreview(await remote(await frame(editor.path), tryEverything, 'kaleyra-call'));
    expect(await editor.log()).to.deep.equal([]);

    const storefront = await page('<kaleyra-call call-with="dr_rossi"></kaleyra-call>', {
      head: '<script>window.Shopify = { shop: "x.myshopify.com", designMode: false };</script>',
    });
    const state = await remote(await frame(storefront.path), async (h) => {
      await h.untilState(h.el(), 'connected');
      return h.el().state;
    });
    expect(state).to.equal('connected');
  });
});

describe('EDITOR_HOSTS: the editors known by their host name', () => {
  it('Webflow’s Designer canvas and Wix’s Editor', () => {
    for (const host of [
      'x.canvas.webflow.com',
      'canvas.webflow.com',
      'my-site-1a2b.design.webflow.com',
      'x.design.webflow.com',
      'editor.wix.com',
    ]) {
      expect(EDITOR_HOSTS.test(host), host).to.equal(true);
    }
  });

  it('not the sites they publish, nor look-alikes', () => {
    for (const host of [
      'mysite.webflow.io',
      'webflow.com',
      'www.webflow.com',
      'xcanvas.webflow.com',
      'canvas.webflow.com.evil.example',
      'canvas-webflow.com',
      'wix.com',
      'www.wix.com',
      'mysite.wixsite.com',
      'editor.wix.com.evil.example',
      'editorxwix.com',
    ]) {
      expect(EDITOR_HOSTS.test(host), host).to.equal(false);
    }
  });
});
