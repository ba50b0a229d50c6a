/**
 * The Turnstile stand-in (sandbox/turnstile/browser/ in the page, sandbox/turnstile/api.mjs
 * behind it), served by test/support/fake-servers.mjs under /fake/ts-standin/. The script is
 * loaded once for the whole file, as a page would (a second copy never replaces the first).
 */
import { expect } from '@open-wc/testing';
import type {
  Turnstile,
  TurnstileGlobals,
  TurnstileRenderParams,
  TurnstileStandInControl,
} from '../../../sandbox/turnstile/turnstile.js';
import { until } from '../../component/support/waits.js';

const BASE = '/fake/ts-standin';
const SCRIPT = `${BASE}/turnstile/v0/api.js`;
const SANDBOX_SITEKEY = '0x4AAAAAAASandboxLocal01';
const SANDBOX_SECRET = '0x4AAAAAAASandboxLocalSecret0000001';
const KEYS = {
  pass: '1x00000000000000000000AA',
  block: '2x00000000000000000000AB',
  passInvisible: '1x00000000000000000000BB',
  blockInvisible: '2x00000000000000000000BB',
  interactive: '3x00000000000000000000FF',
};
const DUMMY = 'XXXX.DUMMY.TOKEN.XXXX';

const globals = window as unknown as TurnstileGlobals & { __tsLoaded?: number };
let turnstile: Turnstile;
let standIn: TurnstileStandInControl;

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

async function siteverify(fields: Record<string, string>) {
  const response = await fetch(`${BASE}/turnstile/v0/siteverify`, {
    method: 'POST',
    body: new URLSearchParams(fields),
  });
  expect(response.status).to.equal(200);
  return (await response.json()) as Record<string, unknown>;
}

async function control(body: unknown) {
  const response = await fetch(`${BASE}/__control/turnstile`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok).to.be.true;
  return (await response.json()) as { challengeCalls: number; siteverifyCalls: number };
}

/** Renders into a fresh container and records every callback. */
function render(params: Partial<TurnstileRenderParams> & { sitekey: string }) {
  const container = document.createElement('div');
  document.body.append(container);
  const seen = {
    tokens: [] as string[],
    errors: [] as string[],
    expired: 0,
    timeouts: 0,
  };
  const id = turnstile.render(container, {
    callback: (token) => seen.tokens.push(token),
    'error-callback': (code) => {
      seen.errors.push(code);
      return true;
    },
    'expired-callback': () => seen.expired++,
    'timeout-callback': () => seen.timeouts++,
    ...params,
  });
  const iframe = () => container.querySelector('iframe');
  const frameDoc = () => iframe()?.contentDocument ?? null;
  const shown = () => {
    const frame = iframe();
    return !!frame && getComputedStyle(frame).display !== 'none' && frame.offsetHeight > 0;
  };
  return { id, container, seen, iframe, frameDoc, shown };
}

const checkbox = (doc: Document | null) =>
  doc?.querySelector<HTMLInputElement>('input[type=checkbox]') ?? null;

before(async () => {
  globals.__tsLoaded = 0;
  (window as unknown as Record<string, () => void>).__tsOnload = () => globals.__tsLoaded!++;
  await loadScript(`${SCRIPT}?render=explicit&onload=__tsOnload`);
  turnstile = globals.turnstile!;
  standIn = globals.__turnstileStandIn!;
});

afterEach(async () => {
  for (const id of standIn.widgetIds()) turnstile.remove(id);
  standIn.setInteractiveTimeoutMs(null);
  document.body.replaceChildren();
  await control({ reset: true });
});

