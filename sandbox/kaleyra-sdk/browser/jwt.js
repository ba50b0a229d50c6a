/**
 * Access tokens: HS256 JWTs shaped like Kaleyra's (docs/kaleyra-sdk-notes.md), judged as the
 * Kaleyra server would, in this order: malformed → `access_token_invalid`, bad signature →
 * `access_token_invalid_signature`, `exp` past → `access_token_expired`, `user` claim ≠ userId →
 * `access_token_invalid_user`.
 */

function base64UrlBytes(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function decodeJwt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const json = (part) => JSON.parse(new TextDecoder().decode(base64UrlBytes(part)));
    const header = json(parts[0]);
    const claims = json(parts[1]);
    if (!header || !claims || typeof claims !== 'object') return null;
    return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: parts[2] };
  } catch {
    return null;
  }
}

async function signatureValid(jwt, secret) {
  if (jwt.header.alg !== 'HS256') return false;
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) {
    console.error('[BandyerSDK stand-in] WebCrypto is unavailable here: cannot verify tokens');
    return false;
  }
  try {
    const encoder = new TextEncoder();
    const key = await subtle.importKey(
      'raw',
      encoder.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const signature = base64UrlBytes(jwt.signature);
    return await subtle.verify('HMAC', key, signature, encoder.encode(jwt.signingInput));
  } catch {
    return false;
  }
}

/**
 * The server's verdict on a token: `{claims}` or `{code}`. The signature is checked only when
 * a `secret` is set (`__bandyerEmulator.setSigningSecret`).
 */
export async function judgeToken(token, userId, secret) {
  const jwt = decodeJwt(token);
  if (!jwt || typeof jwt.claims.user !== 'string' || typeof jwt.claims.exp !== 'number') {
    return { code: 'access_token_invalid' };
  }
  if (secret !== null && !(await signatureValid(jwt, secret))) {
    return { code: 'access_token_invalid_signature' };
  }
  if (jwt.claims.exp * 1000 <= Date.now()) return { code: 'access_token_expired' };
  if (jwt.claims.user !== userId) return { code: 'access_token_invalid_user' };
  return { claims: jwt.claims };
}

export const isoFromExp = (exp) => new Date(exp * 1000).toISOString();
