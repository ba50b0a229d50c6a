import { BodyTooLargeError, readBounded } from './bounded.js';
import type { GuestConfig } from './env.js';
import { UPSTREAM_TIMEOUT_MS } from './kaleyra-api.js';

/**
 * Server-side check of a Turnstile token with `siteverify` (docs/kaleyra-sdk-notes.md,
 * Turnstile). The widget alone proves nothing; only this answer does, and only
 * when it says `success`, names a `hostname` of one of ALLOWED_ORIGINS (or the call
 * page's, while it is on) and the element's action. Anything else is never a pass:
 *
 * - `refused`: Turnstile judged the token: expired or already redeemed
 *   (`timeout-or-duplicate`), forged (`invalid-input-response`), solved on
 *   another site or for another action. The visitor may try again (403).
 * - `unavailable`: no verdict: a network error, a 5xx, an answer that is not
 *   Turnstile's JSON, `internal-error`, or no answer within the 5 s that every
 *   upstream call gets (503).
 * - `misconfigured`: Turnstile refused our secret (500; the log names
 *   TURNSTILE_SECRET_KEY).
 *
 * One call per guest request with a fresh `idempotency_key`. A call without a
 * verdict is retried once within the same 5 s, with the same key, so a token
 * whose first check did reach Turnstile is not "already spent" on the retry.
 */
export const TURNSTILE_ACTION = 'kaleyra-call';
/** Real answers are a few hundred bytes. */
const MAX_ANSWER_BYTES = 16 * 1024;
/** Turnstile's documented error codes: the only ones logged by name. */
const KNOWN_CODES = new Set([
  'missing-input-secret',
  'invalid-input-secret',
  'missing-input-response',
  'invalid-input-response',
  'bad-request',
  'timeout-or-duplicate',
  'internal-error',
]);

export interface Verdict {
  outcome: 'pass' | 'refused' | 'unavailable' | 'misconfigured';
  /** Fixed labels for the log: Turnstile's error codes or our own reasons. */
  labels: string;
  attempts: number;
}

export interface Challenge {
  /** The widget's token, as the page sent it. */
  response: string;
  /** CF-Connecting-IP, when known. */
  remoteip: string | undefined;
}

/**
 * `hostnames`: where the challenge may have been solved (the hosts of ALLOWED_ORIGINS, and
 * the call page's while it is on).
 */
export async function verifyTurnstile(
  guest: GuestConfig,
  hostnames: ReadonlySet<string>,
  challenge: Challenge,
): Promise<Verdict> {
  const signal = AbortSignal.timeout(UPSTREAM_TIMEOUT_MS);
  const body = JSON.stringify({
    secret: guest.turnstileSecret,
    response: challenge.response,
    ...(challenge.remoteip && { remoteip: challenge.remoteip }),
    idempotency_key: crypto.randomUUID(),
  });
  const first = await verifyOnce(guest, hostnames, body, signal);
  if (first.outcome !== 'unavailable' || signal.aborted) return { ...first, attempts: 1 };
  return { ...(await verifyOnce(guest, hostnames, body, signal)), attempts: 2 };
}

async function verifyOnce(
  guest: GuestConfig,
  hostnames: ReadonlySet<string>,
  body: string,
  signal: AbortSignal,
): Promise<Omit<Verdict, 'attempts'>> {
  const unavailable = (labels: string) => ({ outcome: 'unavailable' as const, labels });
  let answer: unknown;
  try {
    const response = await fetch(guest.verifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      redirect: 'manual',
      signal,
    });
    // A 4xx may still be Turnstile's verdict (a bad request); a redirect or a 5xx is not.
    const { status } = response;
    if ((status >= 300 && status < 400) || status >= 500) {
      await response.body?.cancel().catch(() => {});
      return unavailable(`http_${status}`);
    }
    answer = JSON.parse(await readBounded(response, MAX_ANSWER_BYTES));
  } catch (err) {
    if (signal.aborted) return unavailable('timeout');
    if (err instanceof SyntaxError || err instanceof BodyTooLargeError) {
      return unavailable('invalid_answer');
    }
    return unavailable('network');
  }
  return judge(hostnames, answer);
}

function judge(hostnames: ReadonlySet<string>, answer: unknown): Omit<Verdict, 'attempts'> {
  if (typeof answer !== 'object' || answer === null) {
    return { outcome: 'unavailable', labels: 'invalid_answer' };
  }
  const { success, hostname, action } = answer as Record<string, unknown>;
  const raw = (answer as Record<string, unknown>)['error-codes'];
  const codes = Array.isArray(raw) ? raw.map((c) => (KNOWN_CODES.has(c) ? c : 'other')) : [];
  if (success === true) {
    if (typeof hostname !== 'string' || !hostnames.has(hostname)) {
      return { outcome: 'refused', labels: 'wrong_hostname' };
    }
    if (action !== TURNSTILE_ACTION) return { outcome: 'refused', labels: 'wrong_action' };
    return { outcome: 'pass', labels: 'success' };
  }
  const labels = codes.join(',') || 'no_error_codes';
  if (codes.includes('internal-error')) return { outcome: 'unavailable', labels };
  if (codes.includes('missing-input-secret') || codes.includes('invalid-input-secret')) {
    return { outcome: 'misconfigured', labels };
  }
  if (success !== false) return { outcome: 'unavailable', labels: 'invalid_answer' };
  return { outcome: 'refused', labels };
}
