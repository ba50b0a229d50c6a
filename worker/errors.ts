import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The error codes of the token endpoint contract (docs/architecture.md, Token error body). */
export type ErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'origin_not_allowed'
  | 'forbidden'
  | 'challenge_failed'
  | 'not_found'
  | 'method_not_allowed'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'upstream_error'
  | 'unavailable'
  | 'upstream_timeout';

/** The one JSON shape every failure takes; a 401 may carry the guest offer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; guest?: GuestOffer };
}

/**
 * What a 401 offers when guests are allowed: where to get a guest credential and
 * which challenge proves the visitor is a person (docs/architecture.md, Guest access).
 */
export interface GuestOffer {
  endpoint: string;
  challenge: 'turnstile';
  sitekey: string;
}

/**
 * An expected failure. `message` is shown to the client, so it must be safe:
 * never a vendor's text, a setting's value or a credential.
 */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

export function errorBody(code: ErrorCode, message: string, guest?: GuestOffer): ErrorBody {
  return { error: { code, message, ...(guest && { guest }) } };
}

/**
 * A setting that is missing or wrong. Its message names the setting and the
 * problem for the operator's log, never the value; the client only sees 500.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly setting: string,
    readonly problem: string,
  ) {
    super(`${setting} ${problem}`);
  }
}
