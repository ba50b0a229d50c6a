import { clock } from './clock.js';
import { KaleyraCallError } from './errors.js';

/** A Kaleyra access token and whom it is for. */
export interface Token {
  accessToken: string;
  userId: string;
  /** ISO date. */
  expiresAt: string;
}

export type TokenProvider = () => Promise<Token>;
export type AuthToken = string | (() => Promise<string> | string);

export interface EndpointOptions {
  endpoint: string;
  credentials: RequestCredentials;
  authToken?: AuthToken | undefined;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A token request that failed, classified by SPEC §2. */
export class TokenError extends KaleyraCallError {
  constructor(
    code: string,
    message: string,
    status: number | undefined,
    /** Retried with backoff by the element. */
    readonly retryable: boolean,
    /** From `Retry-After`, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super('token', code, message, !retryable, status);
  }
}

const USER_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Fetches a token from the endpoint of SPEC §2. Resolves with a validated token
 * or rejects with a TokenError (or the signal's reason when aborted).
 */
export async function fetchToken(options: EndpointOptions): Promise<Token> {
  const { endpoint, credentials, authToken, signal, timeoutMs = 15_000 } = options;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
  const bearer = typeof authToken === 'function' ? await authToken() : authToken;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  // One controller for the caller's abort and our timeout (no AbortSignal.any:
  // it is too new for some of the browsers the SDK supports).
  const controller = new AbortController();
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let res: Response;
  let body: unknown;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: '{}',
      credentials,
      cache: 'no-store',
      signal: controller.signal,
    });
    body = await res.json().catch(() => undefined);
  } catch {
    if (signal?.aborted) throw signal.reason;
    throw new TokenError(
      timedOut ? 'timeout' : 'network_error',
      timedOut
        ? 'The token endpoint did not answer in time.'
        : 'The token endpoint could not be reached.',
      undefined,
      true,
    );
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (!res.ok) throw classify(res, body);
  return validate(body);
}

/** Maps a failed response to the element's reaction (SPEC §2 table). */
export function classify(res: Response, body: unknown): TokenError {
  const { status } = res;
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code =
    typeof error?.code === 'string' && /^[a-z_]{1,64}$/.test(error.code)
      ? error.code
      : status >= 500
        ? 'internal'
        : 'bad_request';
  const message =
    typeof error?.message === 'string' && error.message.length < 300
      ? error.message
      : `The token endpoint answered ${status}.`;
  const retryAfterMs = parseRetryAfter(res.headers.get('Retry-After'));
  const retryable = status === 429 || status >= 500;
  return new TokenError(code, message, status, retryable, retryAfterMs);
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Accepts only a well-formed token; anything else is an endpoint bug (retryable like a 502). */
export function validate(body: unknown): Token {
  const b = (body ?? {}) as { access_token?: unknown; user_id?: unknown; expires_at?: unknown };
  const expires = typeof b.expires_at === 'string' ? Date.parse(b.expires_at) : NaN;
  if (
    typeof b.access_token !== 'string' ||
    !b.access_token ||
    typeof b.user_id !== 'string' ||
    !USER_ID.test(b.user_id) ||
    Number.isNaN(expires)
  ) {
    throw new TokenError(
      'invalid_response',
      'The token endpoint answered with an unexpected body.',
      200,
      true,
    );
  }
  return {
    accessToken: b.access_token,
    userId: b.user_id,
    expiresAt: new Date(expires).toISOString(),
  };
}

/** Checks what a `tokenProvider` resolved with. */
export function validateProvided(token: unknown): Token {
  const t = (token ?? {}) as Partial<Token>;
  return validate({ access_token: t.accessToken, user_id: t.userId, expires_at: t.expiresAt });
}
