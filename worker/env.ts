import type { JwtKeys } from './keys.js';

/**
 * The shapes the worker's modules share: bindings, the checked configuration,
 * the log fields and the per-request context variables. Types only, so every
 * module can import them without importing another module's code (and no two
 * modules import each other).
 */

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
  KALEYRA_APP_ID?: string;
  TURNSTILE_SITE_KEY?: string;
  TURNSTILE_VERIFY_URL?: string;
  GUEST_SESSION_SECONDS?: string;
  GUEST_TOKEN_TTL_SECONDS?: string;
  TURNSTILE_SECRET_KEY?: string;
  GUEST_SECRET?: string;
  CALL_PAGE_TARGETS?: string;
  CALL_PAGE_JOIN_HOSTS?: string;
  CALL_PAGE_TITLE?: string;
  CALL_PAGE_SDK_SRC?: string;
  CALL_PAGE_CHALLENGE_SRC?: string;
}

/** The Hono environment of the app and of every middleware. */
export interface AppEnv {
  Bindings: Bindings;
}

/**
 * The worker's settings, read once per `env` object and checked as a whole (see
 * config.ts).
 */
export interface Config {
  apiKey: string;
  /** Kaleyra REST base without a trailing slash, e.g. https://api.sandbox.eu.bandyer.com/v2 */
  apiBase: string;
  /** The Kaleyra web app the tokens are for (KALEYRA_APP_ID), when the deployment names it. */
  app: KaleyraApp | undefined;
  ttlSeconds: number;
  tokenCache: boolean;
  allowedOrigins: ReadonlySet<string>;
  auth: AuthConfig;
  userIdPrefix: string;
  ipLimiter: RateLimit;
  userLimiter: RateLimit;
  /** Guest access (GUEST_ACCESS=turnstile); undefined when off. */
  guest: GuestConfig | undefined;
  /** The call page (CALL_PAGE_TARGETS and KALEYRA_APP_ID set); undefined when off. */
  callPage: CallPageConfig | undefined;
  /** Tolerated problems (a value replaced by its default), logged with each request. */
  warnings: readonly string[];
}

export interface KaleyraApp {
  appId: string;
  region: string;
  environment: string;
}

export interface GuestConfig {
  siteKey: string;
  /** Turnstile's siteverify URL (TURNSTILE_VERIFY_URL). */
  verifyUrl: string;
  turnstileSecret: string;
  /** GUEST_SECRET, from which the guest token key is derived (guest-token.ts). */
  secret: string;
  /** Lifetime of a guest token (GUEST_SESSION_SECONDS). */
  sessionSeconds: number;
  /** Lifetime of a guest's Kaleyra token (GUEST_TOKEN_TTL_SECONDS). */
  ttlSeconds: number;
  /** Host names of ALLOWED_ORIGINS: where a Turnstile challenge may have been solved. */
  hostnames: ReadonlySet<string>;
  limiter: RateLimit;
}

/** The call page, GET /call (call-page.ts). */
export interface CallPageConfig {
  /** The Kaleyra user ids a link may name (CALL_PAGE_TARGETS entries without a star). */
  ids: ReadonlySet<string>;
  /** The `prefix*` entries of CALL_PAGE_TARGETS, without their star. */
  prefixes: readonly string[];
  /** Host names of the room links `join=` accepts (CALL_PAGE_JOIN_HOSTS); empty: none. */
  joinHosts: ReadonlySet<string>;
  /** The product name the page shows (CALL_PAGE_TITLE); undefined: "Video call", translated. */
  title: string | undefined;
  /** The SDK's URL when it is not Kaleyra's CDN (CALL_PAGE_SDK_SRC): self-hosted, or the stand-in. */
  sdkSrc: string | undefined;
  /** The challenge script's URL when it is not Turnstile's (CALL_PAGE_CHALLENGE_SRC): the stand-in. */
  challengeSrc: string | undefined;
}

export interface AuthConfig {
  mode: 'jwt' | 'access';
  issuer: string;
  audience: string[];
  userClaim: string;
  /** Cookie that may carry the site JWT (jwt mode only). */
  cookie: string | undefined;
  keys: JwtKeys;
}

/**
 * Fields a request may add to its log line. Only fixed labels, numbers and
 * hashes go here: never a header value, a token, a cookie, the API key, a
 * vendor's text or a raw user id.
 */
export interface LogFields {
  /** The error code answered, for failures. */
  code?: string;
  /** Kaleyra's HTTP status, or `timeout` / `network` / `invalid_response`. */
  upstreamStatus?: number | string;
  upstreamAttempts?: number;
  /** Where the token came from: `upstream`, `cache`, or `shared` (a concurrent request's call). */
  tokenSource?: string;
  /** A keyed hash of the Kaleyra user id (see user-id.ts). */
  userHash?: string;
  /** Why the request was refused, as a fixed label such as jose's error code. */
  reason?: string;
  /** For the operator: a misconfiguration or an unexpected error, naming the setting. */
  problem?: string;
  warning?: string;
  /** What happened to a guest: `created`, `existing`, `renewed`, `challenge_failed`, … */
  guest?: string;
  /** Turnstile's verdict as fixed labels (its error codes, or our own such as `wrong_hostname`). */
  turnstile?: string;
}

declare module 'hono' {
  /** What the middleware chain hands on to later stages of the same request. */
  interface ContextVariableMap {
    requestId: string;
    config: Config;
    /** The Kaleyra user id decided by authentication (already mapped and prefixed). */
    userId: string;
    /** Keyed hash of `userId`: cache key, limiter key and the log's `userHash`. */
    userKey: string;
    /** True when `userId` is a guest's (the request holds a guest credential or just became one). */
    guest: boolean;
    /** Extra fields for this request's one log line. */
    log: LogFields;
  }
}
