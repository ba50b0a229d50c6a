/**
 * The inline error of the element, for the runtime's driver
 * (driver.ts): the visitor's sentence, a collapsed "Details" with the
 * cause, the fix and the code for the editor or developer, and "Try again"
 * where trying again can help. It is the runtime's, since only the runtime
 * can word a failure (messages.ts); until it is there the element says in its
 * status line that the call is unavailable. Built node by node, no innerHTML,
 * so pages that enforce Trusted Types work; styled by a constructed sheet of
 * its own in the element's shadow root.
 */

/** The parts of the inline error. */
export type ErrorView = Record<
  'box' | 'text' | 'summary' | 'detail' | 'code' | 'retry' | 'open',
  HTMLElement
>;

const CSS = minified(`
  [part='error'] {
    display: block;
    max-width: 40em;
    padding: 0.75em 1em;
    border-radius: var(--kaleyra-call-radius-error, 6px);
    background: var(--kaleyra-call-error-background, #fdecea);
    color: var(--kaleyra-call-error-color, #7a1c14);
    border: 1px solid var(--kaleyra-call-error-border, #e0a39d);
  }
  details {
    margin-top: 0.4em;
    font-size: 0.9em;
  }
  summary {
    cursor: pointer;
  }
  details span,
  code {
    display: block;
    margin-top: 0.3em;
  }
  [part='retry'],
  [part='open'] {
    margin-top: 0.5em;
    padding: 0.3em 1em;
    border: 1px solid;
    border-radius: 4px;
    background: none;
  }
`);

/**
 * Adds the inline error, hidden, at the start of `root`; `retry` runs on "Try
 * again", `open` on "Open in a new window".
 */
export function errorView(root: ShadowRoot, retry: () => void, open: () => void): ErrorView {
  const add = (tag: string, parent: Node, part?: string) => {
    const node = parent.appendChild(document.createElement(tag));
    if (part) node.setAttribute('part', part);
    return node;
  };
  const box = document.createElement('div');
  box.setAttribute('part', 'error');
  box.setAttribute('role', 'alert');
  box.hidden = true;
  const text = add('span', box);
  const details = add('details', box, 'details');
  const view = {
    box,
    text,
    summary: add('summary', details),
    detail: add('span', details),
    code: add('code', details),
    retry: add('button', box, 'retry'),
    open: add('button', box, 'open'),
  };
  view.retry.setAttribute('type', 'button');
  view.retry.onclick = retry;
  view.open.setAttribute('type', 'button');
  view.open.onclick = open;
  root.prepend(box);
  // Made at the first use, not at import: importing the module touches no DOM (SSR).
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  return view;
}

let sheet: CSSStyleSheet | undefined;

/** `text`, marked for rollup.config.mjs, which minifies the CSS of the literal. */
function minified(text: string): string {
  return text;
}
