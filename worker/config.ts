import { createMiddleware } from 'hono/factory';
import { ApiError, ConfigError } from './errors.js';
import type {
  AppEnv,
  AuthConfig,
  Bindings,
  CallPageConfig,
  Config,
  GuestConfig,
  KaleyraApp,
} from './env.js';
import { GUEST_MARKER } from './guest-token.js';
import { jwtKeys } from './keys.js';
import { note } from './log.js';
import { KALEYRA_ID, reservedForGuests } from './user-id.js';

export const TTL_DEFAULT = 3600;
export const TTL_MIN = 360;
export const TTL_MAX = 86400;

/** A setting in seconds: its default, and the range it is clamped to. */
interface Seconds {
  fallback: number;
  min: number;
  max: number;
}
/** Kaleyra's accepted token lifetimes. */
const TTL: Seconds = { fallback: TTL_DEFAULT, min: TTL_MIN, max: TTL_MAX };

const REGIONS = ['eu', 'in', 'us', 'me'];
const ENVIRONMENTS = ['sandbox', 'production'];
/**
 * USER_ID_PREFIX is a namespace in the Kaleyra company: empty, or letters and
 * digits closed by one delimiter (`acme-`). With no delimiter inside, no valid
 * prefix can be the start of another (`acme-` of `acme-eu-` would be), so two
 * deployments with different valid prefixes can never mint one another's ids.
 */
const PREFIX = /^(?:[A-Za-z0-9]{1,31}[-_.])?$/;
const MIN_SECRET_LENGTH = 32;
/** Turnstile keys are printable tokens (`0x4AAAAAAA…`); the site key is sent to pages. */
const TURNSTILE_KEY = /^[A-Za-z0-9_-]{1,128}$/;
export const SITEVERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';
/** A guest token lives 4 hours by default, at least 5 minutes, at most a week. */
const GUEST_SESSION: Seconds = { fallback: 14400, min: 300, max: 604800 };
/** A guest's Kaleyra token: 30 minutes by default, within Kaleyra's range. */
const GUEST_TTL: Seconds = { fallback: 1800, min: TTL_MIN, max: TTL_MAX };
/** Kaleyra web app ids look like `wAppId_0a1b2c`; the value is echoed to pages, so its shape is fixed. */
const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A host name of CALL_PAGE_JOIN_HOSTS: lower-case labels, no scheme, port, path or wildcard. */
const HOST_NAME =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_TITLE_LENGTH = 100;

const parsed = new WeakMap<object, Config | ConfigError>();

/**
 * The worker's settings (the Config of env.ts), read once per `env` object and
 * checked as a whole, so a misconfigured deployment fails every token request the
 * same clean way: 500 `internal` to the client (which never learns which
 * setting), and a log line that names the setting and what is wrong with it
 * (never its value).
 *
 * Returns the checked configuration of `env`, or a ConfigError naming the first bad setting.
 */
