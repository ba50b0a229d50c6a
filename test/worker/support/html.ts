/**
 * Reading the worker's HTML pages in tests, with the Workers runtime's own parser
 * (HTMLRewriter): every element of interest with its attributes as written (still
 * escaped), and the CSP header as a map of directives.
 */

export interface Tag {
  name: string;
  /** Attribute values as written in the HTML (entities not decoded). */
  attributes: Record<string, string>;
}

/** The elements named `names` in `html`, in document order. */
export async function tags(html: string, names: string[]): Promise<Tag[]> {
  const found: Tag[] = [];
  let rewriter = new HTMLRewriter();
  for (const name of names) {
    rewriter = rewriter.on(name, {
      element(element) {
        found.push({ name, attributes: Object.fromEntries(element.attributes) });
      },
    });
  }
  await rewriter.transform(new Response(html)).text();
  return found;
}

/** The text of every element named `name`. */
export async function texts(html: string, name: string): Promise<string[]> {
  const found: string[] = [];
  let current: string | undefined;
  await new HTMLRewriter()
    .on(name, {
      element(element) {
        current = '';
        element.onEndTag(() => {
          found.push(current ?? '');
          current = undefined;
        });
      },
      text(chunk) {
        if (current !== undefined) current += chunk.text;
      },
    })
    .transform(new Response(html))
    .text();
  return found;
}

/** A Content-Security-Policy header: directive → its sources, in order. */
export function cspOf(response: Response): Map<string, string[]> {
  const header = response.headers.get('content-security-policy') ?? '';
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

/** HTML character references back to text (the ones an escaper writes). */
export function unescapeHtml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(\w+));/gi, (whole, dec, hex, name) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return named[name.toLowerCase()] ?? whole;
  });
}
