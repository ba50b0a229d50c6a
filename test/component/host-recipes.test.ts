/**
 * Recipes: the element on host pages as they really are, one situation each,
 * end to end, with the CDN bundle delivered as that host delivers it
 * (support/host-page.ts): a tag manager, a CMS that re-renders, WordPress's
 * Custom HTML preview, Wix's HTML embed, a hardening plugin's header, a page
 * with a nonce CSP, Webflow's preview origin, and Google Tag Manager's floating
 * launcher. The feature tests beside this file go into each behaviour.
 */
import { expect } from '@open-wc/testing';
import {
  BUNDLE,
  agentOf,
  agentScript,
  bundlePage,
  frame,
  hostPage,
  otherOrigin,
  remote,
  removeFrames,
  violationsSoFar,
  type AgentApi,
  type HostPage,
} from './support/host-page.js';

const SENTENCE = "Video calls can't start on this page.";

/**
 * The Google Tag Manager tag of docs/where-to-paste.md, for `page`: the bundle from this
 * build, the page's token endpoint and SDK.
 */
async function documentedGtmTag(page: HostPage): Promise<string> {
  const doc = await (await fetch('/docs/where-to-paste.md')).text();
  const section = doc.slice(doc.indexOf('\n## Google Tag Manager'));
  const tag = /```html\n([\s\S]*?)```/.exec(section)?.[1];
  expect(tag, 'docs/where-to-paste.md has a Google Tag Manager snippet').to.be.a('string');
  const bundle = /src="(https:[^"]+\/kaleyra-call\.iife\.js)"/.exec(tag!)?.[1];
  const endpoint = /data-token-endpoint="([^"]+)"/.exec(tag!)?.[1];
  expect([bundle, endpoint], 'the snippet names the bundle and the endpoint').not.to.include(
    undefined,
  );
  return tag!
    .replace(bundle!, BUNDLE)
    .replace(endpoint!, `${page.token}" data-sdk-src="${page.sdk}" data-app-id="wAppId_gtm`);
}

/** Clicks the launcher of `el` and resolves once its call dials. */
async function callFrom(h: AgentApi, el = h.el()) {
  await el.updateComplete;
  h.launcher(el).click();
  await h.until(() => el.call === 'dialing', 'a dialing call');
}

