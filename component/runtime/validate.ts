/**
 * The element's own checks of its attributes (docs/architecture.md, Attribute
 * checks), run by its driver when the runtime has loaded and at every change
 * after: before any token request, SDK run or challenge. A problem is shown in
 * the element for the editor and reported as an error of phase `config`.
 */
import { attributeOf, type AttributeName } from '../common/attributes.js';
import { VALUES } from '../common/values.js';

/** The checks of an attribute (messages.ts explains each). */
export type ProblemCode =
  | 'missing_attribute'
  | 'invalid_attribute'
  | 'malformed_url'
  | 'insecure_url'
  | 'invalid_app_id'
  | 'api_key_in_page';

/** What is wrong with an attribute: `code` names the check. */
export interface ConfigProblem {
  code: ProblemCode;
  attribute: string;
  value?: string;
  allowed?: string;
}

export const words = (value = ''): string[] => value.split(/\s+/).filter(Boolean);

/** URL attributes: parsed against the page, and not `http:` on an `https:` page (mixed content). */
const URLS: AttributeName[] = ['tokenEndpoint', 'sdkSrc', 'challengeSrc', 'callPage'];
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/**
 * The first problem of `values`, in the order an editor should fix them: the
 * `required` ones, the app id's shape, the URLs, then values outside their
 * attribute's list.
 */
export function validateConfig(
  values: { readonly [K in AttributeName]?: unknown },
  required: AttributeName[],
  page: string = document.baseURI,
): ConfigProblem | undefined {
  for (const name of required) {
    if (!String(values[name] ?? '').trim()) {
      return { code: 'missing_attribute', attribute: attributeOf(name) };
    }
  }
  const appId = values.appId;
  if (typeof appId === 'string' && appId) {
    // A secret pasted into a public page is worth its own warning.
    if (/^ak_/i.test(appId)) return { code: 'api_key_in_page', attribute: 'app-id' };
    if (!/^wAppId_[\w-]+$/.test(appId)) {
      return { code: 'invalid_app_id', attribute: 'app-id', value: appId };
    }
  }
  for (const name of URLS) {
    const value = values[name];
    if (typeof value !== 'string' || !value) continue;
    const problem = { attribute: attributeOf(name), value };
    let url: URL;
    try {
      url = new URL(value, page);
    } catch {
      return { code: 'malformed_url', ...problem };
    }
    if (!/^https?:$/.test(url.protocol)) return { code: 'malformed_url', ...problem };
    if (url.protocol === 'http:' && page.startsWith('https:') && !LOOPBACK.test(url.hostname)) {
      return { code: 'insecure_url', ...problem };
    }
  }
  for (const [name, spec] of Object.entries(VALUES) as [
    AttributeName,
    { values: string; list?: true },
  ][]) {
    const value = values[name];
    if (typeof value !== 'string') continue;
    const allowed = words(spec.values);
    const bad = (spec.list ? words(value) : value ? [value] : []).find((v) => !allowed.includes(v));
    if (bad !== undefined) {
      return {
        code: 'invalid_attribute',
        attribute: attributeOf(name),
        value: bad,
        allowed: allowed.join(', '),
      };
    }
  }
  return undefined;
}
