import { clock } from '../common/clock.js';
import { KaleyraCallError } from '../common/errors.js';
import type { AuthToken, Token, TokenProvider } from '../common/types.js';
import { entryFor, fromSdk } from './messages.js';

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
    const { code, params } = fromSdk(err, 'token', 'provider_failed');
    const status = (err as { status?: unknown } | undefined)?.status;
    const fatal = typeof status === 'number' && status < 500 && status !== 429;
    throw new KaleyraCallError({ phase: 'token', code, params, fatal });
  }
  return validate({
    access_token: token?.accessToken,
    user_id: token?.userId,
    expires_at: token?.expiresAt,
    app_id: token?.appId,
    region: token?.region,
    environment: token?.environment,
  });
}

export interface EndpointOptions {
  endpoint: string;
  credentials: RequestCredentials;
  authToken?: AuthToken | undefined;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The JSON body: `{}` for a token endpoint, `{turnstile}` for a guest endpoint. */
  body?: object;
}

/** The codes a token endpoint's error body may name (else its status decides). */
const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  404: 'not_found',
  429: 'rate_limited',
  500: 'internal',
  502: 'upstream_error',
  503: 'unavailable',
  504: 'upstream_timeout',
};

/**
 * Fetches a token from the endpoint (docs/architecture.md, Token endpoint
 * contract). Resolves with a validated token or rejects with a
 * KaleyraCallError (or the signal's reason when aborted). Only 429, 5xx and
 * network failures are retried; what cannot heal by itself fails at once, as
 * a configuration error that says what came back: a 404, a redirect (the
 * usual login page), an answer that is not JSON, a 2xx that is not a token.
 */
export async function fetchToken(options: EndpointOptions): Promise<Token> {
  const { endpoint, credentials, authToken, signal, timeoutMs = 15_000, body = {} } = options;
  const url = new URL(endpoint, document.baseURI).href;
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
  let text: string;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      credentials,
      cache: 'no-store',
      redirect: 'manual',
      signal: controller.signal,
    });
    text = await res.text();
  } catch {
    if (signal?.aborted) throw signal.reason;
    // A refused origin (CORS) fails like a network: ask once more, without CORS
    // (docs/architecture.md, Origin refused). A server that answers at all is
    // up, and refuses this page's origin: a setting, not worth retrying.
    if (!controller.signal.aborted && (await answers(url, controller.signal))) {
      throw new KaleyraCallError({
        phase: 'config',
        code: 'origin_not_allowed',
        params: { url, origin: location.origin },
      });
    }
    if (signal?.aborted) throw signal.reason;
    throw new KaleyraCallError({
      phase: 'token',
      code: 'network_error',
      fatal: false,
      params: { url },
    });
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  const { status } = res;
  // A redirect's status is hidden (0): the event says which URL redirected.
  if (res.type === 'opaqueredirect') {
    throw new KaleyraCallError({ phase: 'config', code: 'token_redirect', params: { url } });
  }
  const misconfigured = (code: string, params: Record<string, unknown>) =>
    new KaleyraCallError({ phase: 'config', code, status, params });
  if (status === 404) throw misconfigured('not_found', { url });
  let answer: { error?: { code?: unknown; guest?: Record<string, unknown> } } | undefined;
  try {
    answer = JSON.parse(text);
  } catch {
    // A 5xx is retried whatever its body (a proxy's error page, say).
    if (status < 500) {
      const type = res.headers.get('Content-Type')?.split(';')[0] || 'no content type';
      throw misconfigured('unexpected_response', { url, status, type });
    }
  }
  if (res.ok) return validate(answer);
  // Any 4xx but 429 is final; 429 and 5xx are retried (docs/architecture.md,
  // Status and element reaction). A code outside the contract is reported as
  // its status's, with the server's code in the details.
  const server = answer?.error?.code;
  // A 401 may offer guest access (guest.ts): its endpoint is relative to this one.
  const offer = answer?.error?.guest;
  const guest =
    status === 401 && offer && typeof offer.endpoint === 'string'
      ? { ...offer, endpoint: new URL(offer.endpoint, url).href }
      : undefined;
  const known = typeof server === 'string' && entryFor(server) ? server : undefined;
  const code = known ?? STATUS_CODES[status] ?? (status < 500 ? 'bad_request' : 'internal');
  const retryAfter = Number(res.headers.get('Retry-After') || NaN);
  throw new KaleyraCallError({
    phase: 'token',
    code,
    fatal: status !== 429 && status < 500,
    status,
    retryInMs: retryAfter >= 0 ? retryAfter * 1000 : undefined,
    params: {
      url,
      status,
      server: typeof server === 'string' ? server : '',
      origin: location.origin,
      ...(guest && { guest }),
    },
  });
}

/** Whether `url` answers a request that needs no CORS (its answer is opaque, and unread). */
async function answers(url: string, signal: AbortSignal): Promise<boolean> {
  try {
    await fetch(url, { mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal });
    return true;
  } catch {
    return false;
  }
}

const APP_INFO = {
  app_id: /^[\w-]{1,64}$/,
  region: /^(eu|in|us|me)$/,
  environment: /^(sandbox|production)$/,
};

/**
 * Accepts only a well-formed token: a string access token and user id, a date,
 * and (optional) a well-formed app id, region and environment. Anything else
 * is a configuration error: the endpoint is not a token endpoint of this
 * contract, and asking again will not change that.
 */
export function validate(body: unknown): Token {
  const answer = (body ?? {}) as Record<string, unknown>;
  const { access_token, user_id, expires_at } = answer;
  const expires = Date.parse(expires_at as string);
  const badInfo = Object.entries(APP_INFO).some(
    ([key, shape]) => answer[key] != null && !shape.test(String(answer[key])),
  );
  if (
    typeof access_token !== 'string' ||
    !access_token ||
    typeof user_id !== 'string' ||
    !/^[\w.-]{1,128}$/.test(user_id) ||
    !expires ||
    badInfo
  ) {
    throw new KaleyraCallError({ phase: 'config', code: 'invalid_response', status: 200 });
  }
  const token: Token = {
    accessToken: access_token,
    userId: user_id,
    expiresAt: new Date(expires).toISOString(),
  };
  if (answer.app_id != null) token.appId = answer.app_id as string;
  if (answer.region != null) token.region = answer.region as string;
  if (answer.environment != null) token.environment = answer.environment as string;
  if (typeof answer.guest_token === 'string') {
    token.guestToken = answer.guest_token;
    token.guestExpiresAt = String(answer.guest_expires_at);
  }
  return token;
}
