import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from './support/harness';
import { cspOf, tags, unescapeHtml } from './support/html';

/**
 * Hostile queries against the call page: markup, quotes, entities, scripts, control
 * characters and any Unicode in every parameter, repeated parameters, parameters of
 * other names. Whatever arrives, nothing of the request reaches the HTML except the
 * one target, escaped, in the element's attribute:
 * - a 404 page is byte for byte the 404 page of its language (nonce aside);
 * - a page is byte for byte the page of its language and target kind once the
 *   target attribute's value is set aside, and that value, unescaped, is the target
 *   the query named (a room link as the URL parser spells it), with no raw `<`, `>`,
 *   `"`, `'` or `&` left in it.
 */
const JOIN_HOST = 'video.example.com';
const t = setup({
  KALEYRA_APP_ID: 'wAppId_property',
  CALL_PAGE_TARGETS: 'a*,b*,c*,dr_rossi',
  CALL_PAGE_JOIN_HOSTS: JOIN_HOST,
});

const HOSTILE = [
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '&quot;&#34;&lt;',
  'javascript:alert(1)',
  '</kaleyra-call><script>x</script>',
  '\u2028\u2029',
  '\u0000\r\n',
  '${7*7}{{7*7}}',
  'dr_rossi" onmouseover="x',
];
const text = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.stringMatching(/^[a-c][A-Za-z0-9._-]{0,12}$/),
);
const value = fc.oneof(
  { weight: 3, arbitrary: text },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(`https://${JOIN_HOST}/`, `https://${JOIN_HOST}/r?x=`), text)
      .map(([base, rest]) => base + rest),
  },
  { weight: 1, arbitrary: fc.constantFrom('it', 'es', 'en-GB', 'fr') },
);
const name = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('with', 'chat', 'join', 'lang') },
  { weight: 1, arbitrary: text },
);
/** One target the page accepts (a room link with anything after its host), and more parameters. */
const accepted = fc.tuple(
  fc.oneof(
    fc.tuple(fc.constantFrom('with', 'chat'), fc.stringMatching(/^[a-c][A-Za-z0-9._-]{0,12}$/)),
    fc.tuple(
      fc.constant('join'),
      fc
        .tuple(fc.constantFrom('/', '/r?x=', '/r#'), text)
        .map(([a, b]) => `https://${JOIN_HOST}${a}${b}`),
    ),
  ),
  fc.array(
    fc.tuple(
      text.filter((n) => !['with', 'chat', 'join', 'lang'].includes(n)),
      text,
    ),
    { maxLength: 3 },
  ),
  fc.option(fc.constantFrom('it', 'es', 'es-419', 'fr', 'EN')),
);
const query = fc.oneof(
  fc.array(fc.tuple(name, value), { maxLength: 4 }),
  accepted.map(([target, others, lang]) => [
    target,
    ...others,
    ...(lang === null ? [] : [['lang', lang] as [string, string]]),
  ]),
);

const TARGET = / (call-with|chat-with|join-url)="([^"]*)"/;

/** The answer's HTML with its nonce, and a page's target value, set aside. */
async function shape(res: Response): Promise<{ html: string; target?: [string, string] }> {
  const nonce = (cspOf(res).get('style-src') ?? [])[0]?.slice("'nonce-".length, -1) ?? '';
  expect(nonce).not.toBe('');
  const html = (await res.text()).replaceAll(nonce, 'NONCE');
  const match = TARGET.exec(html);
  if (!match) return { html };
  return { html: html.replace(TARGET, ` $1="TARGET"`), target: [match[1]!, match[2]!] };
}

/** What the page is for each language (and target kind): a reference answer. */
async function reference(path: string): Promise<string> {
  return (await shape(await t.fetch(path))).html;
}

describe('call page: no parameter reaches the HTML but the escaped target', () => {
  it('holds for any query', async () => {
    const refs = new Map<string, string>();
    for (const lang of ['en', 'it', 'es']) {
      refs.set(`404 ${lang}`, await reference(`/call?lang=${lang}`));
      refs.set(`call-with ${lang}`, await reference(`/call?with=dr_rossi&lang=${lang}`));
      refs.set(`chat-with ${lang}`, await reference(`/call?chat=dr_rossi&lang=${lang}`));
      refs.set(
        `join-url ${lang}`,
        await reference(`/call?join=https://${JOIN_HOST}/r&lang=${lang}`),
      );
    }
    await fc.assert(
      fc.asyncProperty(query, async (pairs) => {
        const search = new URLSearchParams(pairs).toString();
        const res = await t.fetch(`/call?${search}`);
        expect([200, 404]).toContain(res.status);
        const language = (await tags(await res.clone().text(), ['html']))[0]?.attributes.lang;
        const { html, target } = await shape(res);
        if (res.status === 404) {
          expect(html).toBe(refs.get(`404 ${language}`));
          return;
        }
        const [attribute, written] = target!;
        expect(html).toBe(refs.get(`${attribute} ${language}`));
        expect(written.replace(/&#\d+;/g, '')).not.toMatch(/[<>"'&]/);
        const given = new URLSearchParams(search).get(
          { 'call-with': 'with', 'chat-with': 'chat', 'join-url': 'join' }[attribute]!,
        )!;
        const expected = attribute === 'join-url' ? new URL(given).href : given;
        expect(unescapeHtml(written)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
