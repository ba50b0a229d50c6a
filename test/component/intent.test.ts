/**
 * Intent warms up: a pointer resting on the launcher (65 ms, unless the
 * visitor saves data or is on 2G), focus, a touch starting on it or a press
 * downloads the SDK without running it (and loads the runtime); the click then
 * runs what was fetched. No intent, nothing more.
 */
import { expect } from '@open-wc/testing';
import { fakeClock } from './support/clock.js';
import { fake } from './support/fake-backend.js';
import { freshPage, launcher, mount } from './support/page.js';
import { until, untilState } from './support/waits.js';

/** The links the element added (the test runner has preloads of its own). */
const ours = () =>
  [
    ...document.head.querySelectorAll<HTMLLinkElement>('link[rel=preload], link[rel=preconnect]'),
  ].filter((l) => l.href.includes('/fake/') || !l.href.startsWith(location.origin));
const hints = () =>
  ours().map((l) => {
    const url = new URL(l.href);
    return `${l.rel} ${url.origin === location.origin ? url.pathname : url.origin}`;
  });

describe('<kaleyra-call> intent', () => {
  afterEach(async () => {
    await freshPage();
    for (const link of ours()) link.remove();
    delete (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('kaleyra-call.hints')];
  });

  /** A `connect="click"` element, on a controlled clock, whose launcher the pointer has just entered. */
  async function pointerOnLauncher() {
    const clock = fakeClock();
    const f = await fake();
    const el = mount(f, { connect: 'click' });
    await el.updateComplete;
    const button = launcher(el);
    button.dispatchEvent(new PointerEvent('pointerenter'));
    return { clock, f, el, button };
  }

  it('a pointer resting 65 ms downloads the SDK without running it; the click uses that download', async () => {
    const { clock, f, el, button } = await pointerOnLauncher();
    await clock.advance(64);
    expect(hints()).to.deep.equal([]);
    await clock.advance(1);
    expect(hints()).to.deep.equal([`preload ${f.sdk}`]);
    await until(async () => (await f.log('sdk')).length === 1, 'the SDK download');
    // Fetched, not run, and no token asked for.
    expect(window.BandyerSDK).to.equal(undefined);
    expect(await f.log('token')).to.have.length(0);
    expect(el.state).to.equal('idle');
    clock.uninstall();
    button.click();
    await untilState(el, 'connected');
    expect(await f.log('sdk')).to.have.length(1);
  });

  it('a pointer entering again restarts the rest: 65 ms from its last arrival', async () => {
    const { clock, f, button } = await pointerOnLauncher();
    await clock.advance(40);
    // As when the launcher appears under a pointer that then moves: no leave between.
    button.dispatchEvent(new PointerEvent('pointerenter'));
    await clock.advance(64);
    expect(hints()).to.deep.equal([]);
    await clock.advance(1);
    expect(hints()).to.deep.equal([`preload ${f.sdk}`]);
    clock.uninstall();
  });

  it('a pointer that passes by (under 65 ms) fetches nothing', async () => {
    const { clock, f, button } = await pointerOnLauncher();
    await clock.advance(64);
    button.dispatchEvent(new PointerEvent('pointerleave'));
    await clock.advance(3_600_000);
    expect(hints()).to.deep.equal([]);
    expect(await f.log()).to.have.length(0);
  });

  for (const [what, connection] of [
    ['Save-Data', { saveData: true, effectiveType: '4g' }],
    ['a 2G connection', { saveData: false, effectiveType: '2g' }],
    ['a slow-2G connection', { saveData: false, effectiveType: 'slow-2g' }],
  ] as const) {
    describe(`with ${what}`, () => {
      beforeEach(() => {
        Object.defineProperty(navigator, 'connection', { value: connection, configurable: true });
      });
      afterEach(() => {
        delete (navigator as { connection?: unknown }).connection;
      });

      it('a resting pointer fetches nothing', async () => {
        const { clock, f } = await pointerOnLauncher();
        await clock.advance(3_600_000);
        expect(hints()).to.deep.equal([]);
        expect(await f.log()).to.have.length(0);
      });

      it('focus, a touch and a press still warm up', async () => {
        for (const gesture of [
          (b: HTMLElement) => b.focus(),
          (b: HTMLElement) => b.dispatchEvent(new TouchEvent('touchstart')),
          (b: HTMLElement) => b.dispatchEvent(new PointerEvent('pointerdown')),
        ]) {
          const f = await fake();
          const el = mount(f, { connect: 'click' });
          await el.updateComplete;
          gesture(launcher(el));
          expect(hints()).to.deep.equal([`preload ${f.sdk}`]);
          await freshPage();
          for (const link of ours()) link.remove();
          delete (globalThis as unknown as Record<symbol, unknown>)[
            Symbol.for('kaleyra-call.hints')
          ];
        }
      });
    });
  }

  it('4G without Save-Data: the resting pointer warms up', async () => {
    Object.defineProperty(navigator, 'connection', {
      value: { saveData: false, effectiveType: '4g' },
      configurable: true,
    });
    try {
      const { clock, f } = await pointerOnLauncher();
      await clock.advance(65);
      expect(hints()).to.deep.equal([`preload ${f.sdk}`]);
      clock.uninstall();
    } finally {
      delete (navigator as { connection?: unknown }).connection;
    }
  });

  it('keyboard focus, a touch and a press warm up at once, each hint once per page', async () => {
    const f = await fake();
    const first = mount(f, { connect: 'click' });
    const second = mount(f, { connect: 'click' });
    const third = mount(f, { connect: 'click' });
    await Promise.all([first.updateComplete, second.updateComplete, third.updateComplete]);
    launcher(first).focus();
    launcher(second).dispatchEvent(new TouchEvent('touchstart'));
    launcher(third).dispatchEvent(new PointerEvent('pointerdown'));
    expect(hints()).to.deep.equal([`preload ${f.sdk}`]);
  });

  it('preconnects a token endpoint of another origin, in the mode its request will use', async () => {
    const f = await fake();
    const el = mount(f, {
      connect: 'manual',
      attrs: { 'token-endpoint': 'https://token.example.com/v1/token', credentials: 'include' },
    });
    await el.updateComplete;
    launcher(el).focus();
    const [preconnect] = ours().filter((l) => l.rel === 'preconnect');
    expect(preconnect!.href).to.equal('https://token.example.com/');
    expect(preconnect!.crossOrigin).to.equal('use-credentials');
  });

  it('no intent: nothing is fetched, however long the page stays', async () => {
    const clock = fakeClock();
    const f = await fake();
    mount(f, { connect: 'click' });
    await clock.advance(3_600_000);
    expect(hints()).to.deep.equal([]);
    expect(await f.log()).to.have.length(0);
  });
});
