/**
 * Before a call: can this page use the camera? Built for real, with the CDN
 * bundle in pages of their own (support/host-page.ts): a cross-origin frame
 * without `allow` (Wix's HTML embed; the server answers under both loopback
 * names), the same with `allow="camera; microphone"` (the control), a page
 * served with `Permissions-Policy: camera=()` (a hardening plugin) or
 * `microphone=()`, and a page on this machine's network address over http:
 * (not a secure context). A call the page cannot make requests nothing (no
 * token, SDK or hint: only the runtime file, which words it), is a fatal
 * `config` error, and offers the call page in a new window.
 */
import { expect } from '@open-wc/testing';
import {
  BUNDLE,
  bundlePage as page,
  frame,
  otherOrigin,
  remote,
  removeFrames,
  type AgentApi,
  type HostPage,
} from './support/host-page.js';

const RUNTIME = 'script /fake/raw/dist/kaleyra-call.runtime.en';
const SENTENCE = "Video calls can't start on this page.";
const CALL_PAGE = 'https://calls.example.com/call';

/** `page` in a frame on the other loopback origin: a cross-origin frame, with `allow` if given. */
const crossOrigin = (p: HostPage, allow?: string) =>
  frame(`${otherOrigin()}${p.path}`, allow ? { allow } : {});

/**
 * A visitor's pointer resting on the launcher of `selector` and focus on it
 * (intent), then a click; resolves once the element is in `error`.
 */
async function visitorTriesToCall(h: AgentApi, selector = 'kaleyra-call') {
  const el = h.el(selector);
  await el.updateComplete;
  const rested = h.rest(el);
  h.launcher(el).focus();
  const afterIntent = h.requests();
  h.launcher(el).click();
  await h.untilState(el, 'error');
  await el.updateComplete;
  return {
    rested,
    afterIntent,
    requests: h.requests(),
    errors: h.seen.errors,
    shown: h.shown(el),
    launcherHidden: h.launcher(el).hidden,
  };
}

/** Presses "Open in a new window"; resolves with window.open's arguments. */
const openNewWindow = (h: AgentApi) => h.pressOpen(h.el());

/** `page` with the call target and language, as the new window opens it. */
function callPageFor(page: string, target: Record<string, string>, lang = 'en'): string {
  const url = new URL(page);
  for (const [name, value] of Object.entries({ ...target, lang }))
    url.searchParams.set(name, value);
  return url.href;
}

