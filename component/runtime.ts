/**
 * The element's runtime: everything that runs only once a session starts or
 * intent is shown (the token client and the guest flow, the SDK loader, the
 * page session and its retries, the element's actions and session source
 * (element-runtime.ts), and the messages that explain failures). The element
 * loads it at start (runtime-loader.ts), so a page that never starts a call
 * never downloads it. In the CDN build it is its own file, loaded with its
 * integrity hash; in the npm build a dynamic import that bundlers split off.
 */
export { releaseSession } from './session.js';
export { describe } from './messages.js';
export { act, callStatus, join, peerName, sourceFor } from './element-runtime.js';
