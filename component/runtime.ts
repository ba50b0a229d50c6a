/**
 * The element's runtime: everything that runs only once a session starts (the
 * token client, the SDK loader, the page session and its retries). The element
 * loads it at start (runtime-loader.ts), so a page that never starts a call
 * never downloads it. In the CDN build it is its own file, loaded with its
 * integrity hash; in the npm build a dynamic import that bundlers split off.
 */
export { acquireSession, releaseSession } from './session.js';
export { requestToken } from './token-client.js';
export { describe, fromSdk } from './messages.js';
export { guestToken, forgetGuest } from './guest.js';
