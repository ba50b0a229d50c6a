import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

/**
 * Workers Rate Limiting (bindings IP_LIMITER and USER_LIMITER in wrangler.jsonc):
 * one limit per client before authentication, so floods of bad tokens stay cheap,
 * and one per user after, so a signed-in user cannot mint tokens in a loop.
 *
 * The binding only answers yes or no, so Retry-After is the limiters' period
 * (60 s in wrangler.jsonc): waiting that long always reaches a fresh window.
 * A limiter that fails is treated as closed (503): it guards the API key's quota.
 */
export const RETRY_AFTER_SECONDS = 60;

export const limitByIp = createMiddleware<AppEnv>(async (c, next) => {
  await enforce(c.var.config.ipLimiter, `ip:${clientKey(c.req.header('cf-connecting-ip'))}`);
  await next();
});

export const limitByUser = createMiddleware<AppEnv>(async (c, next) => {
  await enforce(c.var.config.userLimiter, `user:${c.var.userKey}`);
  await next();
});

async function enforce(limiter: RateLimit, key: string): Promise<void> {
  let outcome: RateLimitOutcome;
  try {
    outcome = await limiter.limit({ key });
  } catch {
    throw new ApiError(503, 'unavailable', 'The token service is briefly unavailable.');
  }
  if (!outcome.success) {
    throw new ApiError(429, 'rate_limited', 'Too many token requests; try again later.', {
      'Retry-After': String(RETRY_AFTER_SECONDS),
    });
  }
}

/**
 * The client's address as Cloudflare saw it (`CF-Connecting-IP` cannot be set by
 * the client in production). IPv6 clients usually own a whole /64, so they are
 * limited per /64 rather than per address.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
