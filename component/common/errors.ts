import type { ErrorPhase } from './events.js';

/** What makes a `KaleyraCallError`. */
export interface ErrorInit {
  phase: ErrorPhase;
  code: string;
  /** `false`: the element retries by itself, after `retryInMs`. */
  fatal?: boolean | undefined;
  /** The token endpoint's HTTP status, when it answered. */
  status?: number | undefined;
  retryInMs?: number | undefined;
  /** What the texts of the code are filled with (runtime/messages.ts). */
  params?: Record<string, unknown> | undefined;
  /** The detail in the element's language; the code until the runtime words it. */
  message?: string | undefined;
}

/**
 * The typed error the element's methods reject with, and the shape behind every
 * `kaleyra-call-error` event. `fatal: false` means the element retries by
 * itself after `retryInMs` (or, for a token request, as docs/architecture.md,
 * Backoff, says). Made with its code and `params`; the runtime words it (its
 * `message`, the detail, in the element's language) before the page sees it
 * (runtime/driver.ts).
 *
 * One class per page and build: the CDN build's runtime files use the first
 * file's (rollup.config.mjs, fromFacade).
 */
export class KaleyraCallError extends Error {
  override readonly name = 'KaleyraCallError';
  readonly phase: ErrorPhase;
  readonly code: string;
  readonly fatal: boolean;
  readonly status?: number | undefined;
  readonly retryInMs?: number | undefined;
  readonly params: Record<string, unknown>;

  constructor({ phase, code, fatal = true, status, retryInMs, params = {}, message }: ErrorInit) {
    super(message ?? code);
    this.phase = phase;
    this.code = code;
    this.fatal = fatal;
    this.status = status;
    this.retryInMs = retryInMs;
    this.params = params;
  }
}
