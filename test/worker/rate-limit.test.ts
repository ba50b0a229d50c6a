import { describe, expect, inject, it } from 'vitest';
import { clientKey } from '../../worker/rate-limit';
import {
  claims,
  errorOf,
  hs256,
  randomIp,
  recordingLimiter,
  setup,
  unique,
} from './support/harness';

// The limits deployed in wrangler.jsonc, read by support/global-setup.ts.
const limits = inject('limits');

/**
 * Sends requests until the first 429 and returns how many were let through.
 * Workers rate limits count in fixed windows, so a run that straddles a window
 * boundary may let through up to twice the limit; never fewer than the limit.
 */
async function untilLimited(send: () => Promise<Response>, limit: number) {
  for (let accepted = 0; accepted <= 2 * limit; accepted++) {
    const res = await send();
    if (res.status === 429) return { accepted, res };
  }
  throw new Error(`no 429 after ${2 * limit + 1} requests`);
}

/** An unauthenticated token request from `ip`. */
function post(ip: string) {
  return {
    method: 'POST',
    ip,
    headers: { origin: 'https://www.example.com', 'content-type': 'application/json' },
    body: '{}',
  };
}

describe('rate limits (Workers Rate Limiting bindings)', () => {
  it(`per IP, before authentication: ${limits.ip} per ${limits.period} s, then 429 with Retry-After`, async () => {
    const t = setup();
    // No credentials at all: each request is a 401, yet each one counts.
    const { accepted, res } = await untilLimited(() => t.token(), limits.ip);
    expect(accepted).toBeGreaterThanOrEqual(limits.ip);
    expect(res.headers.get('retry-after')).toBe(String(limits.period));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await errorOf(res)).toEqual({ code: 'rate_limited', message: expect.any(String) });
    expect(await t.kaleyra.calls()).toEqual([]);
  }, 60_000);

  it('a limited IP is refused even with valid credentials; another IP is not', async () => {
    const t = setup();
    const user = unique('ip');
    await t.kaleyra.register(user);
    await untilLimited(() => t.token(), limits.ip);
    const bearer = await hs256(claims(user));
    expect((await t.token({ bearer })).status).toBe(429);
    expect(await t.kaleyra.calls()).toEqual([]);
    const elsewhere = await t.fetch('/v1/token', {
      method: 'POST',
      ip: randomIp(),
      headers: {
        origin: 'https://www.example.com',
        'content-type': 'application/json',
        authorization: `Bearer ${bearer}`,
      },
      body: '{}',
    });
    expect(elsewhere.status).toBe(200);
  }, 60_000);

  it(`per user, after authentication: ${limits.user} per ${limits.period} s, from any IP`, async () => {
    const t = setup();
    const [user, other] = [unique('busy'), unique('calm')];
    await t.kaleyra.register(user, other);
    const bearer = await hs256(claims(user));
    // A new IP each time, so only the per-user limit can apply.
    const send = () =>
      t.fetch('/v1/token', {
        method: 'POST',
        ip: randomIp(),
        headers: {
          origin: 'https://www.example.com',
          'content-type': 'application/json',
          authorization: `Bearer ${bearer}`,
        },
        body: '{}',
      });
    const { accepted, res } = await untilLimited(send, limits.user);
    expect(accepted).toBeGreaterThanOrEqual(limits.user);
    expect(res.headers.get('retry-after')).toBe(String(limits.period));
    expect(await errorOf(res)).toEqual({ code: 'rate_limited', message: expect.any(String) });
    // The other user is not affected.
    expect((await t.token({ bearer: await hs256(claims(other)) })).status).toBe(200);
  }, 60_000);

  it('the 429 is readable by the page: it carries the CORS grant and exposes Retry-After', async () => {
    const t = setup();
    const { res } = await untilLimited(() => t.token(), limits.ip);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Retry-After/i);
  }, 60_000);

  it('a failing limiter closes: 503 unavailable, and Kaleyra is never called', async () => {
    const broken = {
      limit: async () => {
        throw new Error('limiter down');
      },
    } as unknown as RateLimit;
    const t = setup({ IP_LIMITER: broken });
    const user = unique('down');
    await t.kaleyra.register(user);
    const res = await t.token({ bearer: await hs256(claims(user)) });
    expect(res.status).toBe(503);
    expect(await errorOf(res)).toEqual({ code: 'unavailable', message: expect.any(String) });
    expect(await t.kaleyra.calls()).toEqual([]);
  });
});