export function configFor(env: Bindings): Config | ConfigError {
  let result = parsed.get(env);
  if (!result) {
    try {
      result = readConfig(env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      result = err;
    }
    parsed.set(env, result);
  }
  return result;
}

/** Middleware: puts the Config on the context, or answers 500 for a misconfiguration. */
export const withConfig = createMiddleware<AppEnv>(async (c, next) => {
  const config = configFor(c.env);
  if (config instanceof ConfigError) {
    note(c, { problem: `misconfiguration: ${config.message}` });
    throw new ApiError(500, 'internal', 'The token service is not available.');
  }
  if (config.warnings.length) note(c, { warning: config.warnings.join('; ') });
  c.set('config', config);
  await next();
});

function readConfig(env: Bindings): Config {
  const warnings: string[] = [];
  const apiKey = env.KALEYRA_API_KEY?.trim();
  if (!apiKey) {
    throw new ConfigError('KALEYRA_API_KEY', 'is not set (wrangler secret put KALEYRA_API_KEY)');
  }
  const allowedOrigins = readOrigins(env.ALLOWED_ORIGINS);
  const app = readApp(env);
  const userIdPrefix = readPrefix(env.USER_ID_PREFIX);
  return {
    apiKey,
    apiBase: readApiBase(env),
    app,
    ttlSeconds: readSeconds('TOKEN_TTL_SECONDS', env.TOKEN_TTL_SECONDS, TTL, warnings),
    tokenCache: readSwitch('TOKEN_CACHE', env.TOKEN_CACHE),
    allowedOrigins,
    auth: readAuth(env),
    userIdPrefix,
    ipLimiter: readLimiter('IP_LIMITER', env.IP_LIMITER),
    userLimiter: readLimiter('USER_LIMITER', env.USER_LIMITER),
    guest: readGuest(env, allowedOrigins, warnings),
    callPage: app && !callPageOff(env) ? readCallPage(env, userIdPrefix) : undefined,
    warnings,
  };
}

function readApiBase(env: Bindings): string {
  const override = env.KALEYRA_API_BASE?.trim();
  if (override) return readUrl('KALEYRA_API_BASE', override).replace(/\/+$/, '');
  const { region, environment } = readPlace(env);
  return environment === 'production'
    ? `https://api.${region}.bandyer.com/v2`
    : `https://api.sandbox.${region}.bandyer.com/v2`;
}

function readPlace(env: Bindings): Pick<KaleyraApp, 'region' | 'environment'> {
  return {
    region: oneOf('KALEYRA_REGION', env.KALEYRA_REGION, REGIONS, 'eu'),
    environment: oneOf('KALEYRA_ENVIRONMENT', env.KALEYRA_ENVIRONMENT, ENVIRONMENTS, 'sandbox'),
  };
}

/**
 * With KALEYRA_APP_ID set, token answers name the app, region and environment
 * they were minted for, so a page needs no attributes for them (and a page
 * attribute that contradicts them is caught by the element).
 */
function readApp(env: Bindings): KaleyraApp | undefined {
  const raw = env.KALEYRA_APP_ID;
  if (raw === undefined) return undefined;
  const appId = raw.trim();
  if (!APP_ID.test(appId)) {
    throw new ConfigError('KALEYRA_APP_ID', 'must be 1 to 64 characters of A-Z a-z 0-9 _ -');
  }
  return { appId, ...readPlace(env) };
}

/** Clamped to its range; garbage falls back to the default with a warning. */
function readSeconds(
  setting: string,
  raw: string | undefined,
  { fallback, min, max }: Seconds,
  warnings: string[],
): number {
  const text = raw?.trim() ?? '';
  if (!/^\d+$/.test(text)) {
    if (text) warnings.push(`${setting} is not a whole number of seconds; using ${fallback}`);
    return fallback;
  }
  return Math.min(max, Math.max(min, Number(text)));
}

/** GUEST_ACCESS as set: `off` (the default) or `turnstile`; anything else is refused by readGuest. */
export function guestAccess(env: Bindings): string {
  return env.GUEST_ACCESS?.trim() || 'off';
}

/**
 * Guest access (docs/architecture.md, Guest access): with GUEST_ACCESS=turnstile
 * every guest setting is checked here, so a deployment that allows guests
 * without being able to verify challenges, sign guest tokens or limit guest
 * creations fails as a whole (500), instead of at a visitor's first click.
 */
function readGuest(
  env: Bindings,
  origins: ReadonlySet<string>,
  warnings: string[],
): GuestConfig | undefined {
  if (oneOf('GUEST_ACCESS', guestAccess(env), ['off', 'turnstile'], 'off') === 'off') {
    return undefined;
  }
  const siteKey = required('TURNSTILE_SITE_KEY', env.TURNSTILE_SITE_KEY);
  if (!TURNSTILE_KEY.test(siteKey)) {
    throw new ConfigError('TURNSTILE_SITE_KEY', 'is not a Turnstile site key (A-Z a-z 0-9 _ -)');
  }
  const verifyUrl = env.TURNSTILE_VERIFY_URL?.trim();
  const turnstileSecret = required(
    'TURNSTILE_SECRET_KEY',
    env.TURNSTILE_SECRET_KEY,
    '(wrangler secret put TURNSTILE_SECRET_KEY)',
  );
  const secret = required('GUEST_SECRET', env.GUEST_SECRET, '(wrangler secret put GUEST_SECRET)');
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('GUEST_SECRET', `is shorter than ${MIN_SECRET_LENGTH} characters`);
  }
  return {
    siteKey,
    verifyUrl: verifyUrl ? readUrl('TURNSTILE_VERIFY_URL', verifyUrl) : SITEVERIFY_URL,
    turnstileSecret,
    secret,
    sessionSeconds: readSeconds(
      'GUEST_SESSION_SECONDS',
      env.GUEST_SESSION_SECONDS,
      GUEST_SESSION,
      warnings,
    ),
    ttlSeconds: readSeconds(
      'GUEST_TOKEN_TTL_SECONDS',
      env.GUEST_TOKEN_TTL_SECONDS,
      GUEST_TTL,
      warnings,
    ),
    hostnames: new Set([...origins].map((origin) => new URL(origin).hostname)),
    limiter: readLimiter('GUEST_LIMITER', env.GUEST_LIMITER),
  };
}