describe('before a call: a page that cannot use the camera', () => {
  afterEach(removeFrames);

  it('a cross-origin frame without allow (Wix’s HTML embed): no warm-up, and the click requests nothing; it says why and opens the call page', async () => {
    const p = await page('<kaleyra-call connect="click" call-with="dr_rossi"></kaleyra-call>', {
      defaults: { 'call-page': CALL_PAGE },
    });
    const f = await crossOrigin(p);
    const tried = await remote(f, visitorTriesToCall);
    expect(tried.rested, 'the pointer rested').to.deep.equal([65]);
    expect(tried.afterIntent, 'no warm-up').to.deep.equal([`script ${BUNDLE}`]);
    // Only the runtime file, which words the failure: no token, no SDK, no hint.
    expect(tried.requests).to.deep.equal([`script ${BUNDLE}`, RUNTIME]);
    expect(await p.log()).to.deep.equal([]);
    expect(tried.errors).to.have.length(1);
    const [error] = tried.errors;
    expect(error).to.include({ phase: 'config', code: 'media_blocked', fatal: true });
    // The Details name the policy, the frame's origin, the feature and the fix.
    for (const words of [
      otherOrigin(),
      'Permissions Policy',
      'camera',
      'allow="camera; microphone"',
    ]) {
      expect(error!.message, words).to.contain(words);
    }
    expect(tried.shown).to.deep.equal({
      visitor: SENTENCE,
      detail: error!.message,
      code: 'Code: media_blocked',
      retry: false,
      open: true,
      openText: 'Open in a new window',
    });
    expect(tried.launcherHidden).to.equal(true);
    expect(await remote(f, openNewWindow)).to.deep.equal([
      [callPageFor(CALL_PAGE, { with: 'dr_rossi' }), '_blank', 'noopener'],
    ]);
  });

  it('the same frame with allow="camera; microphone": the launcher calls, and the camera and microphone go live', async () => {
    const p = await page('<kaleyra-call connect="click" call-with="dr_rossi"></kaleyra-call>');
    const f = await crossOrigin(p, 'camera; microphone');
    const outcome = await remote(f, async (h) => {
      const el = h.el();
      await el.updateComplete;
      h.launcher(el).click();
      await h.until(() => el.call === 'dialing', 'a dialing call');
      h.sdk().remoteAnswer();
      await h.until(() => h.sdk().localTracksLive() > 0, 'the camera and microphone');
      return { state: el.state, errors: h.seen.errors, tracks: h.sdk().localTracksLive() };
    });
    expect(outcome).to.deep.equal({ state: 'connected', errors: [], tracks: 2 });
  });

  it('Permissions-Policy: camera=() (a hardening plugin): startCall() and joinCall() reject media_blocked, say so, and request nothing', async () => {
    const p = await page('<kaleyra-call connect="manual"></kaleyra-call>', {
      defaults: { 'call-page': CALL_PAGE },
      headers: { 'Permissions-Policy': 'camera=()' },
    });
    const f = await frame(p.path);
    const room = 'https://rooms.example.com/r/abc';
    const outcome = await remote(
      f,
      async (h, url) => {
        const el = h.el();
        const refusal = (e: { phase: string; code: string; fatal: boolean }) => ({
          phase: e.phase,
          code: e.code,
          fatal: e.fatal,
        });
        const call = await el.startCall(['dr_bianchi']).then(() => 'resolved', refusal);
        await el.updateComplete;
        const shown = h.shown(el);
        const afterCall = { state: el.state, shown, opened: shown?.open ? h.pressOpen(el) : [] };
        const join = await el.joinCall(url).then(() => 'resolved', refusal);
        return {
          call,
          afterCall,
          join,
          errors: h.seen.errors.map(refusal),
          requests: h.requests(),
        };
      },
      room,
    );
    const refused = { phase: 'config', code: 'media_blocked', fatal: true };
    expect(outcome.call).to.deep.equal(refused);
    expect(outcome.join).to.deep.equal(refused);
    expect(outcome.errors).to.deep.equal([refused, refused]);
    expect(outcome.requests).to.deep.equal([`script ${BUNDLE}`, RUNTIME]);
    expect(await p.log()).to.deep.equal([]);
    // As the launcher would: the visitor reads why, and can call from the call page.
    expect(outcome.afterCall.state).to.equal('error');
    expect(outcome.afterCall.shown).to.include({ visitor: SENTENCE, open: true });
    expect(outcome.afterCall.opened).to.deep.equal([
      [callPageFor(CALL_PAGE, { with: 'dr_bianchi' }), '_blank', 'noopener'],
    ]);
  });

  it('join-url: the launcher joins nothing here, and the new window joins the same room', async () => {
    const room = 'https://rooms.example.com/r/abc?pin=1';
    const p = await page(`<kaleyra-call connect="click" join-url="${room}"></kaleyra-call>`, {
      defaults: { 'call-page': CALL_PAGE },
      headers: { 'Permissions-Policy': 'camera=()' },
    });
    const f = await frame(p.path);
    const tried = await remote(f, visitorTriesToCall);
    expect(tried.requests).to.deep.equal([`script ${BUNDLE}`, RUNTIME]);
    expect(tried.errors.map((e) => e.code)).to.deep.equal(['media_blocked']);
    expect(await remote(f, openNewWindow)).to.deep.equal([
      [callPageFor(CALL_PAGE, { join: room }), '_blank', 'noopener'],
    ]);
  });

  it('the call page: call-page, else /call beside a token endpoint ending in /v1/token; call-page="none" or neither offers none', async () => {
    const p = await page(
      `<kaleyra-call id="beside" connect="click" call-with="a" token-endpoint="https://token.example.com/v1/token"></kaleyra-call>
       <kaleyra-call id="given" connect="click" call-with="b" token-endpoint="https://token.example.com/v1/token" call-page="/calls/"></kaleyra-call>
       <kaleyra-call id="none" connect="click" call-with="c" token-endpoint="https://token.example.com/v1/token" call-page="none"></kaleyra-call>
       <kaleyra-call id="unknown" connect="click" call-with="d"></kaleyra-call>`,
      { headers: { 'Permissions-Policy': 'camera=()' } },
    );
    const f = await frame(p.path);
    const outcome = await remote(f, async (h) => {
      const found: Record<string, { opened: unknown; detail: string }> = {};
      for (const id of ['beside', 'given', 'none', 'unknown']) {
        const el = h.el(`#${id}`);
        await el.updateComplete;
        h.launcher(el).click();
        await h.untilState(el, 'error');
        await el.updateComplete;
        const shown = h.shown(el)!;
        h.seen.opened.length = 0;
        found[id] = { opened: shown.open && h.pressOpen(el)[0]?.[0], detail: shown.detail };
      }
      return found;
    });
    expect(outcome.beside!.opened).to.equal(
      callPageFor('https://token.example.com/call', { with: 'a' }),
    );
    expect(outcome.given!.opened).to.equal(callPageFor(`${location.origin}/calls/`, { with: 'b' }));
    for (const id of ['none', 'unknown']) {
      expect(outcome[id]!.opened, id).to.equal(false);
      // Without a call page the Details promise no new window.
      expect(outcome[id]!.detail, id).not.to.contain('new window');
    }
    expect(await p.log()).to.deep.equal([]);
  });

  it('an audio-only call needs only the microphone: microphone=() blocks it, naming the microphone; camera=() does not', async () => {
    const tag =
      '<kaleyra-call connect="click" call-type="audio_only" call-with="dr_rossi"></kaleyra-call>';
    const noMicrophone = await page(tag, { headers: { 'Permissions-Policy': 'microphone=()' } });
    const blocked = await remote(await frame(noMicrophone.path), visitorTriesToCall);
    expect(blocked.errors.map((e) => e.code)).to.deep.equal(['media_blocked']);
    expect(blocked.errors[0]!.message).to.contain('microphone');
    expect(await noMicrophone.log()).to.deep.equal([]);

    const noCamera = await page(tag, { headers: { 'Permissions-Policy': 'camera=()' } });
    const outcome = await remote(await frame(noCamera.path), async (h) => {
      const el = h.el();
      await el.updateComplete;
      h.launcher(el).click();
      await h.until(() => el.call === 'dialing', 'a dialing call');
      h.sdk().remoteAnswer();
      await h.until(() => h.sdk().localTracksLive() > 0, 'the microphone');
      return { state: el.state, errors: h.seen.errors, tracks: h.sdk().localTracksLive() };
    });
    // The microphone alone.
    expect(outcome).to.deep.equal({ state: 'connected', errors: [], tracks: 1 });
  });

  it('a chat is never blocked: chat-with warms up on intent and opens the chat', async () => {
    const p = await page('<kaleyra-call connect="click" chat-with="support"></kaleyra-call>', {
      headers: { 'Permissions-Policy': 'camera=(), microphone=()' },
    });
    const f = await frame(p.path);
    const outcome = await remote(f, async (h) => {
      const el = h.el();
      await el.updateComplete;
      h.rest(el);
      const afterIntent = h.requests();
      h.launcher(el).click();
      await h.until(() => h.sdk()?.count('addChannel') === 1, 'the chat');
      return { afterIntent, state: el.state, errors: h.seen.errors };
    });
    expect(outcome.afterIntent).to.include.members([RUNTIME, `preload /fake/${p.id}/sdk`]);
    expect(outcome.state).to.equal('connected');
    expect(outcome.errors).to.deep.equal([]);
  });

  it('an incoming call the page cannot answer says the same, with a new window to call back', async () => {
    const p = await page('<kaleyra-call chat-with="support"></kaleyra-call>', {
      defaults: { 'call-page': CALL_PAGE },
    });
    const f = await crossOrigin(p);
    const outcome = await remote(f, async (h) => {
      const el = h.el();
      await h.untilState(el, 'connected');
      h.sdk().incomingCall('dr_bianchi');
      await h.untilState(el, 'error');
      await el.updateComplete;
      return { errors: h.seen.errors, shown: h.shown(el), opened: h.pressOpen(el) };
    });
    expect(outcome.errors.map(({ phase, code, fatal }) => ({ phase, code, fatal }))).to.deep.equal([
      { phase: 'config', code: 'media_blocked', fatal: true },
    ]);
    expect(outcome.shown).to.include({ visitor: SENTENCE, open: true, retry: false });
    expect(outcome.opened).to.deep.equal([
      [callPageFor(CALL_PAGE, { with: 'dr_bianchi' }), '_blank', 'noopener'],
    ]);
  });

  it('in the element’s language: the sentence, the button, and lang= in the new window', async () => {
    const p = await page('<kaleyra-call connect="click" call-with="dr_rossi"></kaleyra-call>', {
      lang: 'it',
      defaults: { 'call-page': CALL_PAGE },
    });
    const f = await crossOrigin(p);
    const tried = await remote(f, visitorTriesToCall);
    expect(tried.requests).to.deep.equal([
      `script ${BUNDLE}`,
      'script /fake/raw/dist/kaleyra-call.runtime.it',
    ]);
    expect(tried.shown).to.include({
      visitor: 'Le videochiamate non possono partire da questa pagina.',
      openText: 'Apri in una nuova finestra',
      code: 'Codice: media_blocked',
    });
    expect(await remote(f, openNewWindow)).to.deep.equal([
      [callPageFor(CALL_PAGE, { with: 'dr_rossi' }, 'it'), '_blank', 'noopener'],
    ]);
  });

  it('a page that is not a secure context (http: on a network address): insecure_context, nothing requested', async function () {
    const lan = await fetch('/fake/net/lan-address');
    if (lan.status === 404) this.skip(); // (a machine with no network address but loopback)
    const { address } = (await lan.json()) as { address: string };
    const p = await page('<kaleyra-call connect="click" call-with="dr_rossi"></kaleyra-call>', {
      defaults: { 'call-page': CALL_PAGE },
    });
    const f = await frame(`http://${address}:${location.port}${p.path}`);
    expect(await remote(f, () => isSecureContext)).to.equal(false);
    const tried = await remote(f, visitorTriesToCall);
    expect(tried.afterIntent).to.deep.equal([`script ${BUNDLE}`]);
    expect(tried.requests).to.deep.equal([`script ${BUNDLE}`, RUNTIME]);
    expect(await p.log()).to.deep.equal([]);
    expect(tried.errors).to.have.length(1);
    expect(tried.errors[0]).to.include({ phase: 'config', code: 'insecure_context', fatal: true });
    expect(tried.errors[0]!.message).to.contain(`http://${address}:${location.port}`);
    expect(tried.shown).to.include({ visitor: SENTENCE, open: true, retry: false });
    expect(await remote(f, openNewWindow)).to.deep.equal([
      [callPageFor(CALL_PAGE, { with: 'dr_rossi' }), '_blank', 'noopener'],
    ]);
  });
});
