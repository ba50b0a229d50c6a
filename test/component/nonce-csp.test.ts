/**
 * A page with a nonce-based Content-Security-Policy (served with the header,
 * support/host-page.ts): every script and preload hint the element adds (its
 * runtime file, the SDK, the guest challenge) carries the nonce of the script
 * that loaded the bundle, so a call connects with no violation, with and
 * without 'strict-dynamic', and without listing our files' host. The SDK is the
 * stand-in; like the real SDK it adds its media client's script by itself
 * (without a nonce), from a folder the page lists where it lists hosts.
 */
import { expect } from '@open-wc/testing';
import type { KaleyraCallElement } from '../../component/kaleyra-call.js';
import {
  agentOf,
  bundlePage,
  frame,
  removeFrames,
  violationsSoFar,
  type AgentApi,
  type BundlePageOptions,
} from './support/host-page.js';

const NONCE = 'r4nd0m-n0nce';
let seq = 0;

/** A folder of the fake backend for the SDK's media client, and the SDK step that points it there. */
function mediaFolder() {
  const folder = `/fake/media-${Date.now().toString(36)}${seq++}/`;
  return {
    source: `${location.origin}${folder}`,
    sdk: [{ append: `__bandyerEmulator.setMediaClientUrl('${folder}bandyer-media-client.js');` }],
  };
}

/** A page with `csp` and `body`, in a same-origin frame; resolves with its agent and document. */
async function load(body: string, csp: string, options: BundlePageOptions = {}) {
  const page = await bundlePage(body, { nonce: NONCE, csp, ...options });
  const win = (await frame(page.path)).contentWindow!;
  return { page, win, doc: win.document, h: agentOf(win) };
}

/** The scripts and hints in `doc` that the element added: all but the page's own and the SDK's media client. */
function added(doc: Document) {
  return [...doc.querySelectorAll<HTMLScriptElement | HTMLLinkElement>('script[src], link')]
    .filter((node) => !node.hasAttribute('data-token-endpoint'))
    .filter((node) => !('src' in node && node.src.includes('bandyer-media-client')))
    .map((node) => {
      const url = new URL('src' in node ? node.src : node.href);
      return `${node.localName === 'link' ? (node as HTMLLinkElement).rel : 'script'} ${url.pathname}${url.search} ${node.nonce}`;
    });
}

/** Intent (focus), a click on the launcher, then a call that dials. */
async function callFromTheLauncher(h: AgentApi, el: KaleyraCallElement) {
  await el.updateComplete;
  h.launcher(el).focus();
  h.launcher(el).click();
  await h.until(() => el.call === 'dialing', 'a dialing call');
}

