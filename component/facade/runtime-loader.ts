import type { Runtime } from '../common/contract.js';
import type { Language } from '../common/types.js';

let loading: Promise<Runtime> | undefined;

/**
 * The runtime, loaded once. This is the npm build's loader: a dynamic import
 * that a bundler splits into its own chunk, with the texts of every language
 * (so `language` does not matter here). The CDN build replaces this module
 * with runtime-loader.cdn.ts, which loads the runtime file of `language`
 * beside the bundle with its integrity hash.
 */
export function loadRuntime(_language: Language): Promise<Runtime> {
  return (loading ??= import('../runtime/index.js').catch((err: unknown) => {
    loading = undefined;
    throw err;
  }));
}