/**
 * Why the call page is off, for the log (`problem`), or undefined when it is on: it
 * needs CALL_PAGE_TARGETS (whom a link may call) and KALEYRA_APP_ID (the page's
 * element has no app-id: the token answers name the app). Read from the two
 * settings alone, so GET /call is a 404 without them, whatever else is configured.
 */
export function callPageOff(env: Bindings): string | undefined {
  const missing = (['CALL_PAGE_TARGETS', 'KALEYRA_APP_ID'] as const).filter(
    (name) => !env[name]?.trim(),
  );
  if (missing.length === 0) return undefined;
  return `call page off: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`;
}

/**
 * The call page's settings (docs/architecture.md, Call page), checked with the rest
 * once the page is on: a target list that could reach anyone or a guest, a join host
 * that is not a host name, a title with control characters or an override that is
 * not an https URL fails the configuration as a whole, like any other setting.
 */
function readCallPage(env: Bindings, userIdPrefix: string): CallPageConfig {
  const ids = new Set<string>();
  const prefixes: string[] = [];
  list(env.CALL_PAGE_TARGETS).forEach((entry, i) => {
    const star = entry.endsWith('*');
    const id = star ? entry.slice(0, -1) : entry;
    if (star && id === '') {
      throw new ConfigError(
        'CALL_PAGE_TARGETS',
        `entry #${i + 1} is * alone, which would let a link call anyone: list ids or prefix* patterns`,
      );
    }
    if (!KALEYRA_ID.test(id)) {
      throw new ConfigError(
        'CALL_PAGE_TARGETS',
        `entry #${i + 1} is not a user id ([A-Za-z0-9._-], at most 128) or such a prefix followed by *`,
      );
    }
    if (reservedForGuests(id, userIdPrefix)) {
      throw new ConfigError(
        'CALL_PAGE_TARGETS',
        `entry #${i + 1} names guest ids (${userIdPrefix}${GUEST_MARKER}…), which are never a call target`,
      );
    }
    if (star) prefixes.push(id);
    else ids.add(id);
  });
  if (ids.size === 0 && prefixes.length === 0) {
    throw new ConfigError('CALL_PAGE_TARGETS', 'lists no user id');
  }
  const joinHosts = new Set<string>();
  list(env.CALL_PAGE_JOIN_HOSTS).forEach((entry, i) => {
    const host = entry.toLowerCase();
    if (!HOST_NAME.test(host)) {
      throw new ConfigError(
        'CALL_PAGE_JOIN_HOSTS',
        `entry #${i + 1} is not a host name like video.example.com (no scheme, port, path or *)`,
      );
    }
    joinHosts.add(host);
  });
  const sdkSrc = env.CALL_PAGE_SDK_SRC?.trim();
  const challengeSrc = env.CALL_PAGE_CHALLENGE_SRC?.trim();
  return {
    ids,
    prefixes,
    joinHosts,
    title: readTitle(env.CALL_PAGE_TITLE),
    sdkSrc: sdkSrc ? readUrl('CALL_PAGE_SDK_SRC', sdkSrc) : undefined,
    challengeSrc: challengeSrc ? readUrl('CALL_PAGE_CHALLENGE_SRC', challengeSrc) : undefined,
  };
}

function readTitle(raw: string | undefined): string | undefined {
  const title = raw?.trim();
  if (!title) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if ([...title].length > MAX_TITLE_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(title)) {
    throw new ConfigError(
      'CALL_PAGE_TITLE',
      `must be at most ${MAX_TITLE_LENGTH} characters, without control characters`,
    );
  }
  if (!title.isWellFormed()) throw new ConfigError('CALL_PAGE_TITLE', 'is not well-formed Unicode');
  return title;
}

/** A comma-separated setting's entries, trimmed, empty ones dropped. */
function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function readSwitch(setting: string, raw: string | undefined): boolean {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigError(setting, 'must be "on" or "off"');
}

