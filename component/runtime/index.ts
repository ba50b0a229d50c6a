/**
 * The element's runtime: everything that runs only once intent is shown or a
 * session starts — the element's driver (driver.ts) with its session
 * controller, the token client and the guest flow, the SDK loader, the page
 * session and its retries, the element's actions, and the words that explain
 * failures. The element loads it then (facade/runtime-loader.ts), so a page that
 * never shows intent or starts a call never downloads it. In the CDN build it
 * is its own file, loaded with its integrity hash; in the npm build a dynamic
 * import that bundlers split off.
 */
export { drive } from './driver.js';
