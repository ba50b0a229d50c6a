/**
 * Guests on a public page: the token endpoint's 401 guest offer, the Turnstile
 * challenge (the stand-in of sandbox/turnstile/browser/, its server behind
 * test/support/fake-servers.mjs under /fake/guest-ts/), the guest endpoint, and
 * the guest credential kept for the tab.
 */
import { expect } from '@open-wc/testing';
import type { TurnstileGlobals } from '../../sandbox/turnstile/turnstile.js';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import { fake, type Fake, type Step } from './support/fake-backend.js';
import { freshPage, launcher, watchFetch } from './support/page.js';
import { record, until, untilState } from './support/waits.js';

const STAND_IN = 'guest-ts';
const CHALLENGE_SRC = `/fake/${STAND_IN}/turnstile/v0/api.js?render=explicit`;
const GUEST: Step = { guest: true };

const standIn = () => (window as unknown as TurnstileGlobals).__turnstileStandIn!;

/** How the challenge should go for the next visitor. */
async function behave(challenge: 'pass' | 'interactive' | 'fail') {
  const res = await fetch(`/fake/${STAND_IN}/__control/turnstile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ challenge }),
  });
  expect(res.ok).to.equal(true);
}

/** A public page's tag: the endpoint only (plus the test's SDK and challenge stand-ins). */
async function tag(f: Fake, attrs: Record<string, string> = {}): Promise<KaleyraCallElement> {
  const el = document.createElement('kaleyra-call');
  el.setAttribute('token-endpoint', f.token);
  el.setAttribute('sdk-src', f.sdk);
  el.setAttribute('challenge-src', CHALLENGE_SRC);
  el.setAttribute('app-id', 'wAppId_public');
  el.setAttribute('connect', 'click');
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const container = (el: HTMLElement) => el.querySelector<HTMLElement>('[slot="challenge"]');
const frameDoc = (el: HTMLElement) => container(el)?.querySelector('iframe')?.contentDocument;
const checkbox = (el: HTMLElement) =>
  frameDoc(el)?.querySelector<HTMLInputElement>('input[type=checkbox]') ?? null;
const stored = () =>
  Object.keys(sessionStorage).filter((key) => key.startsWith('kaleyra-call.guest:'));

describe('<kaleyra-call> guests', () => {
  beforeEach(async () => {
    sessionStorage.clear();
    await behave('pass');
  });
  afterEach(async () => {
    await freshPage();
    sessionStorage.clear();
  });

  it('a click on a public page: a passing challenge, seen by nobody, then the call connects as a guest', async () => {
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const el = await tag(f);
    const states = record(el, 'kaleyra-call-state');
    launcher(el).click();
    await untilState(el, 'connected');
    expect(el.userId).to.match(/^guest_\d+$/);
    expect(states.map((e) => e.detail.state)).to.include.members(['verifying', 'connected']);
    // One token request (the offer), one guest request (which answered the token).
    expect(await f.log('token')).to.have.length(1);
    expect(await f.log('guest')).to.have.length(1);
    // The widget and its container are gone; the credential is kept for the tab.
    expect(container(el)).to.equal(null);
    expect(standIn().liveWidgets()).to.equal(0);
    expect(stored()).to.have.length(1);
  });

  it('with connect="auto" the offer waits for a gesture in idle: no challenge, no guest, no error', async () => {
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const requests = watchFetch();
    const el = await tag(f, { connect: 'auto' });
    const errors = record(el, 'kaleyra-call-error');
    await until(async () => (await f.log('token')).length === 1, 'the token request');
    await untilState(el, 'idle');
    await el.updateComplete;
    expect(launcher(el).hidden).to.equal(false);
    expect(launcher(el).ariaBusy).to.equal('false');
    expect(errors).to.have.length(0);
    expect(container(el)).to.equal(null);
    expect(requests.some((r) => r.url.includes('/turnstile/'))).to.equal(false);
    expect(await f.log('guest')).to.have.length(0);
    // The visitor asks for the call: now the challenge, then the call.
    launcher(el).click();
    await untilState(el, 'connected');
    expect(await f.log('guest')).to.have.length(1);
    expect(await f.log('token')).to.have.length(1);
  });

  it('an interactive challenge shows its checkbox in the element; ticking it connects', async () => {
    await behave('interactive');
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const el = await tag(f);
    launcher(el).click();
    await until(() => checkbox(el), 'the checkbox');
    expect(el.state).to.equal('verifying');
    // Light DOM, projected into the element's `challenge` slot.
    expect(container(el)!.parentElement).to.equal(el);
    const slot = el.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="challenge"]')!;
    expect(slot.assignedElements()).to.deep.equal([container(el)]);
    const status = el.shadowRoot!.querySelector('[part="status"]')!.textContent;
    expect(status).to.equal('Checking you are a person…');
    checkbox(el)!.click();
    await untilState(el, 'connected');
    expect(container(el)).to.equal(null);
  });

  it('a failed challenge: a plain message and "Try again", which challenges again', async () => {
    await behave('fail');
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const el = await tag(f);
    const errors = record(el, 'kaleyra-call-error');
    launcher(el).click();
    await untilState(el, 'error');
    expect(errors.at(-1)!.detail).to.include({ code: 'challenge_failed', fatal: true });
    await el.updateComplete;
    const box = el.shadowRoot!.querySelector('[part="error"]')!;
    expect(box.querySelector(':scope > span')!.textContent).to.equal(
      'We could not confirm you are a person. Please try again.',
    );
    expect(container(el)).to.equal(null);
    expect(await f.log('guest')).to.have.length(0);
    await behave('pass');
    box.querySelector<HTMLButtonElement>('[part="retry"]')!.click();
    await untilState(el, 'connected');
  });

  it('a challenge left unanswered expires: a failure too, and no widget left', async () => {
    await behave('interactive');
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const el = await tag(f);
    const errors = record(el, 'kaleyra-call-error');
    launcher(el).click();
    await until(() => checkbox(el), 'the checkbox');
    // The visitor walks away: the stand-in's interactive timeout, now.
    standIn().timeOut(standIn().widgetIds()[0]!);
    await untilState(el, 'error');
    expect(errors.at(-1)!.detail.code).to.equal('challenge_failed');
    expect(errors.at(-1)!.detail.message).to.contain('(timeout)');
    expect(container(el)).to.equal(null);
    expect(standIn().liveWidgets()).to.equal(0);
  });

  it('a reload within the tab connects with the kept credential: no new challenge, no new guest', async () => {
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const first = await tag(f);
    launcher(first).click();
    await untilState(first, 'connected');
    const guest = first.userId;
    const kept = sessionStorage.getItem(stored()[0]!);
    // As a reload would: a new page state, the same tab's storage.
    await freshPage();
    const el = await tag(f, { connect: 'auto' });
    await untilState(el, 'connected');
    expect(el.userId).to.equal(guest);
    expect(await f.log('guest')).to.have.length(1);
    const [, second] = await f.log('token');
    expect(second!.headers.authorization).to.equal(`Bearer ${JSON.parse(kept!).token}`);
    // The answer carried a renewed credential, kept in its place.
    expect(sessionStorage.getItem(stored()[0]!)).not.to.equal(kept);
  });

  it('leaving mid-challenge leaves nothing behind: widget, container, timers and listeners gone', async () => {
    await behave('interactive');
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const el = await tag(f);
    launcher(el).click();
    await until(() => checkbox(el), 'the checkbox');
    el.remove();
    await until(() => standIn().liveWidgets() === 0, 'the widget removed');
    expect(container(el)).to.equal(null);
    expect(standIn().activeTimers()).to.equal(0);
    expect(standIn().activeListeners()).to.equal(0);
  });

  it('guest="off": a 401 is "sign in", whatever the offer', async () => {
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const requests = watchFetch();
    const el = await tag(f, { guest: 'off' });
    const errors = record(el, 'kaleyra-call-error');
    launcher(el).click();
    await untilState(el, 'error');
    expect(errors.map((e) => e.detail.code)).to.deep.equal(['unauthenticated']);
    expect(requests.some((r) => r.url.includes('/turnstile/'))).to.equal(false);
    expect(await f.log('guest')).to.have.length(0);
  });

  it('an element given authToken is a signed-in integration: never a guest', async () => {
    const f = await fake({ token: [GUEST], turnstile: STAND_IN });
    const el = await tag(f);
    el.authToken = 'site-jwt';
    const errors = record(el, 'kaleyra-call-error');
    launcher(el).click();
    await untilState(el, 'error');
    expect(errors.map((e) => e.detail.code)).to.deep.equal(['unauthenticated']);
    expect(await f.log('guest')).to.have.length(0);
  });

  it('an offer with an unknown challenge counts as none: sign in, with unsupported_challenge', async () => {
    const f = await fake({ token: [{ guest: true, challenge: 'hcaptcha' }], turnstile: STAND_IN });
    const el = await tag(f);
    const errors = record(el, 'kaleyra-call-error');
    launcher(el).click();
    await untilState(el, 'error');
    expect(errors.map((e) => e.detail.code)).to.deep.equal(['unsupported_challenge']);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="error"] > span')!.textContent).to.equal(
      'Please sign in to start a video call.',
    );
  });
});