describe('a page with a nonce CSP', () => {
  afterEach(removeFrames);

  it(`script-src 'nonce-…' 'strict-dynamic': warm-up, connect and call, every script and hint with the nonce, no violation, one SDK download`, async () => {
    const { page, win, doc, h } = await load(
      '<kaleyra-call connect="click" call-with="dr_rossi"></kaleyra-call>',
      `script-src 'nonce-${NONCE}' 'strict-dynamic'; object-src 'none'; base-uri 'none'`,
    );
    await callFromTheLauncher(h, h.el());
    expect(await violationsSoFar(win)).to.deep.equal([]);
    expect(h.seen.uncaught).to.deep.equal([]);
    expect(added(doc)).to.have.members([
      `script /fake/raw/dist/kaleyra-call.runtime.en ${NONCE}`,
      `preload /fake/${page.id}/sdk ${NONCE}`,
      `script /fake/${page.id}/sdk ${NONCE}`,
    ]);
    expect(await page.log('sdk')).to.have.length(1);
  });

  it(`script-src 'nonce-…' plus the SDK's media host only: our files' host unlisted, still no violation`, async () => {
    const media = mediaFolder();
    const { page, win, doc, h } = await load(
      '<kaleyra-call connect="click" call-with="dr_rossi"></kaleyra-call>',
      `script-src 'nonce-${NONCE}' ${media.source}`,
      { sdk: media.sdk },
    );
    const el = h.el();
    // A resting pointer, then focus, then the click.
    expect(h.rest(el)).to.deep.equal([65]);
    await callFromTheLauncher(h, el);
    expect(await violationsSoFar(win)).to.deep.equal([]);
    expect(added(doc)).to.have.members([
      `script /fake/raw/dist/kaleyra-call.runtime.en ${NONCE}`,
      `preload /fake/${page.id}/sdk ${NONCE}`,
      `script /fake/${page.id}/sdk ${NONCE}`,
    ]);
    expect(await page.log('sdk')).to.have.length(1);
    // The control: a script without the nonce from our files' host is refused here.
    const stray = doc.createElement('script');
    stray.src = '/fake/raw/dist/kaleyra-call.trusted-types';
    const refused = new Promise((resolve) => stray.addEventListener('error', resolve));
    doc.head.append(stray);
    await refused;
    expect(await violationsSoFar(win)).to.deep.equal([
      `script-src-elem ${location.origin}/fake/raw/dist/kaleyra-call.trusted-types`,
    ]);
  });

  it('the ES module file: its nonce too (the module script whose src is its URL)', async () => {
    const media = mediaFolder();
    const { page, win, doc, h } = await load(
      '<kaleyra-call connect="manual"></kaleyra-call>',
      `script-src 'nonce-${NONCE}' ${media.source}`,
      { module: true, sdk: media.sdk },
    );
    const el = h.el();
    // (A module runs before the frame's load event: the element is upgraded.)
    expect(el.shadowRoot).not.to.equal(null);
    await el.connect();
    expect(el.state).to.equal('connected');
    expect(await violationsSoFar(win)).to.deep.equal([]);
    expect(added(doc)).to.have.members([
      `script /fake/raw/dist/kaleyra-call.runtime.en ${NONCE}`,
      `preload /fake/${page.id}/sdk ${NONCE}`,
      `script /fake/${page.id}/sdk ${NONCE}`,
    ]);
  });

  it('the nonce of the script that loaded the bundle, not that of the page’s first script', async () => {
    const media = mediaFolder();
    const first = 'f1rst-n0nce';
    const { page, win, doc, h } = await load(
      '<kaleyra-call connect="manual"></kaleyra-call>',
      `script-src 'nonce-${first}' 'nonce-${NONCE}' ${media.source}`,
      { agentNonce: first, sdk: media.sdk },
    );
    await h.el().connect();
    expect(await violationsSoFar(win)).to.deep.equal([]);
    expect(added(doc)).to.have.members([
      `script /fake/raw/dist/kaleyra-call.runtime.en ${NONCE}`,
      `preload /fake/${page.id}/sdk ${NONCE}`,
      `script /fake/${page.id}/sdk ${NONCE}`,
    ]);
  });

  it('the guest challenge’s script carries it too', async () => {
    const media = mediaFolder();
    const standIn = `nonce-ts-${Date.now().toString(36)}${seq++}`;
    const challenge = `/fake/${standIn}/turnstile/v0/api.js?render=explicit`;
    const pass = await fetch(`/fake/${standIn}/__control/turnstile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ challenge: 'pass' }),
    });
    expect(pass.ok).to.equal(true);
    const { page, win, doc, h } = await load(
      '<kaleyra-call connect="click" chat-with="support"></kaleyra-call>',
      `script-src 'nonce-${NONCE}' ${media.source}`,
      {
        defaults: { 'challenge-src': challenge },
        sdk: media.sdk,
        token: [{ guest: true }],
        turnstile: standIn,
      },
    );
    const el = h.el();
    await el.updateComplete;
    h.launcher(el).click();
    await h.untilState(el, 'connected');
    expect(el.userId).to.match(/^guest_\d+$/);
    expect(await violationsSoFar(win)).to.deep.equal([]);
    expect(added(doc)).to.include(`script ${challenge} ${NONCE}`);
    expect(await page.log('guest')).to.have.length(1);
  });
});
