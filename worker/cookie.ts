/**
 * Every value of the cookie `name` in a `Cookie` header, in order, read as RFC
 * 6265 (§4.2.1, §5.4) defines the header: pairs separated by `;` (browsers send
 * `"; "`), each `name=value`, the name and the value trimmed of spaces and tabs,
 * the name compared exactly (case-sensitive), a value in double quotes unquoted.
 *
 * A comma is no separator. Browsers accept one inside a cookie value, so
 * `pref=1,site_jwt=<JWT>` is one cookie named `pref`; reading it as two would
 * let whoever can set any cookie for the host (a sibling subdomain) plant the
 * credential, or plant it twice and get every request refused. The same holds
 * for two `Cookie` header lines, which reach the worker joined by `", "`: the
 * second line reads as the tail of the first line's last value, never as cookies
 * of its own (browsers never send two lines: RFC 6265 §5.4 forbids it, and
 * HTTP/2 cookie crumbs are joined with `"; "` before the worker, RFC 9113 §8.2.3).
 *
 * A pair without `=` is a cookie without a name (RFC 6265bis): never `name`.
 *
 * Not Hono's `getCookie`/`parse` (hono/cookie): it keeps only the first of two
 * cookies of one name, so a planted duplicate could never be seen and refused;
 * it silently drops a value with characters outside RFC 6265's cookie-octet, so a
 * duplicate with such a value would not be counted either; and it percent-decodes
 * values, which RFC 6265 does not.
 */
export function cookieValues(header: string, name: string): string[] {
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || trim(pair.slice(0, eq)) !== name) continue;
    const value = trim(pair.slice(eq + 1));
    values.push(
      value.length >= 2 && value.startsWith('"') && value.endsWith('"')
        ? value.slice(1, -1)
        : value,
    );
  }
  return values;
}

/** RFC 6265's whitespace around names and values: spaces and tabs only. */
function trim(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}
