/**
 * Intent warms up (docs/architecture.md, Intent): a pointer resting on the
 * launcher, keyboard focus on it, a touch starting on it or a press means a
 * call is likely. Then the SDK starts downloading — preloaded, not run — and the
 * connection to the token endpoint's origin opens, so that after the click only
 * the token and the connect remain. A page that never shows intent pays
 * nothing more. Each hint is given once per page, whatever the number of
 * elements or bundle copies.
 */
import { nonce } from '../common/scripts.js';

const GIVEN = Symbol.for('kaleyra-call.hints');

/** How long a pointer rests on the launcher before it counts as intent (what link-prefetch tools settled on). */
export const REST_MS = 65;

/**
 * The visitor asked to save data (`Save-Data`), or is on a 2G connection: a
 * pointer merely resting on the launcher is not worth a download there.
 * Focus, a touch and a press still are: they come just before a click.
 */
export function frugal(): boolean {
  const connection = (navigator as { connection?: { saveData?: boolean; effectiveType?: string } })
    .connection;
  return !!connection?.saveData || /2g/.test(connection?.effectiveType ?? '');
}

function hint(rel: 'preload' | 'preconnect', href: string, cors?: string, integrity = ''): void {
  const g = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  const given = (g[GIVEN] ??= new Set());
  if (given.has(rel + href)) return;
  given.add(rel + href);
  const link = document.createElement('link');
  link.nonce = nonce();
  link.rel = rel;
  link.href = href;
  if (rel === 'preload') link.as = 'script';
  link.integrity = integrity;
  // The hint serves the request only if their CORS modes match.
  if (cors !== undefined) link.crossOrigin = cors;
  document.head.append(link);
}

/**
 * Preloads `sdkSrc` as the SDK loader will request it (with `integrity`, a
 * CORS request; not on a page that already has the SDK), and preconnects the
 * token endpoint's origin when it is another origin, in the credentials mode
 * its request will use. At intent, and at a start too: the SDK then downloads
 * while the runtime file (which holds the SDK loader) does.
 */
export function warmUp(
  sdkSrc: string,
  integrity: string | undefined,
  tokenEndpoint: string | undefined,
  credentials: RequestCredentials,
): void {
  if (!window.BandyerSDK) hint('preload', sdkSrc, integrity ? 'anonymous' : undefined, integrity);
  if (!tokenEndpoint) return;
  const { origin } = new URL(tokenEndpoint, document.baseURI);
  if (origin !== location.origin) {
    hint('preconnect', origin, credentials === 'include' ? 'use-credentials' : 'anonymous');
  }
}
