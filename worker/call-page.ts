import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import { version } from '../package.json';
import { callPageOff, configFor } from './config.js';
import type { AppEnv, CallPageConfig, Config } from './env.js';
import { ApiError, ConfigError } from './errors.js';
import { note } from './log.js';
import { KALEYRA_ID, reservedForGuests } from './user-id.js';

/**
 * GET /call (docs/architecture.md, Call page): a page of the worker's own with one
 * `<kaleyra-call connect="click">` for the call target its query names, for links in
 * e-mails, messages and QR codes, and for the element's "Open in a new window" on a
 * page that cannot use the camera:
 *
 *   /call?with=<user id>    a call to that user       (call-with)
 *   /call?chat=<user id>    a chat with that user     (chat-with)
 *   /call?join=<room link>  that room                 (join-url)
 *   &lang=en|it|es          the page's and the element's language; another language → en
 *
 * Off (a 404 like any unknown route, the log naming what is missing) unless
 * CALL_PAGE_TARGETS and KALEYRA_APP_ID are set. A user id must be listed in
 * CALL_PAGE_TARGETS (an id, or a `prefix*` entry) and never a guest's; a room link
 * must be https on a host of CALL_PAGE_JOIN_HOSTS. Any other query (no target, two
 * targets, a parameter twice, a value that is not an id, a language tag, or an
 * allowed link) is a 404 page that names nothing of the request; parameters of
 * other names (a newsletter's `utm_source`) are ignored. Nothing of the request
 * reaches the HTML but the target, escaped, in the element's attribute.
 *
 * The page loads the element from the worker's own files (/kaleyra-call/<version>/),
 * the Trusted Types `default` policy first, each script with a nonce made for this
 * answer; its token endpoint is the worker's own /v1/token, which (with /v1/guest and
 * the Turnstile hostname check) accepts the page's origin while the page is on. Its
 * CSP allows the worker's origin, Kaleyra's hosts (the SDK, its media client and
 * sockets), and the challenge; the page may be framed by itself and ALLOWED_ORIGINS.
 */
export const CALL_PATH = '/call';
const FILES = `/kaleyra-call/${version}`;
const LANGUAGES = ['en', 'it', 'es'] as const;
type Language = (typeof LANGUAGES)[number];
const DEFAULT_LANGUAGE: Language = 'en';
/** A language tag (BCP 47's shape, loosely): `it`, `es-419`, `en-GB`. */
const LANGUAGE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;
/** Room links are short; a longer value is no room link. */
const MAX_JOIN_LENGTH = 2048;
/** The query's parameters that name a target, and the element's attribute for each. */
const TARGETS = { with: 'call-with', chat: 'chat-with', join: 'join-url' } as const;

const KALEYRA_FILES = ['https://cdn.bandyer.com', 'https://static.bandyer.com'];
const KALEYRA_STATIC = 'https://static.bandyer.com';
const TURNSTILE = 'https://challenges.cloudflare.com';

/** The page's words. Visitors read them: no vendor, endpoint or status is named. */
const WORDS: Record<
  Language,
  { title: string; notFound: [string, string]; unavailable: [string, string] }
> = {
  en: {
    title: 'Video call',
    notFound: [
      'This call link is not valid.',
      'Check the link, or ask whoever sent it for a new one.',
    ],
    unavailable: ['Video calls are not available right now.', 'Please try again later.'],
  },
  it: {
    title: 'Videochiamata',
    notFound: [
      'Questo link per la chiamata non è valido.',
      'Controlla il link o chiedine uno nuovo a chi te l’ha inviato.',
    ],
    unavailable: ['Le videochiamate non sono disponibili in questo momento.', 'Riprova più tardi.'],
  },
  es: {
    title: 'Videollamada',
    notFound: [
      'Este enlace de llamada no es válido.',
      'Comprueba el enlace o pide uno nuevo a quien te lo envió.',
    ],
    unavailable: [
      'Las videollamadas no están disponibles en este momento.',
      'Inténtalo de nuevo más tarde.',
    ],
  },
};

const STYLE =
  ':root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.5}' +
  'body{margin:0;min-height:100vh;min-height:100dvh;display:grid;place-items:center;text-align:center}' +
  'main{padding:2rem 1rem}h1{margin:0 0 2rem;font-size:clamp(1.5rem,5vw,2.25rem)}' +
  'p{max-width:32rem;margin:0 auto 1rem}' +
  'kaleyra-call{font-size:clamp(1.25rem,4vw,1.5rem);--kaleyra-call-padding:.9em 2.2em}';

/**
 * The page's headers besides its CSP (set by the handler, with this answer's nonce): the
 * API's hardening, minus X-Frame-Options (its `frame-ancestors` decides who may frame
 * it), with the camera, microphone and screen allowed to the page itself.
 */
