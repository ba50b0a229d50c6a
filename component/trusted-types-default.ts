/**
 * An opt-in `default` Trusted Types policy, for pages that enforce
 * `require-trusted-types-for 'script'` and want calls. The element's own script
 * URLs go through its `kaleyra-call` policy (trusted-types.ts); the Kaleyra SDK
 * uses no policy and assigns plain strings to a few sinks of its own
 * (docs/kaleyra-sdk-notes.md, Trusted Types). Refused, they cost the page its
 * calls (the SDK's media client) and some tools. This policy admits exactly those:
 *
 * - script URLs under https://static.bandyer.com/corporate/webrtc_client/ (the
 *   media client) and under the prefixes given to `installDefaultPolicy`;
 * - same-origin `blob:` URLs (the virtual background's worker);
 * - the HTML strings `&#8203;` and `downloading...`.
 *
 * Anything else is refused by returning null, not by throwing: the browser then
 * blocks the assignment and reports a violation that names the sink and the
 * value, exactly as with no default policy, and a Report-Only deployment (which
 * the README recommends first) only reports it. A policy that threw would send
 * no report and would break Report-Only pages, where the throw still escapes.
 * There is no `createScript`: strings for `eval` and `Function` stay refused.
 *
 * Importing this module installs the policy (a side effect). The CDN build
 * dist/kaleyra-call.trusted-types.js does the same and sets
 * `window.KaleyraCallTrustedTypes.installDefaultPolicy`.
 */

interface PolicyFactory {
  readonly defaultPolicy: unknown;
  createPolicy(name: 'default', rules: object): unknown;
}

export interface DefaultPolicyOptions {
  /**
   * More script URL prefixes to admit: absolute http(s) URLs ending in `/`
   * (a self-hosted media client, a test server).
   */
  scriptUrlPrefixes?: readonly string[];
}

const prefixes = ['https://static.bandyer.com/corporate/webrtc_client/'];
const HTML = ['&#8203;', 'downloading...'];
let ours: unknown;

/**
 * Installs the policy as the page's `default`, or adds `scriptUrlPrefixes` to
 * it when this module installed it already. True when the page's default policy
 * is this one; false when it installed nothing: no Trusted Types, a `default`
 * policy of the page's own (never replaced), or a CSP `trusted-types` directive
 * that does not list `default`. Throws a TypeError for a malformed prefix.
 */
export function installDefaultPolicy(options: DefaultPolicyOptions = {}): boolean {
  const extra = (options.scriptUrlPrefixes ?? []).map(checkedPrefix);
  const factory = (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;
  if (!factory) return false;
  if (!factory.defaultPolicy) {
    try {
      ours = factory.createPolicy('default', { createScriptURL, createHTML });
    } catch {
      return false;
    }
  } else if (factory.defaultPolicy !== ours) {
    return false;
  }
  for (const prefix of extra) if (!prefixes.includes(prefix)) prefixes.push(prefix);
  return true;
}

function createScriptURL(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value, document.baseURI);
  } catch {
    return null;
  }
  if (url.protocol === 'blob:') {
    // An opaque origin ("null") matches every other opaque origin: refused.
    return url.origin === location.origin && url.origin !== 'null' ? value : null;
  }
  // Compared resolved, so that `..` cannot climb out of a prefix.
  return prefixes.some((prefix) => url.href.startsWith(prefix)) ? url.href : null;
}

function createHTML(value: string): string | null {
  return HTML.includes(value) ? value : null;
}

function checkedPrefix(prefix: string): string {
  try {
    const url = new URL(prefix);
    const http = url.protocol === 'https:' || url.protocol === 'http:';
    if (http && url.pathname.endsWith('/') && !url.search && !url.hash) return url.href;
  } catch {
    // Not a URL: refused below.
  }
  throw new TypeError(
    `kaleyra-call/trusted-types: a script URL prefix must be an absolute http(s) URL ending in "/", not ${JSON.stringify(prefix)}`,
  );
}

installDefaultPolicy();
