import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { capturedLines } from './support/log-capture';
import { errorOf, guestSetup, ORIGIN, setup, type TestBindings } from './support/harness';
import { cspOf, tags, texts, unescapeHtml } from './support/html';

/**
 * GET /call, the call page (worker/call-page.ts), through the worker's real fetch
 * handler: when it is on, its headers and nonces, the targets it accepts and
 * refuses, the 404 page that names nothing of the request, and its origin being
 * accepted by the token endpoint.
 */
const PAGE: Partial<TestBindings> = {
  KALEYRA_APP_ID: 'wAppId_callpage',
  CALL_PAGE_TARGETS: 'dr_rossi, staff-*',
};
const FILES = `/kaleyra-call/${inject('builtFiles').version}`;
/** The harness sends every request to this origin: the worker's own. */
const OWN_ORIGIN = 'https://token.test';

const page = (overrides: Partial<TestBindings> = {}) => setup({ ...PAGE, ...overrides });

function lastLogLine(): Record<string, unknown> {
  return JSON.parse(capturedLines.at(-1) ?? '{}') as Record<string, unknown>;
}

/** The nonce of a page's CSP (`'nonce-…'` in script-src, else style-src). */
function nonceOf(res: Response): string {
  const csp = cspOf(res);
  const source = [...(csp.get('script-src') ?? []), ...(csp.get('style-src') ?? [])].find((s) =>
    s.startsWith("'nonce-"),
  );
  return source?.slice("'nonce-".length, -1) ?? '';
}

async function element(html: string): Promise<Record<string, string>> {
  const found = await tags(html, ['kaleyra-call']);
  expect(found).toHaveLength(1);
  return found[0]!.attributes;
}

