/** The SDK version the element loads by default (docs/kaleyra-sdk-notes.md, Loading). */
export const DEFAULT_SDK_VERSION = '2.8.0';

/** The CDN URL of a published SDK version (docs/kaleyra-sdk-notes.md, Loading). */
export const sdkUrl = (version: string): string =>
  `https://cdn.bandyer.com/sdk/js/chat/${encodeURIComponent(version)}/bandyer-widget.min.js`;

/**
 * The element's attributes: one table, and everything else derives from it —
 * the Lit property declarations and the defaults (kaleyra-call.ts), the
 * property types (`AttributeValues`), the validation (`validateConfig` below),
 * the JSX typings (jsx.ts) and the manifest's attributes and descriptions
 * (custom-elements-manifest.config.mjs reads this file, JSDoc included).
 *
 * An entry: `attribute` (kebab-case name; the property name when absent),
 * `values` (the allowed values, space-separated; `list: true` for a
 * space-separated list of them), `default`, `type: Boolean` for a boolean attribute, `reflect`.
 */
export const ATTRIBUTES = {
  /** URL of the token endpoint; required unless `tokenProvider` is set. The one attribute a page needs when the endpoint names the app. */
  tokenEndpoint: { attribute: 'token-endpoint' },
  /** Kaleyra web app id (`wAppId_…`): from the token endpoint when it says; else required. */
  appId: { attribute: 'app-id' },
  /** Kaleyra region: from the token endpoint when it says; else `eu`. */
  region: { values: 'eu in us me' },
  /** Kaleyra environment: from the token endpoint when it says; else `sandbox`. */
  environment: { values: 'sandbox production' },
  /** `auto`: accept a guest offer from the token endpoint (public pages); `off`: a 401 is always "sign in". */
  guest: { values: 'auto off', default: 'auto' },
  /** The guest challenge's script (Cloudflare Turnstile's, or a stand-in). */
  challengeSrc: {
    attribute: 'challenge-src',
    default: 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit',
  },
  /** SDK version loaded from Kaleyra's CDN. */
  sdkVersion: { attribute: 'sdk-version', default: DEFAULT_SDK_VERSION },
  /** Full SDK URL (self-hosting, strict CSP); wins over `sdk-version`. */
  sdkSrc: { attribute: 'sdk-src' },
  /** SRI hash for the SDK script (then loaded with `crossorigin="anonymous"`). */
  sdkIntegrity: { attribute: 'sdk-integrity' },
  /** When to start: on attach, first time visible, first launcher click, or only `connect()`. */
  connectOn: {
    attribute: 'connect',
    values: 'auto visible click manual',
    default: 'auto',
  },
  /** Fetch credentials mode of the token request. */
  credentials: { values: 'omit same-origin include', default: 'same-origin' },
  /** Space-separated SDK tools. */
  tools: {
    values: 'chat screen_sharing file_upload whiteboard snapshot live_edit live_pointer',
    list: true,
    default: 'chat',
  },
  /** Call type of new calls. */
  callType: {
    attribute: 'call-type',
    values: 'audio_only audio_upgradable audio_video',
    default: 'audio_video',
  },
  /** Widget and element language (`en`, `it`, `es`); defaults to the page's `lang` if one of those, else `en`. */
  language: {},
  /** `embed`, or `window` (the call in a pop-up). */
  mode: { values: 'embed window', default: 'embed' },
  /** Recording of new calls. */
  recordingType: {
    attribute: 'recording',
    values: 'none manual automatic',
    default: 'none',
  },
  /** The SDK widget shows only on a call, a chat or `openWidget()`. */
  widgetHidden: { attribute: 'widget-hidden', type: Boolean, default: false },
  /** The SDK's post-call feedback view. */
  feedback: { type: Boolean, default: false },
  /** Virtual background of calls. */
  virtualBackground: { attribute: 'virtual-background', values: 'blur image' },
  /** User id to call when the launcher is activated. */
  callWith: { attribute: 'call-with' },
  /** User id whose chat opens when the launcher is activated. */
  chatWith: { attribute: 'chat-with' },
  /** Room link to join when the launcher is activated. */
  joinUrl: { attribute: 'join-url' },
  /** Launcher text; defaults to a localized "Video call". */
  label: {},
  /** Render no launcher or status: the element is a controller only. */
  headless: { type: Boolean, reflect: true, default: false },
} as const satisfies Record<string, AttributeSpec>;