describe('clientKey (what the per-IP limit counts)', () => {
  it('uses an IPv4 address as it is', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups an IPv6 address by its /64', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('2001:DB8:1:2::9')).toBe(clientKey('2001:db8:1:2::10'));
    expect(clientKey('2001:db8:1:2::9')).not.toBe(clientKey('2001:db8:1:3::9'));
  });

  it('keys IPv4-mapped IPv6 addresses as the IPv4 address they carry', () => {
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::FFFF:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:0a00:0001')).toBe('10.0.0.1');
    expect(clientKey('::ffff:a00:1')).toBe('10.0.0.1');
    expect(clientKey('0:0:0:0:0:ffff:cb00:7107')).toBe('203.0.113.7');
    expect(clientKey('0000:0000:0000:0000:0000:ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).not.toBe(clientKey('::ffff:203.0.113.8'));
    // Not mapped: other /96 prefixes stay IPv6 /64 keys.
    expect(clientKey('::fffe:203.0.113.7')).toBe('0:0:0:0::/64');
    expect(clientKey('64:ff9b::203.0.113.7')).toBe('64:ff9b:0:0::/64');
  });

  it('two IPv4-mapped clients do not share one bucket', async () => {
    const t = setup();
    const a = `::ffff:198.51.${Math.floor(Math.random() * 256)}.1`;
    const b = a.replace(/\.1$/, '.2');
    const { accepted } = await untilLimited(() => t.fetch('/v1/token', post(a)), limits.ip);
    expect(accepted).toBeGreaterThanOrEqual(limits.ip);
    expect((await t.fetch('/v1/token', post(b))).status).toBe(401);
  }, 60_000);

  it('puts requests without CF-Connecting-IP (only possible off Cloudflare) together', () => {
    expect(clientKey(undefined)).toBe('unknown');
    expect(clientKey('')).toBe('unknown');
  });

  it('puts a CF-Connecting-IP that is not one address there too: a list cannot pick its bucket', () => {
    for (const header of [
      '203.0.113.7, 198.51.100.1',
      '203.0.113.7,198.51.100.2',
      '2001:db8:1:2::9, 2001:db8:1:3::9',
      '203.0.113.256',
      '203.0.113',
      '2001:db8:::1',
      '2001:db8::1::2',
      '2001:db8:zz::1',
      '1:2:3:4:5:6:7:8:9',
      '::ffff:203.0.113.999',
      'not-an-address',
    ]) {
      expect(clientKey(header), header).toBe('unknown');
    }
  });

  it('reads an address however it is written: the same client is one bucket', () => {
    expect(clientKey('203.000.113.007')).toBe('203.0.113.7');
    expect(clientKey('::')).toBe('0:0:0:0::/64');
    expect(clientKey('2001:db8:1:2::')).toBe('2001:db8:1:2::/64');
  });

  it('the limiter is asked with the key of the address, or "unknown" for a list', async () => {
    const { limiter: recording, keys } = recordingLimiter();
    const t = setup({ IP_LIMITER: recording });
    for (const ip of ['203.0.113.7', `203.0.113.7, ${randomIp()}`, `${randomIp()}, 203.0.113.7`]) {
      await t.fetch('/v1/token', post(ip));
    }
    expect(keys).toEqual(['ip:203.0.113.7', 'ip:unknown', 'ip:unknown']);
  });
});
