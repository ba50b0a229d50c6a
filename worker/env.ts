import type { Config } from './config.js';
import type { LogFields } from './log.js';

/**
 * The worker's bindings. Vars and rate limiters come from wrangler.jsonc (typed by
 * `wrangler types` into worker-configuration.d.ts); secrets are set with
 * `wrangler secret put` and, like the vars that wrangler.jsonc leaves commented
 * out, are optional here because a missing one must become a clean 500, not a crash.
 */
export interface Bindings extends Cloudflare.Env {
  KALEYRA_API_KEY?: string;
  SITE_JWT_SECRET?: string;
  KALEYRA_API_BASE?: string;
  SITE_JWKS_URL?: string;
  SITE_JWKS_JSON?: string;
  SITE_JWT_COOKIE?: string;
}

/** What the middleware chain hands on to later stages of the same request. */
export interface Variables {
  requestId: string;
  config: Config;
  /** The Kaleyra user id decided by authentication (already mapped and prefixed). */
  userId: string;
  /** Keyed hash of `userId`: cache key, limiter key and the log's `userHash`. */
  userKey: string;
  /** Extra fields for this request's one log line. */
  log: LogFields;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
