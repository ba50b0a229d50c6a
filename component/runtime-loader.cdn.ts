import type { Runtime } from './runtime-loader.js';
import { scriptUrl } from './trusted-types.js';

/**
 * The CDN build's runtime loader (it replaces runtime-loader.ts there): the
 * runtime is the file `kaleyra-call.runtime.js` beside this bundle, loaded by a
 * script tag with its SRI hash, which the build writes into this bundle — so
 * the integrity of the snippet's own file covers the runtime too. The runtime
 * registers itself on a global registry under this build's version, shared by
 * every copy of the bundle on the page, and is loaded once per page.
 */
declare const __RUNTIME_INTEGRITY__: string;
declare const __VERSION__: string;

// Read while the bundle runs: a classic script's `currentScript` is gone later.
const HERE = import.meta.url;

type Registry = Map<string, Runtime | Promise<Runtime>>;

export function loadRuntime(): Promise<Runtime> {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  const registry = (g[Symbol.for('kaleyra-call.runtimes')] ??= new Map());
  const known = registry.get(__VERSION__);
  if (known) return Promise.resolve(known);
  const load = new Promise<Runtime>((resolve, reject) => {
    const script = document.createElement('script');
    script.onload = () => {
      const runtime = registry.get(__VERSION__);
      if (runtime && !(runtime instanceof Promise)) resolve(runtime);
      else fail();
    };
    const fail = () => {
      script.remove();
      registry.delete(__VERSION__);
      reject(new Error('The kaleyra-call runtime could not be loaded.'));
    };
    script.onerror = fail;
    script.integrity = __RUNTIME_INTEGRITY__;
    script.crossOrigin = 'anonymous';
    script.src = scriptUrl(runtimeUrl());
    document.head.append(script);
  });
  registry.set(__VERSION__, load);
  return load;
}

/** `…/kaleyra-call.js` or `…/kaleyra-call.iife.js` → `…/kaleyra-call.runtime.js`. */
function runtimeUrl(): string {
  const url = new URL(HERE);
  const renamed = url.pathname.replace(/kaleyra-call(\.iife)?(\.js)?$/, 'kaleyra-call.runtime$2');
  return renamed === url.pathname
    ? new URL('kaleyra-call.runtime.js', url).href
    : new URL(renamed, url).href;
}
