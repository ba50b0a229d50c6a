/**
 * Markers: `<div data-kaleyra-call data-call-with="…">`, what CMS sanitizers
 * keep where they drop `<script>` and unknown tags. The CDN bundle places one
 * `<kaleyra-call>` inside every marker, present at load or added later, with
 * the marker's `data-*` attributes, never the installer's ones (those come from
 * the loading script). Removing a marker tears its element down; moving one is
 * a DOM move; a re-rendered section holds one element and the page one session.
 * In same-origin frames (support/host-page.ts), read directly.
 */
import { expect } from '@open-wc/testing';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import {
  agentOf,
  bundlePage,
  frame,
  frameClock,
  removeFrames,
  type AgentApi,
  type BundlePageOptions,
  type HostPage,
} from './support/host-page.js';

interface Loaded {
  page: HostPage;
  win: Window & typeof globalThis;
  doc: Document;
  h: AgentApi;
}

/** `body` in a page that installs the classic bundle, in a same-origin frame. */
async function load(
  body: string | ((page: HostPage) => string),
  options?: BundlePageOptions,
): Promise<Loaded> {
  const page = await bundlePage(body, options);
  const win = (await frame(page.path)).contentWindow as Window & typeof globalThis;
  return { page, win, doc: win.document, h: agentOf(win) };
}

/** The elements directly inside `marker`. */
const inside = (marker: Element) =>
  [...marker.children].filter((c) => c.localName === 'kaleyra-call');

/** The one element inside `marker`, once it is there. */
async function elementIn(h: AgentApi, marker: Element): Promise<KaleyraCallElement> {
  return (await h.until(
    () => inside(marker)[0],
    'the element inside the marker',
  )) as KaleyraCallElement;
}

