/**
 * What a page says to every element (docs/architecture.md, Host pages): the
 * `data-*` attributes of the script that loaded the bundle are defaults for
 * every element on the page that does not set that attribute itself (the site
 * owner sets the endpoint once; editors place bare tags or markers), and its
 * nonce is the one each script and hint of the element carries.
 */
import { ATTRIBUTES, attributeOf, type AttributeName } from '../common/attributes.js';
import { keepNonce } from '../common/scripts.js';

const defaults: Partial<Record<AttributeName, unknown>> = {};

/**
 * The attributes `source` gives as `data-` plus an attribute's name: strings,
 * and for a boolean attribute `true` (present) or `false` (`"false"`).
 * `installer` false leaves out what only whoever installs the element may set.
 */
export function fromData(source: Element, installer: boolean): [AttributeName, string | boolean][] {
  const found: [AttributeName, string | boolean][] = [];
  for (const [name, spec] of Object.entries(ATTRIBUTES) as [AttributeName, object][]) {
    const value = source.getAttribute(`data-${attributeOf(name)}`);
    if (value === null || (!installer && 'installer' in spec)) continue;
    found.push([name, 'type' in spec ? value !== 'false' : value]);
  }
  return found;
}

/**
 * Reads the script element that is running the bundle (the classic script's
 * `currentScript`, or the module script whose URL is `src`): call it while
 * the bundle runs.
 */
export function readLoadingScript(src: string): void {
  const own =
    (document.currentScript as HTMLScriptElement | null) ??
    [...document.scripts].find((script) => script.src === src);
  keepNonce(own);
  if (own) for (const [name, value] of fromData(own, true)) defaults[name] = value;
}

/** The page's default for the property `name`, else the attribute table's. */
export const defaultOf = (name: AttributeName): unknown =>
  defaults[name] ?? (ATTRIBUTES[name] as { default?: unknown }).default;
