/**
 * Every script and preload hint the element adds (its runtime file, the SDK,
 * the guest challenge) is made here, so that each complies with the page's
 * own rules (docs/security.md):
 *
 * - Trusted Types: on a page that enforces `require-trusted-types-for
 *   'script'`, each script URL passes through one named policy,
 *   `kaleyra-call`, which admits only the URLs the element asked it for. The
 *   policy is created once per page and shared by every copy of the bundle (a
 *   second `createPolicy` with the same name throws where the page's CSP
 *   forbids duplicates), so it lives on a global symbol.
 * - A nonce CSP (`script-src 'nonce-…'`): each script and hint carries the
 *   nonce of the script that loaded the bundle (read while it ran), else that
 *   of the page's first script with one.
 */
interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}
interface Shared {
  /** The policy; null when the page does not allow it (the name is not in its CSP). */
  policy?: ScriptUrlPolicy | null;
  urls: Set<string>;
}

const KEY = Symbol.for('kaleyra-call.trusted-types');
type Global = Record<symbol, unknown> & {
  trustedTypes?: { createPolicy(name: string, rules: object): ScriptUrlPolicy };
};

/** The nonce of the script that loaded the bundle (the CDN build's runtime files share this module). */
let kept: string | undefined;

/** Keeps the nonce of the script that loaded the bundle. */
export function keepNonce(script: HTMLScriptElement | null | undefined): void {
  kept ||= script?.nonce;
}

/** The nonce the element's scripts and hints carry ('' when the page uses none). */
export function nonce(): string {
  return kept || document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || '';
}

/** `url` as the value to assign to `script.src`: a TrustedScriptURL where Trusted Types exist. */
export function scriptUrl(url: string): string {
  const g = globalThis as Global;
  if (!g.trustedTypes) return url;
  const shared = ((g[KEY] as Shared | undefined) ??= { urls: new Set() });
  shared.urls.add(url);
  if (shared.policy === undefined) {
    try {
      shared.policy = g.trustedTypes.createPolicy('kaleyra-call', {
        createScriptURL: (candidate: string) => {
          if (shared.urls.has(candidate)) return candidate;
          throw new TypeError(`kaleyra-call does not load ${candidate}`);
        },
      });
    } catch {
      // The page's CSP does not list `kaleyra-call`: a plain string still works
      // wherever Trusted Types are not enforced.
      shared.policy = null;
    }
  }
  return (shared.policy?.createScriptURL(url) ?? url) as string;
}

/** A script element for `url`, with the page's nonce, not yet in the document. */
export function script(url: string): HTMLScriptElement {
  const element = document.createElement('script');
  element.nonce = nonce();
  element.src = scriptUrl(url);
  return element;
}