describe('GET /call, on', () => {
  it('answers the page, with its headers', async () => {
    const res = await page().fetch('/call?with=dr_rossi');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('permissions-policy')).toBe(
      'camera=(self), microphone=(self), display-capture=(self)',
    );
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Who may frame it is the CSP's frame-ancestors, not X-Frame-Options (which cannot list sites).
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('has a CSP with a nonce, no unsafe-inline, only the hosts it needs, and Trusted Types', async () => {
    const res = await page().fetch('/call?with=dr_rossi');
    const nonce = nonceOf(res);
    expect(atob(nonce)).toHaveLength(16);
    const csp = Object.fromEntries(cspOf(res));
    expect(csp).toEqual({
      'default-src': ["'none'"],
      'script-src': [
        `'nonce-${nonce}'`,
        'https://cdn.bandyer.com',
        'https://static.bandyer.com',
        'https://challenges.cloudflare.com',
      ],
      'style-src': [`'nonce-${nonce}'`, 'https://cdn.bandyer.com', 'https://static.bandyer.com'],
      'img-src': ['data:', 'blob:', 'https://static.bandyer.com'],
      'media-src': ['blob:', 'https://static.bandyer.com'],
      'connect-src': [
        "'self'",
        'https://static.bandyer.com',
        'https://cs.sandbox.eu.bandyer.com',
        'wss://cs.sandbox.eu.bandyer.com',
      ],
      'worker-src': ['blob:'],
      'frame-src': ['https://challenges.cloudflare.com'],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'self'", ORIGIN],
      'require-trusted-types-for': ["'script'"],
      'trusted-types': ['kaleyra-call', 'default'],
    });
    const header = res.headers.get('content-security-policy') ?? '';
    expect(header).not.toMatch(/unsafe-inline|unsafe-eval|strict-dynamic|\*/);
  });

  it('names the sockets of its region and environment', async () => {
    const res = await page({
      KALEYRA_API_BASE: 'https://main.kaleyra.test/v2',
      KALEYRA_REGION: 'us',
      KALEYRA_ENVIRONMENT: 'production',
    }).fetch('/call?with=dr_rossi');
    expect(cspOf(res).get('connect-src')).toEqual([
      "'self'",
      'https://static.bandyer.com',
      'https://cs.us.bandyer.com',
      'wss://cs.us.bandyer.com',
    ]);
  });

  it('lets the site frame it: frame-ancestors is itself and every allowed origin', async () => {
    const res = await page({
      ALLOWED_ORIGINS: `${ORIGIN},https://cms.example.org`,
    }).fetch('/call?with=dr_rossi');
    expect(cspOf(res).get('frame-ancestors')).toEqual([
      "'self'",
      ORIGIN,
      'https://cms.example.org',
    ]);
  });

  it('makes a fresh nonce for every answer, and every script and style of the page carries it', async () => {
    const t = page();
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await t.fetch('/call?with=dr_rossi');
      const nonce = nonceOf(res);
      const html = await res.text();
      const scripts = await tags(html, ['script', 'style']);
      expect(scripts.length).toBe(3); // the TT policy, the element, its style
      for (const tag of scripts) expect(tag.attributes.nonce).toBe(nonce);
      expect(html.match(/<script\b/g)).toHaveLength(2);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it('loads the Trusted Types policy first, then the element, from the worker’s own versioned files', async () => {
    const html = await (await page().fetch('/call?with=dr_rossi')).text();
    const scripts = (await tags(html, ['script'])).map((s) => s.attributes);
    expect(scripts.map((s) => s.src)).toEqual([
      `${FILES}/kaleyra-call.trusted-types.js`,
      `${FILES}/kaleyra-call.iife.js`,
    ]);
    expect('defer' in scripts[0]!).toBe(false);
    expect('defer' in scripts[1]!).toBe(true);
    for (const { src } of scripts) {
      const file = await env.ASSETS.fetch(`https://token.test${src}`);
      expect(file.status, src).toBe(200);
    }
  });

  it('holds one <kaleyra-call connect="click"> for the target, its token endpoint the worker’s', async () => {
    const html = await (await page().fetch('/call?with=dr_rossi')).text();
    expect(await element(html)).toEqual({
      'token-endpoint': '/v1/token',
      'call-with': 'dr_rossi',
      language: 'en',
      connect: 'click',
    });
    expect(await texts(html, 'title')).toEqual(['Video call']);
    expect(await texts(html, 'h1')).toEqual(['Video call']);
  });

  it('shows the product name of CALL_PAGE_TITLE, escaped', async () => {
    const html = await (
      await page({ CALL_PAGE_TITLE: 'Riverside <Clinic> & "Care"' }).fetch('/call?with=dr_rossi')
    ).text();
    expect(await texts(html, 'title')).toEqual(['Riverside &#60;Clinic&#62; &#38; &#34;Care&#34;']);
    expect(html).not.toContain('<Clinic>');
  });

  describe('targets', () => {
    const allowed: [string, Record<string, string>][] = [
      ['with=dr_rossi', { 'call-with': 'dr_rossi' }],
      ['with=staff-anna', { 'call-with': 'staff-anna' }],
      ['chat=staff-desk.2', { 'chat-with': 'staff-desk.2' }],
      ['with=dr_rossi&utm_source=newsletter', { 'call-with': 'dr_rossi' }],
    ];
    for (const [query, attribute] of allowed) {
      it(`?${query} → the page, for that target`, async () => {
        const res = await page().fetch(`/call?${query}`);
        expect(res.status).toBe(200);
        expect(await element(await res.text())).toMatchObject(attribute);
      });
    }

    const refused: [string, string, string][] = [
      ['an id not listed', 'with=dr_bianchi', 'target_not_allowed'],
      ['the prefix alone, without its star', 'with=staff', 'target_not_allowed'],
      ['an id that only starts like a listed one', 'with=dr_rossi2', 'target_not_allowed'],
      ['no target', 'lang=it', 'target_missing'],
      ['an empty target', 'with=', 'target_malformed'],
      ['two with', 'with=dr_rossi&with=staff-anna', 'targets_several'],
      ['the same with twice', 'with=dr_rossi&with=dr_rossi', 'targets_several'],
      ['with and chat', 'with=dr_rossi&chat=dr_rossi', 'targets_several'],
      ['with and join', 'with=dr_rossi&join=https://video.example.com/r/1', 'targets_several'],
      ['an id with a space', 'with=dr%20rossi', 'target_malformed'],
      ['an over-long id', `with=staff-${'a'.repeat(124)}`, 'target_malformed'],
      ['markup', 'with=%3Cscript%3E', 'target_malformed'],
      ['a join link while no join host is set', 'join=https://video.example.com/r/1', 'join_off'],
    ];
    for (const [label, query, reason] of refused) {
      it(`${label} → 404 page; the log says ${reason}`, async () => {
        const res = await page().fetch(`/call?${query}`);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
        expect(lastLogLine()).toMatchObject({ route: '/call', status: 404, reason });
      });
    }

    it('a guest is never a target, whatever the patterns', async () => {
      const t = page({ CALL_PAGE_TARGETS: 'g*,acme-*', USER_ID_PREFIX: '' });
      for (const id of ['guest_k3v7q2m4x5n6b7c2d3e4f5g6h7', 'GUEST_abc']) {
        const res = await t.fetch(`/call?with=${id}`);
        expect(res.status).toBe(404);
        expect(lastLogLine().reason).toBe('target_guest');
      }
      expect((await t.fetch('/call?with=gabriel')).status).toBe(200);
      const prefixed = page({ CALL_PAGE_TARGETS: 'acme-*', USER_ID_PREFIX: 'acme-' });
      expect((await prefixed.fetch('/call?with=acme-guest_k3v7q2m4')).status).toBe(404);
      expect((await prefixed.fetch('/call?with=acme-ada')).status).toBe(200);
    });
  });

  describe('join', () => {
    const hosts = { CALL_PAGE_JOIN_HOSTS: 'video.example.com, Rooms.Example.org' };

    it('a room link on a listed host → the page, joining it', async () => {
      const link = 'https://video.example.com/room/abc?t=1&u=2';
      const res = await page(hosts).fetch(`/call?join=${encodeURIComponent(link)}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      const attributes = await element(html);
      expect(unescapeHtml(attributes['join-url']!)).toBe(link);
      // The & is escaped in the attribute, as every special character would be.
      expect(html).toContain('join-url="https://video.example.com/room/abc?t=1&#38;u=2"');
    });

    it('hosts compare without case', async () => {
      const res = await page(hosts).fetch(
        `/call?join=${encodeURIComponent('https://ROOMS.example.org/r/1')}`,
      );
      expect(res.status).toBe(200);
      expect(await element(await res.text())).toMatchObject({
        'join-url': 'https://rooms.example.org/r/1',
      });
    });

    const refused: [string, string, string][] = [
      ['a host not listed', 'https://evil.example/r/1', 'join_host_not_allowed'],
      ['a listed host’s subdomain', 'https://a.video.example.com/r/1', 'join_host_not_allowed'],
      [
        'a host that only ends like a listed one',
        'https://xvideo.example.com/r/1',
        'join_host_not_allowed',
      ],
      ['plain http', 'http://video.example.com/r/1', 'join_malformed'],
      ['credentials in the link', 'https://me:pw@video.example.com/r/1', 'join_malformed'],
      ['another port', 'https://video.example.com:8443/r/1', 'join_malformed'],
      ['javascript:', 'javascript:alert(1)//video.example.com', 'join_malformed'],
      ['no URL', 'video.example.com/r/1', 'join_malformed'],
      ['an over-long link', `https://video.example.com/${'r'.repeat(2100)}`, 'join_malformed'],
    ];
    for (const [label, link, reason] of refused) {
      it(`${label} → 404 page (${reason})`, async () => {
        const res = await page(hosts).fetch(`/call?join=${encodeURIComponent(link)}`);
        expect(res.status).toBe(404);
        expect(lastLogLine().reason).toBe(reason);
      });
    }
  });

  describe('lang', () => {
    const cases: [string, string][] = [
      ['it', 'it'],
      ['es', 'es'],
      ['es-419', 'es'],
      ['IT-it', 'it'],
      ['en-GB', 'en'],
      ['fr', 'en'],
      ['de-CH', 'en'],
    ];
    for (const [lang, language] of cases) {
      it(`lang=${lang} → ${language}, for the page and the element`, async () => {
        const html = await (await page().fetch(`/call?with=dr_rossi&lang=${lang}`)).text();
        expect((await element(html)).language).toBe(language);
        expect((await tags(html, ['html']))[0]!.attributes.lang).toBe(language);
      });
    }

    it('the default title is in the page’s language', async () => {
      const html = await (await page().fetch('/call?with=dr_rossi&lang=it')).text();
      expect(await texts(html, 'h1')).toEqual(['Videochiamata']);
    });

    for (const query of ['lang=', 'lang=%3Cx%3E', 'lang=e', 'lang=it&lang=es', 'lang=en_US']) {
      it(`${query} is no language → 404 page (lang_invalid)`, async () => {
        const res = await page().fetch(`/call?with=dr_rossi&${query}`);
        expect(res.status).toBe(404);
        expect(lastLogLine().reason).toBe('lang_invalid');
      });
    }
  });

  describe('the 404 page', () => {
    it('has no script, a CSP without scripts, and names nothing of the request', async () => {
      const marker = 'zq9MarkerValue';
      const res = await page().fetch(`/call?with=${marker}&lang=es&${marker}x=${marker}y`);
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).not.toContain(marker);
      expect(html).not.toMatch(/<script/i);
      const nonce = nonceOf(res);
      expect(Object.fromEntries(cspOf(res))).toEqual({
        'default-src': ["'none'"],
        'style-src': [`'nonce-${nonce}'`],
        'img-src': ['data:'],
        'base-uri': ["'none'"],
        'form-action': ["'none'"],
        'frame-ancestors': ["'self'", ORIGIN],
      });
      expect(await texts(html, 'p')).toEqual([
        'Este enlace de llamada no es válido.',
        'Comprueba el enlace o pide uno nuevo a quien te lo envió.',
      ]);
    });

    it('is the same page for every refused query of one language', async () => {
      const t = page();
      const bodies = new Set<string>();
      for (const query of ['with=nobody', 'chat=%22%3E%3Cb%3E', 'join=x', 'with=a&with=b', '']) {
        const res = await t.fetch(`/call?${query}`);
        expect(res.status).toBe(404);
        bodies.add((await res.text()).replaceAll(nonceOf(res), 'NONCE'));
      }
      expect(bodies.size).toBe(1);
    });
  });

  it('HEAD /call answers the page’s headers; POST /call is 405 with the API’s headers', async () => {
    const t = page();
    const head = await t.fetch('/call?with=dr_rossi', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('permissions-policy')).toContain('camera=(self)');
    const post = await t.fetch('/call?with=dr_rossi', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(post.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it('a misconfiguration is a 500 page that names no setting; the log names it', async () => {
    const t = page({ CALL_PAGE_TARGETS: '*' });
    const res = await t.fetch('/call?with=dr_rossi');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    const html = await res.text();
    expect(html).not.toMatch(/CALL_PAGE|<script/);
    expect(await texts(html, 'p')).toEqual([
      'Video calls are not available right now.',
      'Please try again later.',
    ]);
    expect(lastLogLine()).toMatchObject({ status: 500, route: '/call', code: 'internal' });
    expect(lastLogLine().problem).toContain('CALL_PAGE_TARGETS');
  });

  it('the sandbox overrides replace Kaleyra’s CDN and Turnstile on the element and in the CSP', async () => {
    const res = await page({
      CALL_PAGE_SDK_SRC: 'http://localhost:8080/sandbox/bandyer-sdk.js?bus=server',
      CALL_PAGE_CHALLENGE_SRC: 'http://127.0.0.1:8790/turnstile/v0/api.js?render=explicit',
    }).fetch('/call?with=dr_rossi');
    const nonce = nonceOf(res);
    const csp = cspOf(res);
    expect(csp.get('script-src')).toEqual([
      `'nonce-${nonce}'`,
      'http://localhost:8080',
      'https://static.bandyer.com',
      'http://127.0.0.1:8790',
    ]);
    expect(csp.get('frame-src')).toEqual(['http://127.0.0.1:8790']);
    expect(csp.get('connect-src')).toEqual([
      "'self'",
      'https://static.bandyer.com',
      'https://cs.sandbox.eu.bandyer.com',
      'wss://cs.sandbox.eu.bandyer.com',
      'http://localhost:8080',
      'http://127.0.0.1:8790',
    ]);
    const html = await res.text();
    expect(await element(html)).toMatchObject({
      'sdk-src': 'http://localhost:8080/sandbox/bandyer-sdk.js?bus=server',
      'challenge-src': 'http://127.0.0.1:8790/turnstile/v0/api.js?render=explicit',
    });
    // The default policy also admits the folder of that SDK (where its media client is).
    const scripts = await tags(html, ['script']);
    expect(scripts.map((s) => s.attributes.nonce)).toEqual([nonce, nonce, nonce]);
    expect(await texts(html, 'script')).toContain(
      'KaleyraCallTrustedTypes.installDefaultPolicy({"scriptUrlPrefixes":["http://localhost:8080/sandbox/"]})',
    );
  });
});

describe('GET /call, off', () => {
  const cases: [string, Partial<TestBindings>, string][] = [
    [
      'CALL_PAGE_TARGETS unset',
      { CALL_PAGE_TARGETS: undefined },
      'call page off: CALL_PAGE_TARGETS is not set',
    ],
    [
      'CALL_PAGE_TARGETS blank',
      { CALL_PAGE_TARGETS: ' ' },
      'call page off: CALL_PAGE_TARGETS is not set',
    ],
    [
      'KALEYRA_APP_ID unset',
      { KALEYRA_APP_ID: undefined },
      'call page off: KALEYRA_APP_ID is not set',
    ],
    [
      'both unset',
      { CALL_PAGE_TARGETS: undefined, KALEYRA_APP_ID: undefined },
      'call page off: CALL_PAGE_TARGETS and KALEYRA_APP_ID are not set',
    ],
  ];
  for (const [label, overrides, problem] of cases) {
    it(`${label} → the JSON 404 of any unknown route; the log says what is missing`, async () => {
      const res = await page(overrides).fetch('/call?with=dr_rossi');
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toEqual({ code: 'not_found', message: 'No such route.' });
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(lastLogLine()).toMatchObject({ route: '/call', status: 404, problem });
    });
  }

  it('off with a broken setting elsewhere is still a 404, not a 500', async () => {
    const res = await page({ CALL_PAGE_TARGETS: undefined, ALLOWED_ORIGINS: '' }).fetch(
      '/call?with=dr_rossi',
    );
    expect(res.status).toBe(404);
  });
});

describe('the page’s own origin at the token endpoint', () => {
  it('is accepted while the page is on (CORS for that origin, never *)', async () => {
    const t = page();
    const res = await t.token({ headers: { origin: OWN_ORIGIN } });
    // Not 403 origin_not_allowed: the request goes on to authentication.
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(OWN_ORIGIN);
    const preflight = await t.fetch('/v1/token', {
      method: 'OPTIONS',
      headers: {
        origin: OWN_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(OWN_ORIGIN);
  });

  it('is refused while the page is off', async () => {
    for (const off of [{ CALL_PAGE_TARGETS: undefined }, { KALEYRA_APP_ID: undefined }]) {
      const res = await page(off).token({ headers: { origin: OWN_ORIGIN } });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe('origin_not_allowed');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('is not a look-alike: another port or scheme of that host is refused', async () => {
    const t = page();
    for (const origin of [
      'https://token.test:8443',
      'http://token.test',
      'https://token.test.evil',
    ]) {
      const res = await t.token({ headers: { origin } });
      expect(res.status).toBe(403);
    }
  });
});

describe('a guest of the call page', () => {
  it('solves the challenge on the page’s host and sends it from the page’s origin: a guest', async () => {
    const t = guestSetup(PAGE);
    const token = await t.turnstile.solve({ hostname: 'token.test' });
    const res = await t.guest(token, { headers: { origin: OWN_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(OWN_ORIGIN);
    expect(((await res.json()) as { user_id: string }).user_id).toMatch(/^guest_[a-z2-7]{26}$/);
  });

  it('a token for the page’s host is refused while the page is off (wrong_hostname)', async () => {
    const t = guestSetup({ ...PAGE, CALL_PAGE_TARGETS: undefined });
    const token = await t.turnstile.solve({ hostname: 'token.test' });
    const res = await t.guest(token);
    expect(res.status).toBe(403);
    expect(lastLogLine()).toMatchObject({ turnstile: 'wrong_hostname' });
    expect(await t.kaleyra.users()).toEqual([]);
  });

  it('the page’s origin is refused at /v1/guest while the page is off', async () => {
    const t = guestSetup({ ...PAGE, KALEYRA_APP_ID: undefined });
    const res = await t.guest(await t.turnstile.solve(), { headers: { origin: OWN_ORIGIN } });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('origin_not_allowed');
  });
});
