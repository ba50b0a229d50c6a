/**
 * Trusted Types: on a page that enforces `require-trusted-types-for 'script'`,
 * every script URL the element sets (the SDK, its own runtime file) passes
 * through one named policy, `kaleyra-call`, which admits only the URLs the
 * element asked it for. The policy is created once per page and shared by
 * every copy of the bundle (a second `createPolicy` with the same name throws
 * where the page's CSP forbids duplicates), so it lives on a global symbol.
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

/** `url` as the value to assign to `script.src`: a TrustedScriptURL where Trusted Types exist. */
export function scriptUrl(url: string): string {
  const g = globalThis as unknown as Record<symbol, Shared | undefined> & {
    trustedTypes?: { createPolicy(name: string, rules: object): ScriptUrlPolicy };
  };
  if (!g.trustedTypes) return url;
  const shared = (g[KEY] ??= { urls: new Set() });
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
