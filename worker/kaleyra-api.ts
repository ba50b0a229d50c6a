import { BodyTooLargeError, readBounded } from './bounded.js';
import { ApiError } from './errors.js';

/**
 * The calls to Kaleyra, each a POST with the secret `apikey` header: minting,
 * `POST {base}/sdk/credentials` (docs/kaleyra-sdk-notes.md, REST: minting tokens),
 * and creating a guest user, `POST {base}/users`. Every failure becomes a 502,
 * 503 or 504 with our own words; Kaleyra's text never reaches the client.
 *
 * - Each attempt has 5 s, response body included, then 504 `upstream_timeout`.
 *   A timeout is not retried: a second 5 s would keep the page waiting longer
 *   than the element's own retry with backoff.
 * - A network error or a 500, 502, 503 or 504 is retried once after a short
 *   random pause (so isolates that failed together do not retry together).
 *   500 is included: for a token mint it is as likely to be transient.
 * - 429 becomes 503 `unavailable` with Kaleyra's Retry-After when it gave one.
 * - Success is 200 or 201 (Kaleyra's samples only check for "2xx"). Any other
 *   status, a redirect (never followed: it would carry the API key elsewhere),
 *   or a success whose body is not an unexpired token for this very user
 *   becomes 502 `upstream_error`, without retry.
 * - The answer is bounded and plausible: a body over 64 KiB is not read further
 *   (502), and `expires_at` must lie within a minute of now plus the lifetime
 *   asked for (502 otherwise): a token "valid until 9999" would be cached and
 *   served for ever, one valid for 5 s would make every page refresh at once.
 */
export const UPSTREAM_TIMEOUT_MS = 5000;
const RETRY_STATUSES = new Set([500, 502, 503, 504]);
const RETRY_PAUSE_MS = [100, 400] as const;
const MAX_RETRY_AFTER_SECONDS = 3600;
export const MAX_ANSWER_BYTES = 64 * 1024;
/** How far `expires_at` may stray from now + expires_in: clock skew and network time. */
const EXPIRY_TOLERANCE_MS = 60_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export interface KaleyraToken {
  accessToken: string;
  /** ISO 8601, normalised to UTC with milliseconds. */
  expiresAt: string;
  userId: string;
}

export interface MintRequest {
  apiBase: string;
  apiKey: string;
  userId: string;
  expiresIn: number;
}

export interface Minted {
  token: KaleyraToken;
  upstreamStatus: number;
  attempts: number;
}

/** A failed mint, with what the log needs to know about it. */
export class UpstreamError extends ApiError {
  constructor(
    status: 502 | 503 | 504,
    readonly upstreamStatus: number | 'timeout' | 'network' | 'invalid_response',
    readonly attempts: number,
    headers: Record<string, string> = {},
  ) {
    super(
      status,
      status === 504 ? 'upstream_timeout' : status === 503 ? 'unavailable' : 'upstream_error',
      status === 504
        ? 'Kaleyra did not answer in time.'
        : status === 503
          ? 'Kaleyra is busy; try again later.'
          : 'Kaleyra could not issue a token.',
      headers,
    );
  }
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: UpstreamError; retry: boolean };

export async function mintKaleyraToken(request: MintRequest): Promise<Minted> {
  return withOneRetry((attempts) => mintOnce(request, attempts));
}

export interface UserRequest {
  apiBase: string;
  apiKey: string;
  userId: string;
}

export interface CreatedUser {
  /** false when Kaleyra already had the id (its 409), which counts as success. */
  created: boolean;
  upstreamStatus: number;
  attempts: number;
}

/**
 * `POST {base}/users` `{ id, role: "basic" }` (docs/kaleyra-sdk-notes.md, Users):
 * a guest is a `basic` user. Success is 200 or 201, and 409 ("already exists")
 * too, so a retry after a lost answer is harmless. Failures, timeouts and
 * retries follow the same rules as minting; the answer's body is not needed.
 */
