import { clock } from '../common/clock.js';
import { KaleyraCallError } from '../common/errors.js';
import type { BandyerSdk } from '../common/sdk.js';
import { script as newScript } from '../common/scripts.js';
import { aborted } from './abort.js';

export interface LoadOptions {
  signal?: AbortSignal;
  /** SRI hash; the script then also gets `crossorigin="anonymous"`. */
  integrity?: string;
  timeoutMs?: number;
}

// One download per URL for the whole page, even across two copies of this
// bundle: the cache lives on a global registered symbol, not in module scope.
const CACHE = Symbol.for('kaleyra-call.sdk-loads');
type Cache = Map<string, Promise<BandyerSdk>>;

function cache(): Cache {
  const g = globalThis as unknown as Record<symbol, Cache | undefined>;
  return (g[CACHE] ??= new Map());
}

/**
 * Loads the SDK script once per URL and resolves `window.BandyerSDK`. Aborting
 * stops this caller's wait, not the shared download. A failed load is
 * forgotten (its script tag removed) so that the next call tries again.
 */
export function loadSdk(src: string, options: LoadOptions = {}): Promise<BandyerSdk> {
  const url = new URL(src, document.baseURI).href;
  let load = cache().get(url);
  if (!load) {
    load = inject(url, options);
    cache().set(url, load);
    load.catch(() => cache().delete(url));
  }
  // The abort first: a signal already aborted wins over a download already done.
  return options.signal ? Promise.race([aborted(options.signal), load]) : load;
}

function inject(url: string, { integrity, timeoutMs = 30_000 }: LoadOptions): Promise<BandyerSdk> {
  // A page that already has the vendor snippet: use its SDK rather than a second copy.
  if (window.BandyerSDK) return Promise.resolve(window.BandyerSDK);
  return new Promise<BandyerSdk>((resolve, reject) => {
    const script = newScript(url);
    const fail = (code: string) => {
      settle();
      script.remove();
      reject(new KaleyraCallError({ phase: 'sdk', code, params: { url } }));
    };
    const timer = clock.setTimeout(() => fail('sdk_timeout'), timeoutMs);
    const settle = () => {
      clock.clearTimeout(timer);
      script.onload = script.onerror = null;
    };
    script.onload = () => {
      settle();
      if (window.BandyerSDK) resolve(window.BandyerSDK);
      else fail('sdk_invalid');
    };
    // A network error and an integrity mismatch look the same from here.
    script.onerror = () => fail('sdk_load_failed');
    if (integrity) {
      script.integrity = integrity;
      script.crossOrigin = 'anonymous';
    }
    script.async = true;
    document.head.append(script);
  });
}
