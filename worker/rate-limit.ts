import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';

/**
 * Workers Rate Limiting (bindings IP_LIMITER, USER_LIMITER and GUEST_LIMITER in
 * wrangler.jsonc): one limit per client before authentication, so floods of bad
 * tokens stay cheap, one per user after, so a signed-in user cannot mint tokens
 * in a loop, and one per client on guest creations.
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

/**
 * GUEST_LIMITER: guest creations per client IP. It counts every POST /v1/guest,
 * before the challenge is checked, so a flood costs neither Turnstile calls nor
 * Kaleyra users beyond the limit.
 */
export async function enforceGuestLimit(limiter: RateLimit, ip: string | undefined) {
  await enforce(limiter, `guest:${clientKey(ip)}`);
}

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
 * the client in production), or undefined when the header is missing or is not
 * one IPv4 or IPv6 address: a list (two header lines joined by ", ", a proxy's
 * chain) or anything else, only possible off Cloudflare, is no address at all.
 */
export function clientIp(header: string | undefined): string | undefined {
  const ip = header?.trim();
  return ip && (ipv4Bytes(ip) ?? ipv6Groups(ip)) ? ip : undefined;
}

/**
 * The rate-limit key of a client. IPv6 clients usually own a whole /64, so they
 * are limited per /64 rather than per address; an IPv4-mapped IPv6 address
 * (`::ffff:a.b.c.d`, or `::ffff:0a00:0001`) is the IPv4 client it carries, keyed
 * as that address (else every such client would share the bucket of ::/64).
 * Requests without an address (clientIp) share one bucket, so a made-up header
 * can never choose a fresh one.
 */
export function clientKey(header: string | undefined): string {
  const ip = clientIp(header);
  if (ip === undefined) return 'unknown';
  const v4 = ipv4Bytes(ip);
  if (v4) return v4.join('.');
  const groups = ipv6Groups(ip) as number[];
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The four bytes of a dotted IPv4 address, or undefined for anything else. */
function ipv4Bytes(text: string): number[] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  const bytes = match?.slice(1).map(Number);
  return bytes?.every((b) => b <= 255) ? bytes : undefined;
}

/**
 * The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail
 * converted), or undefined for anything that is not one.
 */
function ipv6Groups(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const dotted = /^(.*:)([^:]*\.[^:]*)$/.exec(text);
  if (dotted) {
    const bytes = ipv4Bytes(dotted[2] as string);
    if (!bytes) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = bytes;
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const [head = '', tail = ''] = halves;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const named = [...left, ...right];
  if (!named.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  if (halves.length === 1 ? named.length !== 8 : named.length > 7) return undefined;
  const zeros = Array<string>(8 - named.length).fill('0');
  return [...left, ...(halves.length === 2 ? zeros : []), ...right].map((g) => parseInt(g, 16));
}
