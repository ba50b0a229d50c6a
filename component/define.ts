import { KaleyraCallElement } from './kaleyra-call.js';

/**
 * Registers `<kaleyra-call>`. Importing this module twice, or loading two copies
 * of the bundle, is harmless: the first definition wins.
 */
if (typeof customElements !== 'undefined') KaleyraCallElement.define();

export { KaleyraCallElement };

declare global {
  interface HTMLElementTagNameMap {
    'kaleyra-call': KaleyraCallElement;
  }
}
