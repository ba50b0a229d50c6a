/** What the page's copy of the stand-in shares: its widgets and its tunable timings. */

/** @type {Map<string, import('./widget.js').Widget>} */
export const widgets = new Map();

export const settings = {
  /** How long a token stays valid in the page (siteverify agrees: 300 s). */
  tokenTtlMs: 300_000,
  /** How long an interactive challenge waits for the visitor before `timeout-callback`. */
  interactiveTimeoutMs: 120_000,
};

/**
 * The widget a method argument names: a widget id, its container (element or selector), or
 * nothing for the first widget rendered.
 * @param {unknown} ref
 */
export function findWidget(ref) {
  if (ref === undefined || ref === null) return widgets.values().next().value;
  if (typeof ref === 'string') {
    const byId = widgets.get(ref);
    if (byId) return byId;
    let element;
    try {
      element = document.querySelector(ref);
    } catch {
      return undefined; // not a selector either
    }
    return element ? byElement(element) : undefined;
  }
  return ref instanceof Element ? byElement(ref) : undefined;
}

/** @param {Element} element */
function byElement(element) {
  for (const widget of widgets.values()) {
    if (widget.container === element || widget.iframe === element) return widget;
  }
  return undefined;
}
