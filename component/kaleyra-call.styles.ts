import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    font-family: var(--kaleyra-call-font-family, inherit);
    color: var(--kaleyra-call-color, inherit);
  }
  :host([hidden]),
  :host([headless]) {
    display: none;
  }
  [part='launcher'] {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    min-height: 44px;
    padding: var(--kaleyra-call-padding, 0.6em 1.2em);
    border: 0;
    border-radius: var(--kaleyra-call-radius, 999px);
    background: var(--kaleyra-call-accent, #0b5cad);
    color: var(--kaleyra-call-accent-contrast, #fff);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  [part='launcher']:hover {
    filter: brightness(1.1);
  }
  [part='launcher']:focus-visible,
  [part='retry']:focus-visible {
    outline: var(--kaleyra-call-focus-ring, 3px solid #ffbf47);
    outline-offset: 2px;
  }
  [part='launcher'][aria-busy='true'] {
    cursor: progress;
  }
  [part='status'] {
    margin-inline-start: 0.5em;
    font-size: 0.875em;
  }
  [part='error'] {
    display: block;
    max-width: 40em;
    padding: 0.75em 1em;
    border-radius: var(--kaleyra-call-radius-error, 6px);
    background: var(--kaleyra-call-error-background, #fdecea);
    color: var(--kaleyra-call-error-color, #7a1c14);
    border: 1px solid var(--kaleyra-call-error-border, #e0a39d);
  }
  [part='retry'] {
    margin-top: 0.5em;
    min-height: 32px;
    padding: 0.3em 1em;
    border: 1px solid currentColor;
    border-radius: 4px;
    background: transparent;
    color: inherit;
    font: inherit;
    cursor: pointer;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
