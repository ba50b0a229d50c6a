import type { KaleyraCallElement } from '../kaleyra-call.js';

/**
 * Places one `<kaleyra-call>` in `target` (an element, or a selector for one)
 * and returns it, synchronously; a second call for the same target returns
 * the same element, with `attributes` applied again. `attributes` are the
 * element's attributes by their names (`{ 'call-with': 'dr_rossi', placement:
 * 'floating' }`), `true`/`false` for boolean ones. For tag managers and
 * scripts: `KaleyraCall.mount(document.body, { placement: 'floating' })`.
 */
export function mount(
  target: Element | string,
  attributes: Record<string, string | boolean> = {},
): KaleyraCallElement {
  const host = typeof target === 'string' ? document.querySelector(target) : target;
  if (!host) throw new TypeError(`mount(): no ${target}`);
  const element = childElement(host);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : value);
  }
  return element;
}

/** The `<kaleyra-call>` that is a child of `host`, placed there first if there is none. */
export function childElement(host: Element): KaleyraCallElement {
  return (
    host.querySelector<KaleyraCallElement>(':scope>kaleyra-call') ??
    host.appendChild(document.createElement('kaleyra-call'))
  );
}