describe('recipes: host pages as they really are', () => {
  afterEach(removeFrames);

  it('a tag manager adds a marker late, at the end of <body>: it is upgraded, and the visitor calls', async () => {
    const page = await bundlePage('<main><h1>Clinic</h1></main>');
    const win = (await frame(page.path)).contentWindow!;
    const h = agentOf(win);
    // What the tag manager's tag runs, after the page has loaded.
    const marker = win.document.createElement('div');
    marker.setAttribute('data-kaleyra-call', '');
    marker.setAttribute('data-call-with', 'dr_rossi');
    marker.setAttribute('data-connect', 'click');
    win.document.body.append(marker);
    const el = (await h.until(() => h.el('[data-kaleyra-call] > kaleyra-call'), 'the element'))!;
    await callFrom(h, el);
    expect(h.seen.errors).to.deep.equal([]);
  });

  it('Google Tag Manager installs a floating launcher: the Custom HTML tag of docs/where-to-paste.md, injected at the end of <body> as GTM does', async () => {
    const page = await hostPage(
      () => `<!doctype html><html lang="en"><head>${agentScript()}</head><body>
        <main style="height: 200vh">Shop</main></body></html>`,
    );
    const tag = await documentedGtmTag(page);
    const win = (await frame(page.path)).contentWindow!;
    const h = agentOf(win);
    // What GTM does with a Custom HTML tag: its nodes appended to <body>, each script made anew
    // (a parsed one would not run).
    const template = win.document.createElement('template');
    template.innerHTML = tag;
    for (const node of [...template.content.childNodes]) {
      if (!(node instanceof (win as typeof window).HTMLScriptElement)) continue;
      const script = win.document.createElement('script');
      for (const { name, value } of [...node.attributes]) script.setAttribute(name, value);
      script.text = node.text;
      win.document.body.append(script);
    }
    const el = await h.until(
      () =>
        win.document.querySelector<HTMLElementTagNameMap['kaleyra-call']>('body > kaleyra-call'),
      'the mounted launcher',
    );
    expect(win.document.body.lastElementChild).to.equal(el);
    expect(win.getComputedStyle(el!).position).to.equal('fixed');
    // The snippet's element connects at once (connect="auto"); then the visitor clicks.
    await h.untilState(el!, 'connected');
    h.launcher(el!).click();
    await h.until(() => h.sdk()?.count('addChannel') === 1, 'the chat with support');
    expect(el!.chatWith).to.equal('support');
    expect(h.seen.errors).to.deep.equal([]);
  });

  it('a CMS re-renders the section (innerHTML): one element, one session, and the visitor still calls', async () => {
    const section = '<h2>Talk to us</h2><div data-kaleyra-call data-call-with="dr_rossi"></div>';
    const page = await bundlePage(`<section>${section}</section>`);
    const win = (await frame(page.path)).contentWindow!;
    const h = agentOf(win);
    await h.untilState(h.el(), 'connected');
    win.document.querySelector('section')!.innerHTML = section;
    const el = await h.until(() => h.el('[data-kaleyra-call] > kaleyra-call'), 'the new element');
    await h.untilState(el, 'connected');
    expect(win.document.querySelectorAll('kaleyra-call')).to.have.length(1);
    await callFrom(h, el);
    expect(['configure', 'destroyClient'].map((m) => h.sdk().count(m))).to.deep.equal([1, 0]);
    expect(await page.log('token')).to.have.length(1);
  });

  it('WordPress’s Custom HTML preview (a sandboxed frame, an opaque origin): the pasted snippet is an inert preview', async () => {
    const page = await hostPage(
      (p) => `<!doctype html><html lang="en"><head>${agentScript()}</head><body>
        <script src="${BUNDLE}"></script>
        <kaleyra-call token-endpoint="${p.token}" sdk-src="${p.sdk}" call-with="dr_rossi"></kaleyra-call>
        </body></html>`,
    );
    const f = await frame(page.path, { sandbox: 'allow-scripts' });
    const seen = await remote(f, async (h) => {
      const el = h.el();
      await el.updateComplete;
      h.launcher(el).click();
      return { state: el.state, status: h.status(el), requests: h.requests() };
    });
    expect(seen).to.deep.equal({
      state: 'preview',
      status: 'Preview: calls start on the published page',
      requests: [`script ${BUNDLE}`],
    });
    expect(await page.log()).to.deep.equal([]);
  });

  it('Wix’s HTML embed (a cross-origin frame without allow): a call is offered on the call page beside the token endpoint, in a new window; a chat works', async () => {
    const page = await hostPage(
      () => `<!doctype html><html lang="en"><head>${agentScript()}</head><body>
        <script src="${BUNDLE}"></script>
        <kaleyra-call token-endpoint="https://token.example.com/v1/token" call-with="dr_rossi"
          connect="click"></kaleyra-call></body></html>`,
    );
    const chat = await hostPage(
      (p) => `<!doctype html><html lang="en"><head>${agentScript()}</head><body>
        <script src="${BUNDLE}"></script>
        <kaleyra-call token-endpoint="${p.token}" sdk-src="${p.sdk}" app-id="wAppId_wix"
          chat-with="support" connect="click"></kaleyra-call></body></html>`,
    );
    const f = await frame(`${otherOrigin()}${page.path}`);
    const outcome = await remote(f, async (h) => {
      const el = h.el();
      await el.updateComplete;
      h.launcher(el).click();
      await h.untilState(el, 'error');
      await el.updateComplete;
      return { shown: h.shown(el), opened: h.pressOpen(el), requests: h.requests() };
    });
    expect(outcome.shown).to.include({ visitor: SENTENCE, open: true });
    expect(outcome.opened).to.deep.equal([
      ['https://token.example.com/call?with=dr_rossi&lang=en', '_blank', 'noopener'],
    ]);
    expect(outcome.requests.filter((r) => r.includes('token.example.com'))).to.deep.equal([]);
    // A chat works there.
    const chatted = await remote(await frame(`${otherOrigin()}${chat.path}`), async (h) => {
      const el = h.el();
      await el.updateComplete;
      h.launcher(el).click();
      await h.until(() => h.sdk()?.count('addChannel') === 1, 'the chat');
      return { state: el.state, errors: h.seen.errors };
    });
    expect(chatted).to.deep.equal({ state: 'connected', errors: [] });
  });

  it('a hardening plugin sends Permissions-Policy: camera=(), microphone=(): the call goes to the call page, the chat stays here', async () => {
    const page = await bundlePage(
      `<div id="call" data-kaleyra-call data-call-with="dr_rossi" data-connect="click"></div>
       <div id="chat" data-kaleyra-call data-chat-with="support" data-connect="click"></div>`,
      {
        defaults: { 'call-page': '/call' },
        headers: { 'Permissions-Policy': 'camera=(), microphone=()' },
      },
    );
    const win = (await frame(page.path)).contentWindow!;
    const h = agentOf(win);
    const call = h.el('#call > kaleyra-call');
    await call.updateComplete;
    h.launcher(call).click();
    await h.untilState(call, 'error');
    await call.updateComplete;
    expect(h.shown(call)).to.include({ visitor: SENTENCE, open: true });
    expect(h.pressOpen(call)).to.deep.equal([
      [`${location.origin}/call?with=dr_rossi&lang=en`, '_blank', 'noopener'],
    ]);
    expect(await page.log()).to.deep.equal([]);
    const chat = h.el('#chat > kaleyra-call');
    h.launcher(chat).click();
    await h.until(() => h.sdk()?.count('addChannel') === 1, 'the chat');
    expect(chat.state).to.equal('connected');
  });

  it('a page with a nonce CSP: the snippet, with the page’s nonce on its script, calls with no violation', async () => {
    const nonce = 'wp-n0nce-4f2a';
    const page = await bundlePage(
      '<div data-kaleyra-call data-call-with="dr_rossi" data-connect="click"></div>',
      { nonce, csp: `script-src 'nonce-${nonce}' 'strict-dynamic'; object-src 'none'` },
    );
    const win = (await frame(page.path)).contentWindow!;
    const h = agentOf(win);
    await callFrom(h, h.el('[data-kaleyra-call] > kaleyra-call'));
    expect(await violationsSoFar(win)).to.deep.equal([]);
    expect(await page.log('sdk')).to.have.length(1);
  });

  it('Webflow’s preview on another origin: the endpoint, which admits only the published site, refuses it; the editor reads why, once', async () => {
    // The published site is this origin; the preview shows the same page on the other one.
    const page = await bundlePage(
      '<div data-kaleyra-call data-call-with="dr_rossi" data-connect="click"></div>',
      { defaults: (p) => ({ 'token-endpoint': `${location.origin}${p.token}` }) },
    );
    const f = await frame(`${otherOrigin()}${page.path}`, { allow: 'camera; microphone' });
    const outcome = await remote(f, async (h) => {
      const el = h.el('[data-kaleyra-call] > kaleyra-call');
      await el.updateComplete;
      h.launcher(el).click();
      await h.untilState(el, 'error');
      await el.updateComplete;
      return { errors: h.seen.errors, shown: h.shown(el), origin: location.origin };
    });
    expect(outcome.origin).to.equal(otherOrigin());
    expect(outcome.errors).to.have.length(1);
    expect(outcome.errors[0]).to.include({
      phase: 'config',
      code: 'origin_not_allowed',
      fatal: true,
    });
    expect(outcome.shown!.visitor).to.equal('The video call is not set up on this page.');
    expect(outcome.shown!.detail).to.contain(otherOrigin());
    expect(outcome.shown!.detail).to.contain('ALLOWED_ORIGINS');
    expect((await page.log()).filter((e) => e.kind !== 'sdk')).to.have.length(2);
  });
});
