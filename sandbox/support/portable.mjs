/**
 * Helpers the sandbox's stand-ins share (the Kaleyra REST stand-in and the
 * Turnstile stand-in). No Node-only imports: both also run inside workerd.
 */

/** Resolves after `ms`, or at once when `signal` aborts. @param {number} ms @param {AbortSignal | undefined} signal */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

const encoder = new TextEncoder();

/** Base64url without padding. @param {Uint8Array | string} data */
export function base64url(data) {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