export const pageHeaders = secureHeaders({
  xFrameOptions: false,
  permissionsPolicy: { camera: ['self'], microphone: ['self'], displayCapture: ['self'] },
});

/** Whether this request is for the call page while it is on: it gets pageHeaders, not the API's. */
export function servesCallPage(c: Context<AppEnv>): boolean {
  return (
    c.req.path === CALL_PATH &&
    (c.req.method === 'GET' || c.req.method === 'HEAD') &&
    callPageOff(c.env) === undefined
  );
}

/**
 * With the page off, /call does not exist: the only place that decides it, from
 * CALL_PAGE_TARGETS and KALEYRA_APP_ID alone, before the configuration is read.
 */
export const callPageRoute = createMiddleware<AppEnv>(async (c, next) => {
  const off = callPageOff(c.env);
  if (off) {
    note(c, { problem: off });
    throw new ApiError(404, 'not_found', 'No such route.');
  }
  await next();
});

export function callPage(c: Context<AppEnv>): Response {
  const nonce = newNonce();
  const config = configFor(c.env);
  if (config instanceof ConfigError) {
    note(c, { code: 'internal', problem: `misconfiguration: ${config.message}` });
    return message(c, 500, nonce, DEFAULT_LANGUAGE, 'unavailable', undefined);
  }
  const page = config.callPage as CallPageConfig;
  const read = readQuery(new URL(c.req.url).searchParams, page, config.userIdPrefix);
  if ('refused' in read) {
    note(c, { code: 'not_found', reason: read.refused });
    return message(c, 404, nonce, read.language, 'notFound', config);
  }
  c.header('Content-Security-Policy', pageCsp(config, page, nonce));
  return c.html(pageHtml(page, read, nonce), 200);
}

type Query =
  | {
      target: { attribute: (typeof TARGETS)[keyof typeof TARGETS]; value: string };
      language: Language;
    }
  | { refused: string; language: Language };

/** The query's target and language, or why it names none (a fixed label, for the log). */
function readQuery(query: URLSearchParams, page: CallPageConfig, userIdPrefix: string): Query {
  const langs = query.getAll('lang');
  const language = langs.length === 0 ? DEFAULT_LANGUAGE : languageOf(langs);
  if (language === undefined) return { refused: 'lang_invalid', language: DEFAULT_LANGUAGE };
  const given = (Object.keys(TARGETS) as (keyof typeof TARGETS)[]).flatMap((name) =>
    query.getAll(name).map((value) => ({ name, value })),
  );
  if (given.length !== 1) {
    return { refused: given.length ? 'targets_several' : 'target_missing', language };
  }
  const [{ name, value }] = given as [(typeof given)[number]];
  const checked = name === 'join' ? roomLink(value, page) : userId(value, page, userIdPrefix);
  if ('refused' in checked) return { refused: checked.refused, language };
  return { target: { attribute: TARGETS[name], value: checked.value }, language };
}

/** One `lang` value: en, it or es (any region), another language → en; not a tag → undefined. */
function languageOf(values: string[]): Language | undefined {
  const [tag] = values;
  if (values.length !== 1 || tag === undefined || !LANGUAGE_TAG.test(tag)) return undefined;
  const primary = tag.split('-')[0]!.toLowerCase();
  return LANGUAGES.find((l) => l === primary) ?? DEFAULT_LANGUAGE;
}

type Checked = { value: string } | { refused: string };

function userId(value: string, page: CallPageConfig, userIdPrefix: string): Checked {
  if (!KALEYRA_ID.test(value)) return { refused: 'target_malformed' };
  if (reservedForGuests(value, userIdPrefix)) return { refused: 'target_guest' };
  if (!page.ids.has(value) && !page.prefixes.some((prefix) => value.startsWith(prefix))) {
    return { refused: 'target_not_allowed' };
  }
  return { value };
}

/** An https room link on a host of CALL_PAGE_JOIN_HOSTS, as the URL parser spells it. */
function roomLink(value: string, page: CallPageConfig): Checked {
  if (page.joinHosts.size === 0) return { refused: 'join_off' };
  let url: URL;
  try {
    if (value.length > MAX_JOIN_LENGTH) throw new TypeError();
    url = new URL(value);
  } catch {
    return { refused: 'join_malformed' };
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) {
    return { refused: 'join_malformed' };
  }
  if (!page.joinHosts.has(url.hostname)) return { refused: 'join_host_not_allowed' };
  return { value: url.href };
}

