/**
 * What `npm start` runs, read from the environment once and checked as a whole,
 * so a bad setting stops it before anything starts, with one line that names it.
 *
 *   DEMO_PORT               demo site (default 8080)
 *   WORKER_PORT             token worker under wrangler dev (default 8787)
 *   KALEYRA_STANDIN_PORT   Kaleyra REST stand-in (default 8788; sandbox mode only)
 *   TURNSTILE_STANDIN_PORT  Turnstile stand-in, the public page's challenge (default 8790;
 *                           sandbox mode only)
 *   KALEYRA_API_KEY + KALEYRA_APP_ID   both set: real mode (real Kaleyra API and CDN SDK)
 *   KALEYRA_REGION          eu | in | us | me (default eu)
 *   KALEYRA_ENVIRONMENT     sandbox | production (default sandbox)
 *   KALEYRA_API_BASE        real mode only: REST base override (default derived from the two above)
 *   TOKEN_TTL_SECONDS       access-token lifetime (default 360 in sandbox mode, so a visitor sees
 *                           a refresh within minutes; 3600 in real mode)
 *   TURNSTILE_SITE_KEY + TURNSTILE_SECRET_KEY   real mode only, both or neither: a real
 *                           Turnstile widget's keys, which let guests call from the public page.
 *                           Without them guests are off in real mode (the sandbox always has
 *                           them: its stand-in's own site).
 */
export class ConfigProblem extends Error {
  name = 'ConfigProblem';
}

const REGIONS = ['eu', 'in', 'us', 'me'];
const ENVIRONMENTS = ['sandbox', 'production'];

/** The sandbox's own app id: any non-empty string passes the SDK stand-in. */
export const SANDBOX_APP_ID = 'wAppId_sandbox_clinic';

/** @param {NodeJS.ProcessEnv} env */
export function readConfig(env) {
  const apiKey = env.KALEYRA_API_KEY?.trim() ?? '';
  const appId = env.KALEYRA_APP_ID?.trim() ?? '';
  if (Boolean(apiKey) !== Boolean(appId)) {
    const missing = apiKey ? 'KALEYRA_APP_ID' : 'KALEYRA_API_KEY';
    throw new ConfigProblem(
      `${missing} is not set: real mode needs both KALEYRA_API_KEY and KALEYRA_APP_ID (unset both for the local sandbox).`,
    );
  }
  const real = Boolean(apiKey);
  const region = oneOf('KALEYRA_REGION', env.KALEYRA_REGION, REGIONS, 'eu');
  const environment = oneOf(
    'KALEYRA_ENVIRONMENT',
    env.KALEYRA_ENVIRONMENT,
    ENVIRONMENTS,
    'sandbox',
  );
  const ports = {
    site: port('DEMO_PORT', env.DEMO_PORT, 8080),
    worker: port('WORKER_PORT', env.WORKER_PORT, 8787),
    kaleyra: real ? undefined : port('KALEYRA_STANDIN_PORT', env.KALEYRA_STANDIN_PORT, 8788),
    turnstile: real ? undefined : port('TURNSTILE_STANDIN_PORT', env.TURNSTILE_STANDIN_PORT, 8790),
  };
  const ttl = env.TOKEN_TTL_SECONDS?.trim() || (real ? '3600' : '360');
  if (!/^\d+$/.test(ttl)) throw new ConfigProblem('TOKEN_TTL_SECONDS must be a whole number.');
  return {
    mode: real ? 'real' : 'sandbox',
    ports,
    kaleyra: {
      appId: real ? appId : SANDBOX_APP_ID,
      region,
      environment: real ? environment : 'sandbox',
      apiKey: real ? apiKey : undefined,
      apiBase: real ? realApiBase(env.KALEYRA_API_BASE, region, environment) : undefined,
    },
    tokenTtlSeconds: ttl,
    turnstile: real ? realTurnstile(env) : undefined,
  };
}

/**
 * Real mode's guests: a real Turnstile widget (Cloudflare's script, Cloudflare's siteverify) when
 * both keys are given, else none. The sandbox's own keys are never used against Cloudflare.
 * @returns {{ sitekey: string, secret: string } | undefined}
 */
function realTurnstile(env) {
  const sitekey = env.TURNSTILE_SITE_KEY?.trim() ?? '';
  const secret = env.TURNSTILE_SECRET_KEY?.trim() ?? '';
  if (Boolean(sitekey) !== Boolean(secret)) {
    const missing = sitekey ? 'TURNSTILE_SECRET_KEY' : 'TURNSTILE_SITE_KEY';
    throw new ConfigProblem(
      `${missing} is not set: guests in real mode need both TURNSTILE_SITE_KEY and TURNSTILE_SECRET_KEY (unset both to keep guests off).`,
    );
  }
  return sitekey ? { sitekey, secret } : undefined;
}

/** @typedef {ReturnType<typeof readConfig>} SandboxConfig */

/** The worker's default (worker/config.ts), unless overridden. */
function realApiBase(override, region, environment) {
  const base = override?.trim();
  if (base) return base.replace(/\/+$/, '');
  return environment === 'production'
    ? `https://api.${region}.bandyer.com/v2`
    : `https://api.sandbox.${region}.bandyer.com/v2`;
}

function port(name, raw, fallback) {
  const text = raw?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65535) {
    throw new ConfigProblem(`${name}=${text} is not a port number (1–65535).`);
  }
  return value;
}

function oneOf(name, raw, allowed, fallback) {
  const value = raw?.trim() || fallback;
  if (!allowed.includes(value)) {
    throw new ConfigProblem(`${name} must be one of ${allowed.join(', ')}.`);
  }
  return value;
}
