import { clock } from './clock.js';
import { KaleyraCallError, fromSdk } from './errors.js';

/** A Kaleyra access token and whom it is for. */
export interface Token {
  accessToken: string;
  userId: string;
  /** ISO date. */
  expiresAt: string;
}

export type TokenProvider = () => Promise<Token>;
export type AuthToken = string | (() => Promise<string> | string);

/**
 * Where an element gets its tokens: a `tokenProvider` function of the page, or
 * else the token endpoint. A session is shared only by elements whose sources
 * have the same `sourceKey`.
 */
export interface TokenSource {
  endpoint?: string | undefined;
  credentials: RequestCredentials;
  authToken?: AuthToken | undefined;
  provider?: TokenProvider | undefined;
}

const providerIds = new WeakMap<object, number>();

/** Identifies a token source: the provider function itself, or the endpoint URL and mode. */
export function sourceKey({ provider, endpoint, credentials }: TokenSource): string | number {
  if (!provider) return `${new URL(endpoint!, document.baseURI).href} ${credentials}`;
  if (!providerIds.has(provider)) providerIds.set(provider, Math.random());
  return providerIds.get(provider)!;
}

/** One attempt at a token from `source`; retries are the session's business. */
export function requestToken(source: TokenSource, signal: AbortSignal): Promise<Token> {
  const { provider, endpoint, credentials, authToken } = source;
  return provider
    ? fromProvider(provider)
    : fetchToken({ endpoint: endpoint!, credentials, authToken, signal });
}

/**
 * A page's `tokenProvider`, adapted: its answer is validated like an endpoint's,
 * and its failure is retried like a network error unless it carries a 4xx
 * `status` other than 429.
 */
async function fromProvider(provider: TokenProvider): Promise<Token> {
  let token: Partial<Token>;
  try {
    token = await provider();
  } catch (err) {
    const error = fromSdk(err, 'token', 'provider_failed');
    const status = (err as { status?: unknown } | undefined)?.status;
    const fatal = typeof status === 'number' && status < 500 && status !== 429;
    throw new KaleyraCallError('token', error.code, error.message, fatal, error.status);
  }
  return validate({
    access_token: token?.accessToken,
    user_id: token?.userId,
    expires_at: token?.expiresAt,
  });
}

export interface EndpointOptions {
  endpoint: string;
  credentials: RequestCredentials;
  authToken?: AuthToken | undefined;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A token failure; `fatal: false` ones are retried with backoff (docs/architecture.md, Status and element reaction). */
const tokenError = (
  code: string,
  message: string,
  retryable: boolean,
  status?: number,
  retryAfterMs?: number,
) => new KaleyraCallError('token', code, message, !retryable, status, retryAfterMs);

/**
 * Fetches a token from the endpoint of docs/architecture.md, Token endpoint contract. Resolves with a validated token
 * or rejects with a KaleyraCallError (or the signal's reason when aborted).
 */
export async function fetchToken(options: EndpointOptions): Promise<Token> {
  const { endpoint, credentials, authToken, signal, timeoutMs = 15_000 } = options;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
  const bearer = typeof authToken === 'function' ? await authToken() : authToken;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  // Superseded while the bearer was being obtained (or before): send nothing.
  if (signal?.aborted) throw signal.reason;
  // One controller for the caller's abort and our timeout (AbortSignal.any is
  // too new for some of the browsers the SDK supports).
  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort);
  let res: Response;
  let body: { error?: { code?: unknown; message?: unknown } } | undefined;
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
    throw tokenError('network_error', 'The token endpoint could not be reached.', true);
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  if (res.ok) return validate(body);
  // Any 4xx but 429 is final; 429 and 5xx are retried (docs/architecture.md, Status and element reaction).
  const { status } = res;
  const { code, message } = body?.error ?? {};
  const retryAfter = Number(res.headers.get('Retry-After') || NaN);
  return Promise.reject(
    tokenError(
      typeof code === 'string' ? code : status < 500 ? 'bad_request' : 'internal',
      typeof message === 'string' ? message : `The token endpoint answered ${status}.`,
      status === 429 || status > 499,
      status,
      retryAfter >= 0 ? retryAfter * 1000 : undefined,
    ),
  );
}

/** Accepts only a well-formed token; anything else is an endpoint bug (retried like a 502). */
export function validate(body: unknown): Token {
  const { access_token, user_id, expires_at } = (body ?? {}) as Record<string, unknown>;
  const expires = Date.parse(expires_at as string);
  if (
    typeof access_token !== 'string' ||
    !access_token ||
    typeof user_id !== 'string' ||
    !/^[\w.-]{1,128}$/.test(user_id) ||
    !expires
  ) {
    throw tokenError(
      'invalid_response',
      'The token endpoint answered with an unexpected body.',
      true,
      200,
    );
  }
  return {
    accessToken: access_token,
    userId: user_id,
    expiresAt: new Date(expires).toISOString(),
  };
}
