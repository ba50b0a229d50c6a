import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { parseStrictJson, type JsonBodyError } from './json.js';
import { note } from './log.js';

/**
 * Request bodies, read the same way on every JSON route: `Content-Type:
 * application/json` (415), at most so many bytes (413), then the route's check
 * of the parsed body (400). Requiring a JSON content type also means a
 * cross-origin browser request always needs a CORS preflight: an HTML form or a
 * `text/plain` "simple request" cannot reach the minting code.
 */

/** The token request carries no data: the body is empty or `{}`. */
export const MAX_BODY_BYTES = 1024;
/** A guest request carries a Turnstile token of up to 2048 characters. */
export const MAX_GUEST_BODY_BYTES = 4096;

/**
 * One media type, `application/json`, with a `charset` parameter, if any, of
 * UTF-8 (RFC 8259 §8.1: the body is read as UTF-8 whatever it says). A list of
 * types is refused: two Content-Type lines reach the worker joined by ", ", and
 * no single media type has a comma outside a quoted parameter.
 */
export const requireJson = createMiddleware<AppEnv>(async (c, next) => {
  if (!isJsonType(c.req.header('content-type'))) {
    throw new ApiError(415, 'unsupported_media_type', 'Send Content-Type: application/json.');
  }
  await next();
});

function isJsonType(header: string | undefined): boolean {
  if (header === undefined || header.includes(',')) return false;
  const [essence = '', ...parameters] = header.split(';');
  if (essence.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') return true;
    return ['utf-8', 'utf8'].includes(
      value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase(),
    );
  });
}

const tooLarge = (max: number) =>
  new ApiError(413, 'body_too_large', `The body must be at most ${max} bytes.`);

/**
 * Hono's body limit: refuses a declared Content-Length over the limit without
 * reading, and counts a streamed body without one, stopping at the limit.
 */
function limitTo(max: number) {
  return bodyLimit({
    maxSize: max,
    onError: () => {
      throw tooLarge(max);
    },
  });
}

export const limitBody = limitTo(MAX_BODY_BYTES);
export const limitGuestBody = limitTo(MAX_GUEST_BODY_BYTES);

/** What a route's check makes of the parsed body: `undefined` stands for an empty body. */
type BodyCheck<T> = (body: unknown) => T;
/** The validated body, as Hono's validators hand it on: `c.req.valid('json')`. */
export type ValidJson<T> = { in: { json: T }; out: { json: T } };

const badRequest = (message: string) => new ApiError(400, 'bad_request', message);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** JSON's own whitespace (RFC 8259 §2): a body of nothing else is empty. */
const JSON_BLANK = /^[\t\n\r ]*$/;
const REASONS: Record<JsonBodyError['reason'], string> = {
  syntax: 'body_not_json',
  duplicate_member: 'body_duplicate_member',
  not_well_formed: 'body_not_well_formed',
};

/**
 * A body validator in Hono's validator contract: the checked value is stored
 * with `c.req.addValidatedData('json', …)` and later steps read it with
 * `c.req.valid('json')`. The body is read strictly before `check` sees it:
 *
 * - at most `max` bytes, counted again after reading (an understated
 *   Content-Length must not smuggle more);
 * - UTF-8: bytes that are not are refused, never replaced with U+FFFD;
 * - JSON text exactly: a byte order mark (RFC 8259 §8.1: never sent) or a
 *   no-break space around it is refused, not stripped;
 * - no member name twice and no lone surrogate (json.ts): 400, saying so for a
 *   duplicate, before any upstream call.
 *
 * Not `validator('json', …)` of hono/validator, which does not fit: it parses
 * with JSON.parse before the check runs, so a duplicated member is already gone
 * (and the text it decoded has lost its byte order mark and had bad UTF-8
 * replaced); it answers an empty body, which the token route accepts, with its
 * own 400 and message; and for a media type it does not know, it skips the check
 * (the value is `{}`) rather than refusing.
 */
export function jsonBody<T extends object>(
  max: number,
  message: string,
  check: BodyCheck<T>,
): MiddlewareHandler<AppEnv, string, ValidJson<T>> {
  return async (c, next) => {
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > max) throw tooLarge(max);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      note(c, { reason: 'body_not_utf8' });
      throw badRequest(message);
    }
    let body: unknown;
    if (!JSON_BLANK.test(text)) {
      try {
        body = parseStrictJson(text);
      } catch (err) {
        const { reason } = err as JsonBodyError;
        note(c, { reason: REASONS[reason] });
        throw badRequest(
          reason === 'duplicate_member' ? 'The body names a member more than once.' : message,
        );
      }
    }
    c.req.addValidatedData('json', check(body));
    await next();
  };
}

const EMPTY = 'The body must be empty or {}.';

/** POST /v1/token: the body is empty or `{}`; a user id in it is refused by name. */
export const emptyBody = jsonBody(MAX_BODY_BYTES, EMPTY, (body): Record<string, never> => {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(EMPTY);
  const keys = Object.keys(body);
  if (keys.some((k) => /^user_?id$/i.test(k))) {
    throw badRequest('The body must not carry a user id: the signed-in identity decides it.');
  }
  if (keys.length > 0) throw badRequest(EMPTY);
  return {};
});
