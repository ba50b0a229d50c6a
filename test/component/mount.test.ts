/**
 * `mount(target, attributes)`, for tag managers and scripts (the classic
 * file's `KaleyraCall.mount`, the module file's `mount` export), and
 * `placement="floating"`: a launcher fixed in the bottom corner of the inline
 * end, as chat launchers are, clear of the safe areas, out of the way of the
 * focus order. The CDN files in same-origin frames (support/host-page.ts).
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import {
  MODULE,
  agentOf,
  bundlePage,
  frame,
  removeFrames,
  type BundlePageOptions,
} from './support/host-page.js';

type Mount = (
  target: Element | string,
  attributes?: Record<string, string | boolean>,
) => KaleyraCallElement;
type PageWindow = Window &
  typeof globalThis & {
    KaleyraCall?: { mount: Mount; KaleyraCallElement: typeof HTMLElement };
    moduleMount?: Mount;
  };

async function load(body: string, options?: BundlePageOptions) {
  const page = await bundlePage(body, options);
  const iframe = await frame(page.path);
  const win = iframe.contentWindow as PageWindow;
  return { page, iframe, win, doc: win.document, h: agentOf(win) };
}

describe('mount()', () => {
  afterEach(removeFrames);

  it('KaleyraCall.mount(selector, attributes) places one element there and returns it at once, attributes by name', async () => {
    const { page, win, doc, h } = await load('<div id="slot"></div>', {
      defaults: { connect: 'manual' },
    });
    const el = win.KaleyraCall!.mount('#slot', {
      'call-with': 'dr_rossi',
      'widget-hidden': true,
      feedback: false,
      label: 'Talk to us',
    });
    // Synchronously: placed, and of the page's class.
    expect(el.parentElement).to.equal(doc.getElementById('slot'));
    expect(el instanceof win.KaleyraCall!.KaleyraCallElement).to.equal(true);
    expect(el.getAttribute('call-with')).to.equal('dr_rossi');
    expect(el.getAttribute('widget-hidden')).to.equal('');
    expect(el.hasAttribute('feedback')).to.equal(false);
    await el.updateComplete;
    expect([el.callWith, el.widgetHidden, el.feedback]).to.deep.equal(['dr_rossi', true, false]);
    expect(h.launcher(el).textContent).to.equal('Talk to us');
    // The page's defaults apply to it as to any element.
    expect(el.tokenEndpoint).to.equal(page.token);
  });

  it('is idempotent per target: a second call returns the same element, with the attributes applied again', async () => {
    const { win, doc } = await load('<div id="slot"></div>', { defaults: { connect: 'manual' } });
    const slot = doc.getElementById('slot')!;
    const first = win.KaleyraCall!.mount(slot, { label: 'Call', 'widget-hidden': true });
    const second = win.KaleyraCall!.mount('#slot', { label: 'Call us', 'widget-hidden': false });
    expect(second).to.equal(first);
    expect(slot.querySelectorAll('kaleyra-call')).to.have.length(1);
    expect(first.getAttribute('label')).to.equal('Call us');
    expect(first.hasAttribute('widget-hidden')).to.equal(false);
  });

  it('a selector that matches nothing throws a TypeError that names it', async () => {
    const { win } = await load('');
    let thrown: Error | undefined;
    try {
      win.KaleyraCall!.mount('#nowhere');
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.name).to.equal('TypeError');
    expect(thrown?.message).to.contain('#nowhere');
  });

  it('the module file exports mount; installer attributes may be given to it', async () => {
    const { page, win, doc } = await load('<div id="slot"></div>', {
      module: true,
      defaults: { 'token-endpoint': null, 'sdk-src': null },
      head: `<script type="module">import { mount } from '${MODULE}'; window.moduleMount = mount;</script>`,
    });
    expect(win.KaleyraCall, 'the module sets no global').to.equal(undefined);
    const el = win.moduleMount!(doc.getElementById('slot')!, {
      'token-endpoint': page.token,
      'sdk-src': page.sdk,
      connect: 'manual',
    });
    await el.connect();
    expect(el.state).to.equal('connected');
    expect(await page.log('token')).to.have.length(1);
  });
});

describe('placement="floating"', () => {
  afterEach(removeFrames);

  /** Where `el` is in its frame's viewport: its distances from each edge, in px. */
  function gaps(el: Element) {
    const doc = el.ownerDocument;
    const rect = el.getBoundingClientRect();
    const { clientWidth: width, clientHeight: height } = doc.documentElement;
    return {
      bottom: Math.round(height - rect.bottom),
      right: Math.round(width - rect.right),
      left: Math.round(rect.left),
    };
  }

  /** A long page with a floating launcher mounted at the end of its body, as a tag manager does. */
  async function floatingPage(options: BundlePageOptions = {}) {
    const loaded = await load(
      '<a id="top" href="#">Home</a><div style="height: 300vh"></div><button id="last">Last</button>',
      { defaults: { connect: 'manual' }, ...options },
    );
    const el = loaded.win.KaleyraCall!.mount(loaded.doc.body, { placement: 'floating' });
    await el.updateComplete;
    return { ...loaded, el };
  }

  it('fixed 16–24 px from the bottom and the right edge, above the page, and there still after a scroll', async () => {
    const { win, el } = await floatingPage();
    const style = win.getComputedStyle(el);
    expect(style.position).to.equal('fixed');
    expect(Number(style.zIndex)).to.be.above(1_000_000);
    const before = gaps(el);
    expect(before.bottom).to.be.within(16, 24);
    expect(before.right).to.be.within(16, 24);
    win.scrollTo(0, win.document.documentElement.scrollHeight);
    await new Promise((resolve) => win.requestAnimationFrame(resolve));
    expect(win.scrollY).to.be.above(200);
    expect(gaps(el)).to.deep.equal(before);
    // The control: an inline element is in the flow of the page.
    const slot = win.document.body.insertBefore(win.document.createElement('p'), null);
    const inline = win.KaleyraCall!.mount(slot);
    expect(win.getComputedStyle(inline).position).to.equal('static');
  });

  it('under dir="rtl" it sits at the bottom left', async () => {
    const { el } = await floatingPage({ dir: 'rtl' });
    const { bottom, left, right } = gaps(el);
    expect(bottom).to.be.within(16, 24);
    expect(left).to.be.within(16, 24);
    expect(right).to.be.above(100);
  });

  it('adds the safe-area insets to its distances', async () => {
    const { el } = await floatingPage();
    const rules = [...el.shadowRoot!.adoptedStyleSheets]
      .flatMap((sheet) => [...sheet.cssRules])
      .map((rule) => rule.cssText)
      .filter((text) => text.includes('floating'));
    expect(rules).to.have.length(1);
    expect(rules[0]).to.contain('env(safe-area-inset-bottom)');
    expect(rules[0]).to.match(/env\(safe-area-inset-(left|right)\)/);
  });

  it('stays out of the way of the focus order: no positive tabindex, reached by Tab after the page’s own content', async () => {
    const { iframe, doc, el } = await floatingPage();
    const tabbable = [el, ...el.shadowRoot!.querySelectorAll('*')].filter(
      (node) => node.hasAttribute('tabindex') || node.localName === 'button',
    ) as HTMLElement[];
    for (const node of tabbable) expect(node.tabIndex, node.localName).to.be.at.most(0);
    // Tab from the page's first link reaches the page's own button before the launcher.
    iframe.focus();
    doc.getElementById('top')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(doc.activeElement?.id).to.equal('last');
    await sendKeys({ press: 'Tab' });
    expect(doc.activeElement).to.equal(el);
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('launcher');
  });
});