describe('markers: <div data-kaleyra-call>', () => {
  afterEach(removeFrames);

  it('each marker present at load holds one element with its data- attributes; "false" is false, present is true', async () => {
    const { doc, h } = await load(
      `<div id="a" data-kaleyra-call data-call-with="dr_rossi" data-language="it" data-connect="manual"
          data-label="Chiama lo studio" data-call-type="audio_only" data-widget-hidden="false" data-feedback
          data-tools="chat file_upload"></div>
       <div id="b" data-kaleyra-call data-chat-with="support" data-connect="manual"></div>`,
      // The page's own default, which the marker's "false" overrides.
      { defaults: { 'widget-hidden': '' } },
    );
    const a = doc.getElementById('a')!;
    const b = doc.getElementById('b')!;
    expect(inside(a)).to.have.length(1);
    expect(inside(b)).to.have.length(1);
    const el = inside(a)[0] as KaleyraCallElement;
    await el.updateComplete;
    expect({
      callWith: el.callWith,
      language: el.language,
      connectOn: el.connectOn,
      label: el.label,
      callType: el.callType,
      widgetHidden: el.widgetHidden,
      feedback: el.feedback,
      tools: el.tools,
    }).to.deep.equal({
      callWith: 'dr_rossi',
      language: 'it',
      connectOn: 'manual',
      label: 'Chiama lo studio',
      callType: 'audio_only',
      widgetHidden: false,
      feedback: true,
      tools: 'chat file_upload',
    });
    expect(h.launcher(el).textContent).to.equal('Chiama lo studio');
    expect(el.state).to.equal('idle');
    const other = inside(b)[0] as KaleyraCallElement;
    expect({ chatWith: other.chatWith, callWith: other.callWith }).to.deep.equal({
      chatWith: 'support',
      callWith: undefined,
    });
    // The page's default where the marker says nothing.
    expect(other.widgetHidden).to.equal(true);
  });

  it('never takes the installer attributes from a marker: the endpoint, SDK, challenge and call page are the loading script’s', async () => {
    const evil = 'https://evil.example';
    const { page, doc, h } = await load(
      `<div data-kaleyra-call data-connect="manual" data-call-with="dr_rossi"
          data-token-endpoint="${evil}/v1/token" data-sdk-src="${evil}/sdk.js"
          data-challenge-src="${evil}/challenge.js" data-call-page="${evil}/call"></div>`,
      { defaults: { 'challenge-src': '/challenge.js', 'call-page': '/call' } },
    );
    const el = await elementIn(h, doc.querySelector('[data-kaleyra-call]')!);
    expect({
      tokenEndpoint: el.tokenEndpoint,
      sdkSrc: el.sdkSrc,
      challengeSrc: el.challengeSrc,
      callPage: el.callPage,
    }).to.deep.equal({
      tokenEndpoint: page.token,
      sdkSrc: page.sdk,
      challengeSrc: '/challenge.js',
      callPage: '/call',
    });
    // Not as attributes either.
    for (const name of ['token-endpoint', 'sdk-src', 'challenge-src', 'call-page']) {
      expect(el.hasAttribute(name), name).to.equal(false);
    }
    await el.connect();
    expect(el.state).to.equal('connected');
    expect((await page.log()).map((e) => e.kind)).to.have.members(['token', 'sdk']);
    expect(h.requests().filter((r) => r.includes('evil'))).to.deep.equal([]);
  });

  it('a marker added later (a tag manager, an SPA route), alone or inside a subtree, is upgraded', async () => {
    const { doc, h } = await load('<main></main>');
    const late = doc.createElement('div');
    late.dataset.kaleyraCall = '';
    late.dataset.callWith = 'dr_rossi';
    late.dataset.connect = 'manual';
    doc.body.append(late);
    const section = doc.createElement('section');
    section.innerHTML = `<article><p>Book a visit</p>
      <div data-kaleyra-call data-chat-with="support" data-connect="manual"></div></article>`;
    doc.querySelector('main')!.append(section);
    const first = await elementIn(h, late);
    const second = await elementIn(h, section.querySelector('[data-kaleyra-call]')!);
    expect([first.callWith, second.chatWith]).to.deep.equal(['dr_rossi', 'support']);
    expect(doc.querySelectorAll('kaleyra-call')).to.have.length(2);
    // Seen again (moved), a marker keeps its one element.
    doc.body.prepend(late);
    await first.updateComplete;
    expect(inside(late)).to.deep.equal([first]);
  });

  it('removing a marker removes its element, which tears down', async () => {
    const { doc, h } = await load('<div data-kaleyra-call data-call-with="dr_rossi"></div>');
    const marker = doc.querySelector('[data-kaleyra-call]')!;
    const el = await elementIn(h, marker);
    await h.untilState(el, 'connected');
    const reasons: string[] = [];
    el.addEventListener('kaleyra-call-disconnected', (e) => reasons.push(e.detail.reason));
    marker.remove();
    await h.untilState(el, 'disconnected');
    expect(reasons).to.deep.equal(['removed']);
    expect(h.sdk().count('destroyClient')).to.equal(1);
    expect(h.sdk().client).to.equal(null);
  });

  it('moving a marker is a DOM move: no teardown, the same element, still connected', async () => {
    const { win, doc, h } = await load(
      '<aside></aside><div data-kaleyra-call data-call-with="dr_rossi"></div>',
    );
    const marker = doc.querySelector('[data-kaleyra-call]')!;
    const el = await elementIn(h, marker);
    await h.untilState(el, 'connected');
    const reasons: string[] = [];
    el.addEventListener('kaleyra-call-disconnected', (e) => reasons.push(e.detail.reason));
    const clock = frameClock(win);
    doc.querySelector('aside')!.append(marker);
    // Past the moment a removal would be acted on.
    await clock.advance(60_000);
    expect(reasons).to.deep.equal([]);
    expect(inside(marker)).to.deep.equal([el]);
    expect(el.state).to.equal('connected');
    expect(h.sdk().count('disconnect')).to.equal(0);
    expect(h.sdk().count('connect')).to.equal(1);
  });

  describe('a section re-rendered by setting its innerHTML (a CMS)', () => {
    const MARKUP = '<p>Questions?</p><div data-kaleyra-call data-call-with="dr_rossi"></div>';

    /** A connected marker in `<section>`; then `render(section)`; resolves with the element after. */
    async function rerender(render: (section: HTMLElement) => void) {
      const loaded = await load(`<section>${MARKUP}</section>`);
      const { doc, h } = loaded;
      const section = doc.querySelector('section')!;
      const before = await elementIn(h, section.querySelector('[data-kaleyra-call]')!);
      await h.untilState(before, 'connected');
      render(section);
      const after = await elementIn(h, section.querySelector('[data-kaleyra-call]')!);
      await h.untilState(after, 'connected');
      return { ...loaded, before, after };
    }

    it('from the CMS’s markup: exactly one element, the same session', async () => {
      const { page, doc, h, before, after } = await rerender((s) => (s.innerHTML = MARKUP));
      expect(after).not.to.equal(before);
      expect(doc.querySelectorAll('kaleyra-call')).to.have.length(1);
      expect(after.callWith).to.equal('dr_rossi');
      // One session: configured and connected once, never destroyed; one token.
      expect(['configure', 'connect', 'destroyClient'].map((m) => h.sdk().count(m))).to.deep.equal([
        1, 1, 0,
      ]);
      expect(await page.log('token')).to.have.length(1);
    });

    it('from its own serialized HTML (the element included): exactly one element, still the marker’s', async () => {
      const { doc, h, after } = await rerender((s) => {
        const html = s.innerHTML;
        expect(html).to.contain('<kaleyra-call');
        s.innerHTML = html;
      });
      expect(doc.querySelectorAll('kaleyra-call')).to.have.length(1);
      expect(['configure', 'connect', 'destroyClient'].map((m) => h.sdk().count(m))).to.deep.equal([
        1, 1, 0,
      ]);
      // The marker's attributes still hold for the element it holds.
      expect(after.callWith).to.equal('dr_rossi');
    });
  });
});
