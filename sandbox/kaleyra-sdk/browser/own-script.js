/**
 * The stand-in's own <script>, read while the bundle runs (afterwards `currentScript` is
 * gone): the folder its media client sits in, its nonce, and how it was asked to reach the
 * other tabs (`?bus=server`: bus.js).
 */
export const ownScript = typeof document === 'undefined' ? null : document.currentScript;

/** The nonce the element gave the stand-in's script ('' without one). */
export function ownNonce() {
  return (ownScript && ownScript.nonce) || '';
}