describe('Turnstile stand-in: loading', () => {
  it('defines window.turnstile and calls the ?onload= function once', async () => {
    expect(typeof turnstile.render).to.equal('function');
    await until(() => globals.__tsLoaded === 1, 'onload');
    expect(globals.__tsLoaded).to.equal(1);
  });

  it('loaded twice, keeps the first copy and does not call the second onload', async () => {
    let second = 0;
    (window as unknown as Record<string, () => void>).__tsOnload2 = () => second++;
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args[0]);
    try {
      // The onload would run in a microtask after the script, before its load event.
      await loadScript(`${SCRIPT}?render=explicit&onload=__tsOnload2`);
    } finally {
      console.warn = warn;
    }
    expect(globals.turnstile).to.equal(turnstile);
    expect(globals.__turnstileStandIn).to.equal(standIn);
    expect(second).to.equal(0);
    expect(String(warnings[0])).to.contain('already has been loaded');
  });

  it('renders .cf-turnstile elements when loaded without render=explicit', async () => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<div class="cf-turnstile" data-sitekey="${KEYS.pass}" data-callback="done"></div>
      <script>window.tokens = []; window.done = (t) => tokens.push(t);</script>
      <script src="${SCRIPT}"></script>`;
    document.body.append(frame);
    const win = () => frame.contentWindow as (Window & { tokens?: string[] }) | null;
    await until(() => win()?.tokens?.length === 1, 'implicit callback');
    expect(win()!.tokens).to.deep.equal([DUMMY]);
    expect(frame.contentDocument!.querySelector('.cf-turnstile iframe')).to.exist;
  });

  it('ready() calls back asynchronously', async () => {
    let called = false;
    const done = new Promise<void>((resolve) =>
      turnstile.ready(() => {
        called = true;
        resolve();
      }),
    );
    expect(called).to.be.false;
    await done;
  });
});

describe('Turnstile stand-in: a sandbox site key', () => {
  it('hands the callback a token that siteverify accepts once, then timeout-or-duplicate', async () => {
    const w = render({ sitekey: SANDBOX_SITEKEY, action: 'kaleyra-call', cData: 'page-7' });
    await until(() => w.seen.tokens.length === 1, 'token');
    const [token] = w.seen.tokens;
    expect(token).to.not.equal(DUMMY);
    expect(turnstile.getResponse(w.id)).to.equal(token);
    expect(turnstile.isExpired(w.id)).to.be.false;
    const field = w.container.querySelector<HTMLInputElement>('input[name=cf-turnstile-response]');
    expect(field!.value).to.equal(token);
    expect(w.frameDoc()!.body.textContent).to.contain('Success!');

    const first = await siteverify({ secret: SANDBOX_SECRET, response: token!, remoteip: '::1' });
    expect(first).to.include({
      success: true,
      hostname: location.hostname,
      action: 'kaleyra-call',
      cdata: 'page-7',
    });
    expect(first['error-codes']).to.deep.equal([]);
    expect(Date.parse(first.challenge_ts as string)).to.be.closeTo(Date.now(), 10_000);
    const again = await siteverify({ secret: SANDBOX_SECRET, response: token! });
    expect(again).to.deep.equal({ success: false, 'error-codes': ['timeout-or-duplicate'] });
  });

  it('refuses the token with a test secret, and the dummy token with the sandbox secret', async () => {
    const w = render({ sitekey: SANDBOX_SITEKEY });
    await until(() => w.seen.tokens.length === 1, 'token');
    const test = await siteverify({
      secret: '1x0000000000000000000000000000000AA',
      response: w.seen.tokens[0]!,
    });
    expect(test['error-codes']).to.deep.equal(['invalid-input-response']);
    const dummy = await siteverify({ secret: SANDBOX_SECRET, response: DUMMY });
    expect(dummy['error-codes']).to.deep.equal(['invalid-input-response']);
  });

  it('fails with 600010 when the server is told to fail, and retries every retry-interval', async () => {
    await standIn.setBehavior('fail', SANDBOX_SITEKEY);
    const w = render({ sitekey: SANDBOX_SITEKEY, 'retry-interval': 20 });
    await until(() => w.seen.errors.length >= 2, 'a retried failure');
    expect(w.seen.errors.slice(0, 2)).to.deep.equal(['600010', '600010']);
    expect(w.seen.tokens).to.deep.equal([]);
    expect(w.frameDoc()!.body.textContent).to.contain('Verification failed');
    await standIn.setBehavior('pass', SANDBOX_SITEKEY);
    await until(() => w.seen.tokens.length === 1, 'a token after the retry');
  });

  it('asks for interaction when told to; interaction-only shows the checkbox only then', async () => {
    await standIn.setBehavior('interactive');
    const before: string[] = [];
    const w = render({
      sitekey: SANDBOX_SITEKEY,
      action: 'kaleyra-call',
      appearance: 'interaction-only',
      'before-interactive-callback': () => before.push('before'),
      'after-interactive-callback': () => before.push('after'),
    });
    expect(w.shown()).to.be.false;
    await until(() => checkbox(w.frameDoc()), 'the checkbox');
    expect(w.shown()).to.be.true;
    expect(standIn.state(w.id)).to.equal('interactive');
    expect(w.frameDoc()!.body.textContent).to.contain('Verify you are human');
    expect(w.seen.tokens).to.deep.equal([]);

    checkbox(w.frameDoc())!.click();
    await until(() => w.seen.tokens.length === 1, 'token after the click');
    expect(before).to.deep.equal(['before', 'after']);
    const verdict = await siteverify({ secret: SANDBOX_SECRET, response: w.seen.tokens[0]! });
    expect(verdict).to.include({ success: true, action: 'kaleyra-call' });
  });

  it('reports 110420 for an invalid action and does not retry it', async () => {
    const w = render({ sitekey: SANDBOX_SITEKEY, action: 'not valid!' });
    await until(() => w.seen.errors.length === 1, 'error');
    expect(w.seen.errors).to.deep.equal(['110420']);
    expect(standIn.activeTimers()).to.equal(0);
  });

  it('reports 110100 for an unknown site key', async () => {
    const w = render({ sitekey: '0x4AAAAAAAUnknownKey0000' });
    await until(() => w.seen.errors.length === 1, 'error');
    expect(w.seen.errors).to.deep.equal(['110100']);
  });
});

describe('Turnstile stand-in: Cloudflare’s test site keys', () => {
  it(`${KEYS.pass} passes visibly with the dummy token, accepted by the pass secret`, async () => {
    const w = render({ sitekey: KEYS.pass });
    await until(() => w.seen.tokens.length === 1, 'token');
    expect(w.seen.tokens).to.deep.equal([DUMMY]);
    expect(w.shown()).to.be.true;
    expect([w.iframe()!.offsetWidth, w.iframe()!.offsetHeight]).to.deep.equal([300, 65]);
    const verdict = await siteverify({
      secret: '1x0000000000000000000000000000000AA',
      response: DUMMY,
    });
    expect(verdict).to.include({ success: true, hostname: 'example.com', action: '' });
  });

  it(`${KEYS.block} always blocks (error-callback, no token)`, async () => {
    const w = render({ sitekey: KEYS.block, retry: 'never' });
    await until(() => w.seen.errors.length === 1, 'error');
    expect(w.seen.errors).to.deep.equal(['600010']);
    expect(turnstile.getResponse(w.id)).to.be.undefined;
    expect(w.shown()).to.be.true;
    expect(standIn.activeTimers()).to.equal(0);
  });

  it(`${KEYS.passInvisible} passes and ${KEYS.blockInvisible} blocks, both unseen`, async () => {
    const pass = render({ sitekey: KEYS.passInvisible });
    const block = render({ sitekey: KEYS.blockInvisible, retry: 'never' });
    await until(() => pass.seen.tokens.length === 1 && block.seen.errors.length === 1, 'both');
    expect(pass.seen.tokens).to.deep.equal([DUMMY]);
    expect(block.seen.errors).to.deep.equal(['600010']);
    expect(pass.shown()).to.be.false;
    expect(block.shown()).to.be.false;
  });

  it(`${KEYS.interactive} asks the visitor to tick "Verify you are human"`, async () => {
    const w = render({ sitekey: KEYS.interactive });
    await until(() => checkbox(w.frameDoc()), 'the checkbox');
    expect(w.frameDoc()!.querySelector('label')!.textContent).to.equal('Verify you are human');
    expect(w.seen.tokens).to.deep.equal([]);
    checkbox(w.frameDoc())!.click();
    await until(() => w.seen.tokens.length === 1, 'token');
    expect(w.seen.tokens).to.deep.equal([DUMMY]);
  });

  for (const [language, text] of [
    ['it', 'Verifica di essere un essere umano'],
    ['es-MX', 'Verifica que eres un ser humano'],
    ['de', 'Verify you are human'],
  ] as const) {
    it(`speaks the widget's language: ${language}`, async () => {
      const w = render({ sitekey: KEYS.interactive, language });
      await until(() => checkbox(w.frameDoc()), 'the checkbox');
      expect(w.frameDoc()!.querySelector('label')!.textContent).to.equal(text);
      expect(w.frameDoc()!.documentElement.lang).to.equal(
        language === 'de' ? 'en' : language.slice(0, 2),
      );
    });
  }

  it('interaction-only shows nothing for a passing key', async () => {
    const w = render({ sitekey: KEYS.pass, appearance: 'interaction-only' });
    expect(w.shown()).to.be.false;
    await until(() => w.seen.tokens.length === 1, 'token');
    expect(w.shown()).to.be.false;
    expect(w.container.offsetHeight).to.equal(0);
  });
});

