import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cookieValues } from '../../worker/cookie';
import { claims, hs256, ORIGIN, randomIp, setup, unique } from './support/harness';

/**
 * The credential cookie as RFC 6265 defines a Cookie header (worker/cookie.ts):
 * pairs end at `;` only, names match exactly, and text inside another cookie's
 * value (commas, `=`, spaces, even `site_jwt=<JWT>`) is never a cookie.
 */
const TOKEN_CHARS = [
  ..."!#$%&'*+.^_`|~-",
  ...'0123456789',
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ...'abcdefghijklmnopqrstuvwxyz',
];
const cookieName = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 8 });
/** Optional whitespace around names and values, which RFC 6265 trims. */
const blank = fc.constantFrom('', '', ' ', '  ', '\t', ' \t');

/** A value with commas, `=` and inner spaces, trimmed (the parser trims), without `;` or quotes. */
function valueOf(planted: string[]): fc.Arbitrary<string> {
  const chunk = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'ab12=,. -_/+'), maxLength: 6 }),
    fc.constantFrom(',', ', ', '=', ...planted),
  );
  return fc
    .array(chunk, { maxLength: 5 })
    .map((parts) => parts.join('').replace(/^[ \t]+|[ \t]+$/g, ''));
}

interface Pair {
  /** The pair as sent (with its padding and perhaps quotes). */
  text: string;
  /** For a credential pair: the value the parser must return. */
  credential?: string;
}

/** A Cookie header with `count` pairs named `name` among others, in a random order. */
function header(name: string, count: fc.Arbitrary<number>) {
  const planted = [`${name}=`, `,${name}=x`, `, ${name}=y`, name];
  const pair = (pairName: string, credential: boolean) =>
    fc
      .record({
        value: valueOf(planted),
        quoted: fc.boolean(),
        pads: fc.array(blank, { minLength: 4, maxLength: 4 }),
      })
      .map(({ value, quoted, pads: [a, b, c, d] }): Pair => ({
        text: `${a}${pairName}${b}=${c}${quoted ? `"${value}"` : value}${d}`,
        ...(credential && { credential: value }),
      }));
  const other = fc.oneof(
    cookieName.filter((n) => n !== name).chain((n) => pair(n, false)),
    // A pair without `=` is a cookie without a name, even when its text is the name.
    fc.constantFrom(name, ` ${name} `, 'flag').map((text): Pair => ({ text })),
  );
  return fc
    .tuple(
      fc.array(other, { maxLength: 6 }),
      count.chain((n) => fc.array(pair(name, true), { minLength: n, maxLength: n })),
    )
    .chain(([others, credentials]) =>
      fc.shuffledSubarray([...others, ...credentials], {
        minLength: others.length + credentials.length,
      }),
    )
    .chain((pairs) =>
      fc
        .array(fc.constantFrom(';', '; ', ';  ', ';\t'), {
          minLength: pairs.length,
          maxLength: pairs.length,
        })
        .map((separators) => ({
          header: pairs.map((p, i) => (i === 0 ? '' : separators[i]) + p.text).join(''),
          credentials: pairs.flatMap((p) => (p.credential === undefined ? [] : [p.credential])),
        })),
    );
}

describe('property: the credential cookie is the pairs with its exact name, and only those', () => {
  it('cookieValues returns exactly the values of the pairs named so, in order (2000 runs)', () => {
    fc.assert(
      fc.property(
        cookieName.chain((name) =>
          header(name, fc.integer({ min: 0, max: 3 })).map((h) => ({ name, ...h })),
        ),
        ({ name, header: text, credentials }) => {
          expect(cookieValues(text, name)).toEqual(credentials);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a name differing only in case, or containing the name, is another cookie', () => {
    fc.assert(
      fc.property(
        cookieName.filter((n) => n.toLowerCase() !== n.toUpperCase()),
        (name) => {
          const others = [name.toUpperCase(), name.toLowerCase(), `x${name}`, `${name}x`].filter(
            (n) => n !== name,
          );
          expect(cookieValues(others.map((n) => `${n}=v`).join('; '), name)).toEqual([]);
        },
      ),
    );
  });
});

describe('property: the worker signs in with the credential cookie exactly when it is sent once', () => {
  it('once → that user; never → 401; twice or more → 400; planted text in other values never counts (40 runs)', async () => {
    const COOKIE = 'site_jwt';
    const t = setup({ SITE_JWT_COOKIE: COOKIE, TOKEN_CACHE: 'off' });
    const [victim, attacker] = [unique('cv'), unique('ca')];
    await t.kaleyra.register(victim, attacker);
    const victimJwt = await hs256(claims(victim, { exp: Math.floor(Date.now() / 1000) + 3600 }));
    const attackerJwt = await hs256(claims(attacker));

    await fc.assert(
      fc.asyncProperty(
        fc.record({
          count: fc.integer({ min: 0, max: 2 }),
          others: fc.array(
            fc.tuple(
              cookieName.filter((n) => n !== COOKIE),
              fc.constantFrom(
                '1',
                `1,${COOKIE}=${attackerJwt}`,
                `a, ${COOKIE}=${attackerJwt}`,
                'x=y',
              ),
            ),
            { maxLength: 4 },
          ),
          credentialFirst: fc.boolean(),
        }),
        async ({ count, others, credentialFirst }) => {
          const credential = Array.from({ length: count }, () => `${COOKIE}=${victimJwt}`);
          const rest = others.map(([name, value]) => `${name}=${value}`);
          const cookie = (
            credentialFirst ? [...credential, ...rest] : [...rest, ...credential]
          ).join('; ');
          const before = (await t.kaleyra.credentialCalls()).length;
          const res = await t.fetch('/v1/token', {
            method: 'POST',
            ip: randomIp(),
            headers: { origin: ORIGIN, 'content-type': 'application/json', cookie },
            body: '{}',
          });
          const calls = (await t.kaleyra.credentialCalls()).length - before;
          if (count === 1) {
            expect(res.status).toBe(200);
            expect(((await res.json()) as { user_id: string }).user_id).toBe(victim);
            expect(calls).toBe(1);
          } else {
            expect(res.status).toBe(count === 0 ? 401 : 400);
            expect(calls).toBe(0);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
