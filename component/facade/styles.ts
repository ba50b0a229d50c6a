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
  /* Announced to screen readers, not shown. */
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  [part='launcher'] {
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
    outline-offset: 0;
    box-shadow: 0 0 0 4px var(--kaleyra-call-focus-ring-outer, #111);
  }
  [part='status'] {
    margin-inline-start: 0.5em;
    font-size: 0.9em;
  }
  /* The inline error's styles are the runtime's (error-view.ts). */
`);
