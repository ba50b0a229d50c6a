import type { Runtime } from '../common/contract.js';
import { script as newScript } from '../common/scripts.js';
import type { Language } from '../common/types.js';

/**
 * The CDN build's runtime loader (it replaces runtime-loader.ts there): the
 * runtime is the file `kaleyra-call.runtime.<language>.js` beside this bundle
 * (one per language, with that language's texts), loaded by a script tag with
 * its SRI hash, which the build writes into this bundle — so the integrity of
 * the snippet's own file covers the runtimes too. A runtime registers itself
 * on a global registry (`kaleyra-call.builds`) under this build's version and
 * its language, shared by every copy of the bundle on the page, and is loaded
 * once per page and language (a page with elements in two languages loads
 * two).
 */
declare const __RUNTIME_INTEGRITY__: Record<Language, string>;
declare const __VERSION__: string;

/** This file's URL, read while the bundle runs (a classic script's `currentScript` is gone later). */
export const HERE = import.meta.url;

type Registry = Map<string, Runtime | Promise<Runtime>>;

export function loadRuntime(language: Language): Promise<Runtime> {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  const registry = (g[Symbol.for('kaleyra-call.builds')] ??= new Map());
  const key = `${__VERSION__} ${language}`;
  const known = registry.get(key);
  if (known) return Promise.resolve(known);
  const load = new Promise<Runtime>((resolve, reject) => {
    const script = newScript(runtimeUrl(language));
    script.onload = () => {
      const runtime = registry.get(key);
      if (runtime && !(runtime instanceof Promise)) resolve(runtime);
      else fail();
    };
    const fail = () => {
      script.remove();
      registry.delete(key);
      reject(new Error());
    };
    script.onerror = fail;
    script.integrity = __RUNTIME_INTEGRITY__[language];
    script.crossOrigin = 'anonymous';
    document.head.append(script);
  });
  registry.set(key, load);
  return load;
}

/**
 * The runtime file of `language`, beside this one: `…/kaleyra-call.runtime.<language>.js`,
 * or without `.js` when this file's own URL has none.
 */
const runtimeUrl = (language: Language): string =>
  new URL(
    `kaleyra-call.runtime.${language}${/\.js$/.test(new URL(HERE).pathname) ? '.js' : ''}`,
    HERE,
  ).href;
