import { unsafeCSS } from '@lit/reactive-element';

// A constant literal, nothing interpolated, so nothing "unsafe": unsafeCSS
// rather than Lit's css tag only because the tag brings its interpolation
// checks (and their error text) into the CDN bundle.
export const styles = unsafeCSS(`
  :host {
    display: inline-block;
    font-family: var(--kaleyra-call-font-family, inherit);
    color: var(--kaleyra-call-color, inherit);
  }
  :host([hidden]),
  :host([headless]),
  [hidden] {
    display: none !important;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  [part=launcher] {
    min-height: 44px;
    padding: var(--kaleyra-call-padding, 0.6em 1.2em);
    border: 0;
    border-radius: var(--kaleyra-call-radius, 99px);
    background: var(--kaleyra-call-accent, #0b5cad);
    color: var(--kaleyra-call-accent-contrast, #fff);
    font-weight: 600;
  }
  /* Two bands, so the ring stands out at least 3:1 against the launcher and
     against a white or a black page: white next to the button, near-black outside. */
  :focus-visible {
    outline: var(--kaleyra-call-focus-ring, 2px solid #fff);
    box-shadow: 0 0 0 4px var(--kaleyra-call-focus-ring-outer, #111);
  }
  [part=status] {
    margin-inline-start: 0.5em;
    font-size: 0.9em;
  }
  /* Fixed in the bottom corner of the inline end (the left one on a right-to-left
     page), clear of rounded corners and notches on either side, above the page. */
  :host([placement=floating]) {
    position: fixed;
    z-index: 2147483000;
    bottom: calc(20px + env(safe-area-inset-bottom));
    inset-inline-end: calc(20px + max(env(safe-area-inset-left), env(safe-area-inset-right)));
  }
  /* The inline error's styles are the runtime's (error-view.ts). */
`);