describe('Turnstile stand-in: lifetime', () => {
  it('on expiry calls expired-callback and, with refresh-expired auto, gets a new token', async () => {
    const w = render({ sitekey: SANDBOX_SITEKEY });
    await until(() => w.seen.tokens.length === 1, 'token');
    standIn.expire(w.id);
    expect(w.seen.expired).to.equal(1);
    await until(() => w.seen.tokens.length === 2, 'a fresh token');
    expect(w.seen.tokens[1]).to.not.equal(w.seen.tokens[0]);
    expect(turnstile.isExpired(w.id)).to.be.false;
  });

  it('with refresh-expired never stays expired; manual offers a Refresh button', async () => {
    const never = render({ sitekey: KEYS.pass, 'refresh-expired': 'never' });
    const manual = render({ sitekey: KEYS.pass, 'refresh-expired': 'manual' });
    await until(() => never.seen.tokens.length + manual.seen.tokens.length === 2, 'tokens');
    standIn.expire(never.id);
    standIn.expire(manual.id);
    expect(turnstile.isExpired(never.id)).to.be.true;
    expect(standIn.state(never.id)).to.equal('expired');
    expect(never.frameDoc()!.body.textContent).to.contain('Expired');
    expect(never.frameDoc()!.querySelector('button')).to.be.null;
    expect(standIn.activeTimers()).to.equal(0);

    manual.frameDoc()!.querySelector('button')!.click();
    await until(() => manual.seen.tokens.length === 2, 'a token after Refresh');
  });

  it('calls timeout-callback when the visitor does not answer an interactive challenge', async () => {
    standIn.setInteractiveTimeoutMs(20);
    const w = render({ sitekey: KEYS.interactive, 'refresh-timeout': 'never' });
    await until(() => w.seen.timeouts === 1, 'timeout-callback');
    expect(standIn.state(w.id)).to.equal('timeout');
    expect(w.frameDoc()!.body.textContent).to.contain('Timed out');
    expect(standIn.activeTimers()).to.equal(0);
  });

  it('execution: execute waits for execute(); appearance: execute hides it until then', async () => {
    const before = await control(undefined);
    const w = render({ sitekey: KEYS.pass, execution: 'execute', appearance: 'execute' });
    expect(standIn.state(w.id)).to.equal('idle');
    expect(w.shown()).to.be.false;
    expect((await control(undefined)).challengeCalls).to.equal(before.challengeCalls);
    turnstile.execute(w.container);
    await until(() => w.seen.tokens.length === 1, 'token');
    expect(w.shown()).to.be.true;
  });

  it('execute() on a container without a widget renders and runs one', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    const tokens: string[] = [];
    turnstile.execute(container, { sitekey: KEYS.pass, callback: (t) => tokens.push(t) });
    await until(() => tokens.length === 1, 'token');
    expect(container.querySelector('iframe')).to.exist;
  });
});