interface AttributeSpec {
  attribute?: string;
  values?: string;
  list?: boolean;
  default?: string | boolean;
  type?: BooleanConstructor;
  reflect?: boolean;
}

type Table = typeof ATTRIBUTES;
export type AttributeName = keyof Table;

/** The type of one attribute's property: its union of values, a boolean, or a string. */
export type AttributeValue<K extends AttributeName> = Table[K] extends { type: BooleanConstructor }
  ? boolean
  : Table[K] extends { values: infer V extends string; list?: never }
    ? Words<V>
    : string;

/** `'a b c'` → `'a' | 'b' | 'c'`. */
type Words<S extends string> = S extends `${infer A} ${infer B}` ? A | Words<B> : S;

/** The kebab-case attribute name of a property, as a type. */
export type AttributeOf<K extends AttributeName> = Table[K] extends {
  attribute: infer A extends string;
}
  ? A
  : K;

type WithDefault = {
  [K in AttributeName]: Table[K] extends { default: unknown } ? K : never;
}[AttributeName];

/** Every attribute's property; those without a default may be undefined. */
export type AttributeValues = { -readonly [K in WithDefault]: AttributeValue<K> } & {
  -readonly [K in Exclude<AttributeName, WithDefault>]?: AttributeValue<K>;
};

export type Region = AttributeValue<'region'>;
export type Environment = AttributeValue<'environment'>;
export type ConnectMode = AttributeValue<'connectOn'>;

/** The checks of an attribute (runtime/messages.ts explains each). */
export type ProblemCode =
  | 'missing_attribute'
  | 'invalid_attribute'
  | 'malformed_url'
  | 'insecure_url'
  | 'invalid_app_id'
  | 'api_key_in_page';

/** What is wrong with an attribute: `code` names the check. */
export interface ConfigProblem {
  code: ProblemCode;
  attribute: string;
  value?: string;
  allowed?: string;
}

export const words = (value = ''): string[] => value.split(/\s+/).filter(Boolean);

/** The kebab-case attribute of a property. */
export const attributeOf = (name: AttributeName): string =>
  (ATTRIBUTES[name] as AttributeSpec).attribute ?? name;

/** URL attributes: parsed against the page, and not `http:` on an `https:` page (mixed content). */
const URLS: AttributeName[] = ['tokenEndpoint', 'sdkSrc', 'challengeSrc'];
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * The first problem of `values`, in the order an editor should fix them: the
 * `required` ones, the app id's shape, the URLs, then values outside their
 * attribute's list. Everything here is checked before any request.
 */
export function validateConfig(
  values: { readonly [K in AttributeName]?: unknown },
  required: AttributeName[],
  page: string = document.baseURI,
): ConfigProblem | undefined {
  for (const name of required) {
    if (!String(values[name] ?? '').trim()) {
      return { code: 'missing_attribute', attribute: attributeOf(name) };
    }
  }
  const appId = values.appId;
  if (typeof appId === 'string' && appId) {
    // A secret pasted into a public page is worth its own warning.
    if (/^ak_/i.test(appId)) return { code: 'api_key_in_page', attribute: 'app-id' };
    if (!/^wAppId_[\w-]+$/.test(appId)) {
      return { code: 'invalid_app_id', attribute: 'app-id', value: appId };
    }
  }
  for (const name of URLS) {
    const value = values[name];
    if (typeof value !== 'string' || !value) continue;
    const problem = { attribute: attributeOf(name), value };
    let url: URL;
    try {
      url = new URL(value, page);
    } catch {
      return { code: 'malformed_url', ...problem };
    }
    if (!/^https?:$/.test(url.protocol)) return { code: 'malformed_url', ...problem };
    if (url.protocol === 'http:' && page.startsWith('https:') && !LOOPBACK.test(url.hostname)) {
      return { code: 'insecure_url', ...problem };
    }
  }
  for (const [name, spec] of Object.entries(ATTRIBUTES) as [AttributeName, AttributeSpec][]) {
    const value = values[name];
    if (!spec.values || typeof value !== 'string') continue;
    const allowed = words(spec.values);
    const bad = (spec.list ? words(value) : value ? [value] : []).find((v) => !allowed.includes(v));
    if (bad !== undefined) {
      return {
        code: 'invalid_attribute',
        attribute: attributeOf(name),
        value: bad,
        allowed: allowed.join(', '),
      };
    }
  }
  return undefined;
}
