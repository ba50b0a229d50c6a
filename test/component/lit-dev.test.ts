import { expect } from '@open-wc/testing';
import { fake } from './support/fake-backend.js';
import { freshPage, mount } from './support/page.js';
import { untilState } from './support/waits.js';

describe('<kaleyra-call> in Lit dev mode', () => {
  afterEach(freshPage);

  it('causes no Lit dev-mode warning through a whole lifecycle', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      warn.apply(console, args);
    };
    try {
      const f = await fake();
      const el = mount(f, { attrs: { label: 'Call' } });
      await untilState(el, 'connected');
      el.region = 'us';
      el.headless = true;
      await el.updateComplete;
      el.headless = false;
      el.remove();
      await untilState(el, 'disconnected');
      const bad = document.createElement('kaleyra-call');
      document.body.append(bad);
      await bad.updateComplete;
    } finally {
      console.warn = warn;
    }
    const lit = warnings.filter(
      (w) => w.includes('lit.dev/msg') && !w.includes('lit.dev/msg/dev-mode'),
    );
    expect(lit).to.deep.equal([]);
  });
});
