/** What the element shows: one action in the error state, and a focus ring that can be seen. */
import { expect, fixture, html } from '@open-wc/testing';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { fake } from './support/fake-backend.js';
import { freshPage, launcher, mount } from './support/page.js';
import { untilState } from './support/waits.js';

/** WCAG relative luminance of an `rgb(r, g, b)` colour. */
function luminance(color: string): number {
  const [r, g, b] = color
    .match(/\d+(\.\d+)?/g)!
    .slice(0, 3)
    .map(Number)
    .map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};
const visible = (el: HTMLElement | null) => !!el && !el.hidden;

describe('<kaleyra-call> view', () => {
  afterEach(freshPage);

  it('the error state offers one action: "Try again", not the launcher beside it', async () => {
    const f = await fake({
      token: [{ status: 401, body: { error: { code: 'unauthenticated' } } }],
    });
    const el = mount(f);
    await untilState(el, 'error');
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(visible(root.querySelector('[part="retry"]'))).to.equal(true);
    expect(visible(launcher(el))).to.equal(false);
    const actions = [...root.querySelectorAll<HTMLButtonElement>('button')].filter(visible);
    expect(actions.map((b) => b.textContent)).to.deep.equal(['Try again']);
  });

  it('a configuration problem offers no action at all: the page must be fixed', async () => {
    const el = await fixture<KaleyraCallElement>(html`<kaleyra-call></kaleyra-call>`);
    await el.updateComplete;
    const buttons = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')];
    expect(buttons.filter(visible)).to.have.length(0);
  });

  it('the focus ring stands out 3:1 against the launcher and against a white and a black page', async () => {
    const el = await fixture<KaleyraCallElement>(
      html`<kaleyra-call token-endpoint="/t" connect="manual"></kaleyra-call>`,
    );
    const button = launcher(el);
    button.focus();
    expect(button.matches(':focus-visible')).to.equal(true);
    const style = getComputedStyle(button);
    const inner = style.outlineColor;
    const outer = /rgba?\([^)]*\)/.exec(style.boxShadow)![0];
    expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
    // The band next to the button, against the button.
    expect(contrast(inner, style.backgroundColor)).to.be.at.least(3);
    // Against each page, one of the two bands stands out.
    for (const page of ['rgb(255, 255, 255)', 'rgb(0, 0, 0)']) {
      const best = Math.max(contrast(inner, page), contrast(outer, page));
      expect(best, page).to.be.at.least(3);
    }
  });
});