function readOrigins(raw: string | undefined): Set<string> {
  const entries = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    throw new ConfigError('ALLOWED_ORIGINS', 'is empty: list the exact origins of your site');
  }
  entries.forEach((entry, i) => {
    if (entry.includes('*')) {
      throw new ConfigError('ALLOWED_ORIGINS', 'contains "*": list exact origins instead');
    }
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      if (url.protocol === 'https:' || url.protocol === 'http:') origin = url.origin;
    } catch {
      // reported below
    }
    if (origin !== entry) {
      throw new ConfigError(
        'ALLOWED_ORIGINS',
        `entry #${i + 1} is not an origin like https://www.example.com (no path, no trailing slash)`,
      );
    }
  });
  return new Set(entries);
}

function readAuth(env: Bindings): AuthConfig {
  const mode = oneOf('AUTH_MODE', env.AUTH_MODE, ['jwt', 'access'], 'jwt') as AuthConfig['mode'];
  const issuer = required('SITE_JWT_ISSUER', env.SITE_JWT_ISSUER);
  const audience = required('SITE_JWT_AUDIENCE', env.SITE_JWT_AUDIENCE)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const userClaim = env.SITE_USER_CLAIM?.trim() || 'sub';
  const jwksUrl = env.SITE_JWKS_URL?.trim();
  const jwksJson = env.SITE_JWKS_JSON?.trim();
  if (jwksUrl && jwksJson) {
    throw new ConfigError('SITE_JWKS_URL', 'and SITE_JWKS_JSON are both set: keep one');
  }
  let secret: string | undefined;
  if (mode === 'jwt') {
    secret = env.SITE_JWT_SECRET?.trim() || undefined;
    if (secret && secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError('SITE_JWT_SECRET', `is shorter than ${MIN_SECRET_LENGTH} characters`);
    }
    if (!jwksUrl && !jwksJson && !secret) {
      throw new ConfigError(
        'SITE_JWKS_URL',
        'is not set: AUTH_MODE=jwt needs SITE_JWKS_URL, SITE_JWKS_JSON or SITE_JWT_SECRET',
      );
    }
  } else {
    readUrl('SITE_JWT_ISSUER', issuer);
  }
  // Cloudflare Access publishes the team's keys under the team domain.
  const remote = jwksUrl
    ? readUrl('SITE_JWKS_URL', jwksUrl)
    : mode === 'access' && !jwksJson
      ? `${issuer.replace(/\/+$/, '')}/cdn-cgi/access/certs`
      : undefined;
  return {
    mode,
    issuer,
    audience,
    userClaim,
    cookie: mode === 'jwt' ? readCookieName(env.SITE_JWT_COOKIE) : undefined,
    keys: jwtKeys({ jwksUrl: remote, jwksJson, secret }),
  };
}

/** A cookie name is an HTTP token (RFC 6265); anything else could never be matched. */
function readCookieName(raw: string | undefined): string | undefined {
  const name = raw?.trim() || undefined;
  if (name !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new ConfigError('SITE_JWT_COOKIE', 'is not a cookie name (no spaces, ; , = or quotes)');
  }
  return name;
}

function readPrefix(raw: string | undefined): string {
  const prefix = raw?.trim() ?? '';
  if (!PREFIX.test(prefix)) {
    throw new ConfigError(
      'USER_ID_PREFIX',
      'must be empty or letters and digits closed by one of - _ . (like acme-), at most 32 characters',
    );
  }
  return prefix;
}

function readLimiter(name: string, binding: RateLimit | undefined): RateLimit {
  if (typeof binding?.limit !== 'function') {
    throw new ConfigError(
      name,
      'rate limiting binding is missing (see "ratelimits" in wrangler.jsonc)',
    );
  }
  return binding;
}

function readUrl(setting: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(setting, 'is not a URL');
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new ConfigError(setting, 'must be an https URL (plain http only for localhost)');
  }
  return url.href;
}

function required(setting: string, raw: string | undefined, hint?: string): string {
  const value = raw?.trim();
  if (!value) throw new ConfigError(setting, hint ? `is not set ${hint}` : 'is not set');
  return value;
}

function oneOf(setting: string, raw: string | undefined, allowed: string[], fallback: string) {
  const value = raw?.trim() || fallback;
  if (!allowed.includes(value)) {
    throw new ConfigError(setting, `must be one of ${allowed.join(', ')}`);
  }
  return value;
}