export async function createKaleyraUser(request: UserRequest): Promise<CreatedUser> {
  return withOneRetry(async (attempts) => {
    const sent = await send(request, '/users', { id: request.userId, role: 'basic' }, attempts);
    if (!sent.ok) return sent;
    const { status } = sent.value;
    await sent.value.body?.cancel().catch(() => {});
    if (status === 200 || status === 201 || status === 409) {
      return { ok: true, value: { created: status !== 409, upstreamStatus: status, attempts } };
    }
    return refused(sent.value, attempts);
  });
}

async function withOneRetry<T>(once: (attempts: number) => Promise<Attempt<T>>): Promise<T> {
  const first = await once(1);
  if (first.ok) return first.value;
  if (!first.retry) throw first.error;
  const [min, max] = RETRY_PAUSE_MS;
  await new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)));
  const second = await once(2);
  if (second.ok) return second.value;
  throw second.error;
}

function fail(
  attempts: number,
  status: 502 | 503 | 504,
  upstream: UpstreamError['upstreamStatus'],
  retry = false,
  headers?: Record<string, string>,
): { ok: false; error: UpstreamError; retry: boolean } {
  return { ok: false, error: new UpstreamError(status, upstream, attempts, headers), retry };
}

/** An answer that is not a success: 429 → 503 (with Retry-After), else 502, retried on 5xx. */
function refused(response: Response, attempts: number) {
  const { status } = response;
  if (status === 429) return fail(attempts, 503, status, false, retryAfter(response));
  return fail(attempts, 502, status, RETRY_STATUSES.has(status));
}

/** One POST to Kaleyra with the API key; a network error or timeout becomes its failure. */
async function send(
  request: { apiBase: string; apiKey: string },
  path: string,
  body: unknown,
  attempts: number,
  signal = AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
): Promise<Attempt<Response>> {
  try {
    const response = await fetch(`${request.apiBase}${path}`, {
      method: 'POST',
      headers: {
        apikey: request.apiKey,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal,
    });
    return { ok: true, value: response };
  } catch {
    return signal.aborted ? fail(attempts, 504, 'timeout') : fail(attempts, 502, 'network', true);
  }
}

async function mintOnce(request: MintRequest, attempts: number): Promise<Attempt<Minted>> {
  const signal = AbortSignal.timeout(UPSTREAM_TIMEOUT_MS);
  const body = { user_id: request.userId, expires_in: request.expiresIn };
  const sent = await send(request, '/sdk/credentials', body, attempts, signal);
  if (!sent.ok) return sent;
  const response = sent.value;
  const status = response.status;
  if (status !== 200 && status !== 201) {
    await response.body?.cancel().catch(() => {});
    return refused(response, attempts);
  }

  let text: string;
  try {
    text = await readBounded(response, MAX_ANSWER_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return fail(attempts, 502, 'invalid_response');
    return signal.aborted ? fail(attempts, 504, 'timeout') : fail(attempts, 502, 'network', true);
  }
  const token = parseToken(text, request);
  if (!token) return fail(attempts, 502, 'invalid_response');
  return { ok: true, value: { token, upstreamStatus: status, attempts } };
}

/** A token for exactly this user, expiring when it was asked to, or undefined. */
function parseToken(text: string, { userId, expiresIn }: MintRequest): KaleyraToken | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { access_token, expires_at, user_id } = body as Record<string, unknown>;
  if (typeof access_token !== 'string' || access_token.trim() === '') return undefined;
  if (typeof expires_at !== 'string' || !ISO_DATE.test(expires_at)) return undefined;
  const expires = Date.parse(expires_at);
  if (!(Math.abs(expires - (Date.now() + expiresIn * 1000)) <= EXPIRY_TOLERANCE_MS)) {
    return undefined;
  }
  if (user_id !== userId) return undefined;
  return { accessToken: access_token, expiresAt: new Date(expires).toISOString(), userId };
}

function retryAfter(response: Response): Record<string, string> {
  const value = response.headers.get('retry-after')?.trim() ?? '';
  if (!/^\d{1,6}$/.test(value)) return {};
  return { 'Retry-After': String(Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Number(value)))) };
}
