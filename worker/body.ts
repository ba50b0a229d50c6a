import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

/**
 * The token request carries no data: the body is empty or `{}`. Requiring a JSON
 * content type also means a cross-origin browser request always needs a CORS
 * preflight: an HTML form or a `text/plain` "simple request" cannot reach the
 * minting code.
 */
export const MAX_BODY_BYTES = 1024;

export const requireJson = createMiddleware<AppEnv>(async (c, next) => {
  if (!isJsonType(c.req.header('content-type'))) {
    throw new ApiError(415, 'unsupported_media_type', 'Send Content-Type: application/json.');
  }
  await next();
});

/**
 * One media type, `application/json`, with a `charset` parameter, if any, of
 * UTF-8 (RFC 8259 §8.1: the body is read as UTF-8 whatever it says). A list of
 * types is refused: two Content-Type lines reach the worker joined by ", ", and
 * no single media type has a comma outside a quoted parameter.
 */
function isJsonType(header: string | undefined): boolean {
  if (header === undefined || header.includes(',')) return false;
  const [essence = '', ...parameters] = header.split(';');
  if (essence.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((parameter) => {
    const [name = '', value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') return true;
    return ['utf-8', 'utf8'].includes(value.trim().replace(/^"(.*)"$/, '$1').toLowerCase());
  });
}

/** A guest request carries a Turnstile token of up to 2048 characters. */
export const MAX_GUEST_BODY_BYTES = 4096;

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

/** The body as text, measured again after reading: it must not outgrow an understated Content-Length. */
export async function bodyText(c: Context<AppEnv>, max: number): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > max) throw tooLarge(max);
  return new TextDecoder().decode(bytes).trim();
}

export const requireEmptyObject = createMiddleware<AppEnv>(async (c, next) => {
  const text = await bodyText(c, MAX_BODY_BYTES);
  if (text !== '') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'bad_request', 'The body must be empty or {}.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError(400, 'bad_request', 'The body must be empty or {}.');
    }
    const keys = Object.keys(body);
    if (keys.some((k) => /^user_?id$/i.test(k))) {
      throw new ApiError(
        400,
        'bad_request',
        'The body must not carry a user id: the signed-in identity decides it.',
      );
    }
    if (keys.length > 0) throw new ApiError(400, 'bad_request', 'The body must be empty or {}.');
  }
  await next();
});
