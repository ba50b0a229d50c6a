import { mount } from './facade/mount.js';
import { KaleyraCallElement } from './kaleyra-call.js';

/**
 * Registers `<kaleyra-call>` in a browser. Importing this module twice, or
 * loading two copies of the bundle, is harmless: the first definition wins. On
 * a server (no `document`) nothing is registered: the element renders only in
 * the browser.
 */
if (globalThis.document) KaleyraCallElement.define();

export { KaleyraCallElement, mount };

declare global {
  interface HTMLElementTagNameMap {
    'kaleyra-call': KaleyraCallElement;
  }
}