describe('Turnstile stand-in: reset and remove', () => {
  it('reset() drops the token and runs the challenge again', async () => {
    const w = render({ sitekey: SANDBOX_SITEKEY });
    await until(() => w.seen.tokens.length === 1, 'token');
    turnstile.reset(w.id);
    expect(turnstile.getResponse(w.id)).to.be.undefined;
    await until(() => w.seen.tokens.length === 2, 'second token');
    expect(w.container.querySelectorAll('iframe')).to.have.length(1);
  });

  it('remove() leaves no iframe, field, timer or listener, whatever the state', async () => {
    standIn.setInteractiveTimeoutMs(60_000);
    const solved = render({ sitekey: KEYS.pass });
    const waiting = render({ sitekey: KEYS.interactive });
    const failing = render({ sitekey: KEYS.block, 'retry-interval': 60_000 });
    await until(
      () =>
        solved.seen.tokens.length === 1 &&
        checkbox(waiting.frameDoc()) &&
        failing.seen.errors.length === 1,
      'three states',
    );
    expect(standIn.activeTimers()).to.equal(3); // expiry, interaction timeout, retry
    expect(standIn.activeListeners()).to.equal(3);
    for (const w of [solved, waiting, failing]) turnstile.remove(w.id);
    for (const w of [solved, waiting, failing]) {
      expect(w.container.children).to.have.length(0);
    }
    expect(standIn.liveWidgets()).to.equal(0);
    expect(standIn.activeTimers()).to.equal(0);
    expect(standIn.activeListeners()).to.equal(0);
  });

  it('remove() while the challenge is in flight: no callback arrives later', async () => {
    const w = render({ sitekey: KEYS.pass });
    turnstile.remove(w.id);
    // Had its request gone on, its answer would come about when this later one's does.
    const next = render({ sitekey: KEYS.pass });
    await until(() => next.seen.tokens.length === 1, 'a later token');
    expect(w.seen.tokens).to.deep.equal([]);
    expect(w.container.children).to.have.length(0);
  });
});

describe('Turnstile stand-in: render() checks', () => {
  it('throws for a missing site key, a missing container, or a second render there', () => {
    const container = document.createElement('div');
    document.body.append(container);
    expect(() => turnstile.render(container, {} as TurnstileRenderParams)).to.throw(/sitekey/);
    expect(() => turnstile.render('#nowhere', { sitekey: KEYS.pass })).to.throw(/container/);
    expect(() =>
      turnstile.render(container, { sitekey: KEYS.pass, size: 'huge' as 'normal' }),
    ).to.throw(/size/);
    turnstile.render(container, { sitekey: KEYS.pass });
    expect(() => turnstile.render(container, { sitekey: KEYS.pass })).to.throw(/already/);
  });

  it('renders compact and flexible sizes', async () => {
    const compact = render({ sitekey: KEYS.pass, size: 'compact' });
    expect([compact.iframe()!.offsetWidth, compact.iframe()!.offsetHeight]).to.deep.equal([
      150, 140,
    ]);
    const flexible = render({ sitekey: KEYS.pass, size: 'flexible' });
    flexible.container.style.width = '500px';
    expect(flexible.iframe()!.offsetWidth).to.equal(500);
  });
});
