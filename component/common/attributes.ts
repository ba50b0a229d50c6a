import type { VALUES } from './values.js';

/** The SDK version the element loads by default (docs/kaleyra-sdk-notes.md, Loading). */
export const DEFAULT_SDK_VERSION = '2.8.0';

/** The CDN URL of a published SDK version (docs/kaleyra-sdk-notes.md, Loading). */
export const sdkUrl = (version: string): string =>
  `https://cdn.bandyer.com/sdk/js/chat/${encodeURIComponent(version)}/bandyer-widget.min.js`;

/**
 * The element's attributes: one table, and everything else derives from it —
 * the Lit property declarations and the defaults (kaleyra-call.ts), the
 * property types (`AttributeValues`, with the allowed values of values.ts),
 * the JSX typings (jsx.ts) and the manifest's attributes and descriptions
 * (custom-elements-manifest.config.mjs reads this file, JSDoc included).
 *
 * An entry: `attribute` (kebab-case name; the property name when absent),
 * `default`, `type: Boolean` for a boolean attribute, `reflect`,
 * and `installer: true` for what only whoever installs the element may set: where tokens come
 * from and which scripts and pages it loads (docs/security.md, Who sets what). A marker in
 * content (`data-kaleyra-call`) never sets those; the loading script's defaults, a tag and
 * `mount()` do.
 */
export const ATTRIBUTES = {
  /** URL of the token endpoint; required unless `tokenProvider` is set. The one attribute a page needs when the endpoint names the app. */
  tokenEndpoint: { attribute: 'token-endpoint', installer: true },
  /** Kaleyra web app id (`wAppId_…`): from the token endpoint when it says; else required. */
  appId: { attribute: 'app-id' },
  /** Kaleyra region: from the token endpoint when it says; else `eu`. */
  region: {},
  /** Kaleyra environment: from the token endpoint when it says; else `sandbox`. */
  environment: {},
  /** `auto`: accept a guest offer from the token endpoint (public pages); `off`: a 401 is always "sign in". */
  guest: { default: 'auto' },
  /** The guest challenge's script; Cloudflare Turnstile's when unset (the sandbox and tests point it at a stand-in). */
  challengeSrc: { attribute: 'challenge-src', installer: true },
  /** SDK version loaded from Kaleyra's CDN. */
  sdkVersion: { attribute: 'sdk-version', default: DEFAULT_SDK_VERSION },
  /** Full SDK URL (self-hosting, strict CSP); wins over `sdk-version`. */
  sdkSrc: { attribute: 'sdk-src', installer: true },
  /** SRI hash for the SDK script (then loaded with `crossorigin="anonymous"`). */
  sdkIntegrity: { attribute: 'sdk-integrity' },
  /** When to start: on attach, first time visible, first launcher click, or only `connect()`. */
  connectOn: {
    attribute: 'connect',
    default: 'auto',
  },
  /** Fetch credentials mode of the token request. */
  credentials: { default: 'same-origin' },
  /** Space-separated SDK tools. */
  tools: {
    default: 'chat',
  },
  /** Call type of new calls. */
  callType: {
    attribute: 'call-type',
    default: 'audio_video',
  },
  /** Widget and element language (`en`, `it`, `es`); defaults to the page's `lang` if one of those, else `en`. */
  language: {},
  /** `embed`, or `window` (the call in a pop-up). */
  mode: { default: 'embed' },
  /** Recording of new calls. */
  recordingType: {
    attribute: 'recording',
    default: 'none',
  },
  /** The SDK widget shows only on a call, a chat or `openWidget()`. */
  widgetHidden: { attribute: 'widget-hidden', type: Boolean, default: false },
  /** The SDK's post-call feedback view. */
  feedback: { type: Boolean, default: false },
  /** Virtual background of calls. */
  virtualBackground: { attribute: 'virtual-background' },
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
  /** `inline` where the element stands, or `floating`: a launcher fixed in the bottom corner of the page (the inline-end one). */
  placement: { reflect: true, default: 'inline' },
  /** An inert placeholder that makes no request of any kind (an editor's preview). */
  preview: { type: Boolean, default: false },
  /** The page that "Open in a new window" opens when this page cannot use the camera: by default `/call` beside a token endpoint whose path ends in `/v1/token`; `none` offers none. */
  callPage: { attribute: 'call-page', installer: true },
} as const satisfies Record<string, AttributeSpec>;

interface AttributeSpec {
  attribute?: string;
  default?: string | boolean;
  type?: BooleanConstructor;
  reflect?: boolean;
  installer?: boolean;
}

type Table = typeof ATTRIBUTES;
type Values = typeof VALUES;
export type AttributeName = keyof Table;

/** The type of one attribute's property: its union of values, a boolean, or a string. */
export type AttributeValue<K extends AttributeName> = Table[K] extends { type: BooleanConstructor }
  ? boolean
  : K extends keyof Values
    ? Values[K] extends { list: true }
      ? string
      : Words<Values[K]['values']>
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

/** The kebab-case attribute of a property. */
export const attributeOf = (name: AttributeName): string =>
  (ATTRIBUTES[name] as AttributeSpec).attribute ?? name;