/**
 * The page's CSP: scripts by this answer's nonce only, from the worker's files and
 * what the element adds (each with the nonce), plus the hosts that the SDK and the
 * challenge load scripts from by themselves; Kaleyra's sockets for the region and
 * environment; the challenge's frame. With CALL_PAGE_SDK_SRC or
 * CALL_PAGE_CHALLENGE_SRC, their origins replace Kaleyra's CDN and Turnstile
 * (self-hosting the SDK; the local stand-ins). Trusted Types enforced, with the
 * element's policy and the narrow `default` one the SDK needs for calls.
 */
export function pageCsp(config: Config, page: CallPageConfig, nonce: string): string {
  const app = config.app!;
  const sockets =
    app.environment === 'production'
      ? `cs.${app.region}.bandyer.com`
      : `cs.sandbox.${app.region}.bandyer.com`;
  const sdk = page.sdkSrc ? [new URL(page.sdkSrc).origin] : [KALEYRA_FILES[0]!];
  const challenge = page.challengeSrc ? new URL(page.challengeSrc).origin : TURNSTILE;
  const frameAncestors = ["'self'", ...config.allowedOrigins];
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    ['script-src', `'nonce-${nonce}'`, ...sdk, KALEYRA_STATIC, challenge],
    ['style-src', `'nonce-${nonce}'`, ...KALEYRA_FILES],
    ['img-src', 'data:', 'blob:', KALEYRA_STATIC],
    ['media-src', 'blob:', KALEYRA_STATIC],
    [
      'connect-src',
      "'self'",
      KALEYRA_STATIC,
      `https://${sockets}`,
      `wss://${sockets}`,
      ...(page.sdkSrc ? sdk : []),
      ...(page.challengeSrc ? [challenge] : []),
    ],
    ['worker-src', 'blob:'],
    ['frame-src', challenge],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', ...frameAncestors],
    ['require-trusted-types-for', "'script'"],
    ['trusted-types', 'kaleyra-call', 'default'],
  ];
  return directives.map((d) => [...new Set(d)].join(' ')).join('; ');
}

/** The CSP of a page with no script: its style, and who may frame it. */
function messageCsp(config: Config | undefined, nonce: string): string {
  const frameAncestors = ["'self'", ...(config?.allowedOrigins ?? [])].join(' ');
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

function pageHtml(
  page: CallPageConfig,
  { target, language }: Extract<Query, { target: unknown }>,
  nonce: string,
): string {
  const title = page.title ?? WORDS[language].title;
  const attributes = [
    ['token-endpoint', '/v1/token'],
    [target.attribute, target.value],
    ['language', language],
    ['connect', 'click'],
    ...(page.sdkSrc ? [['sdk-src', page.sdkSrc]] : []),
    ...(page.challengeSrc ? [['challenge-src', page.challengeSrc]] : []),
  ]
    .map(([name, value]) => ` ${name}="${escapeHtml(value!)}"`)
    .join('');
  // A self-hosted SDK (or the stand-in) loads its media client from beside itself:
  // the `default` policy admits that folder too.
  const prefixes = page.sdkSrc
    ? `<script nonce="${nonce}">KaleyraCallTrustedTypes.installDefaultPolicy(${scriptJson({
        scriptUrlPrefixes: [new URL('./', page.sdkSrc).href],
      })})</script>`
    : '';
  return document(language, title, nonce, {
    head:
      `<script nonce="${nonce}" src="${FILES}/kaleyra-call.trusted-types.js"></script>${prefixes}` +
      `<script nonce="${nonce}" src="${FILES}/kaleyra-call.iife.js" defer></script>`,
    body: `<h1>${escapeHtml(title)}</h1><kaleyra-call${attributes}></kaleyra-call>`,
  });
}

function message(
  c: Context<AppEnv>,
  status: 404 | 500,
  nonce: string,
  language: Language,
  kind: 'notFound' | 'unavailable',
  config: Config | undefined,
): Response {
  const [sentence, hint] = WORDS[language][kind];
  const title = config?.callPage?.title ?? WORDS[language].title;
  c.header('Content-Security-Policy', messageCsp(config, nonce));
  return c.html(
    document(language, title, nonce, {
      head: '',
      body: `<h1>${escapeHtml(title)}</h1><p>${sentence}</p><p>${hint}</p>`,
    }),
    status,
  );
}

function document(
  language: Language,
  title: string,
  nonce: string,
  { head, body }: { head: string; body: string },
): string {
  return (
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="robots" content="noindex, nofollow">' +
    `<title>${escapeHtml(title)}</title><link rel="icon" href="data:,">` +
    `<style nonce="${nonce}">${STYLE}</style>${head}</head><body><main>${body}</main></body></html>`
  );
}

/** Text for HTML content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** JSON inside a <script>: no `<` that could close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** 128 random bits, base64: a nonce for one answer. */
function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
