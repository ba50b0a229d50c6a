import { describe, expect, it } from 'vitest';
import { base32, sha256 } from '../../worker/hash';
import { MAPPED_MARKER, toKaleyraUserId } from '../../worker/user-id';
import { claims, hs256, setup, unique } from './support/harness';

const KALEYRA_ID = /^[A-Za-z0-9._-]{1,128}$/;

describe('base32 (RFC 4648 test vectors, lower case, no padding)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'my'],
    ['fo', 'mzxq'],
    ['foo', 'mzxw6'],
    ['foob', 'mzxw6yq'],
    ['fooba', 'mzxw6ytb'],
    ['foobar', 'mzxw6ytboi'],
  ];
  for (const [input, output] of vectors) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(output)}`, () => {
      expect(base32(new TextEncoder().encode(input))).toBe(output);
    });
  }
});

describe('toKaleyraUserId', () => {
  it('keeps a claim that is already a valid Kaleyra id', async () => {
    for (const claim of ['user_42', 'a', 'A.b-c_d', '0123456789', 'x'.repeat(128)]) {
      expect(await toKaleyraUserId(claim, '')).toBe(claim);
    }
  });

  it('applies USER_ID_PREFIX', async () => {
    expect(await toKaleyraUserId('user_42', 'acme-')).toBe('acme-user_42');
  });

  it('maps any other claim to prefix + "sha." + 26 base32 characters of its SHA-256', async () => {
    for (const claim of ['ada@example.com', 'auth0|64f1c2', 'José', 'a b', '', 'x'.repeat(129)]) {
      const expected = MAPPED_MARKER + base32(await sha256(claim)).slice(0, 26);
      expect(await toKaleyraUserId(claim, '')).toBe(expected);
      expect(await toKaleyraUserId(claim, 'acme-')).toBe(`acme-${expected}`);
      expect(expected).toMatch(/^sha\.[a-z2-7]{26}$/);
    }
  });

  it('maps a valid claim that would exceed 128 characters once prefixed', async () => {
    const claim = 'x'.repeat(125);
    expect(await toKaleyraUserId(claim, 'acme-')).toMatch(/^acme-sha\.[a-z2-7]{26}$/);
  });

  it('is stable, and different claims give different ids', async () => {
    const a1 = await toKaleyraUserId('ada@example.com', '');
    const a2 = await toKaleyraUserId('ada@example.com', '');
    const b = await toKaleyraUserId('Ada@example.com', '');
    expect(a1).toBe(a2);
    expect(a1).not.toBe(b);
  });

  it('a claim cannot impersonate the mapped id of another: "sha." claims are mapped too', async () => {
    const victim = await toKaleyraUserId('victim@example.com', '');
    const attacker = await toKaleyraUserId(victim, '');
    expect(attacker).not.toBe(victim);
    expect(attacker).toMatch(/^sha\.[a-z2-7]{26}$/);
  });

  it('no site identity maps to a guest_ id: guest_ claims are mapped like sha. claims', async () => {
    for (const claim of ['guest_abcdefghijklmnopqrstuvwxyz', 'guest_', 'GUEST_x', 'Guest_x']) {
      for (const prefix of ['', 'acme-']) {
        const id = await toKaleyraUserId(claim, prefix);
        expect(id.slice(prefix.length).toLowerCase().startsWith('guest_')).toBe(false);
        expect(id).toBe(prefix + MAPPED_MARKER + base32(await sha256(claim)).slice(0, 26));
      }
    }
    // Only the start counts.
    expect(await toKaleyraUserId('my_guest_1', '')).toBe('my_guest_1');
    expect(await toKaleyraUserId('guest', '')).toBe('guest');
  });

  it('always yields a valid Kaleyra id', async () => {
    const samples = ['', ' ', '\u0000', '../../etc', '<script>', '🙂', 'a'.repeat(10_000), 'ok'];
    for (const claim of samples) {
      expect(await toKaleyraUserId(claim, 'p.')).toMatch(KALEYRA_ID);
    }
  });
});

describe('the mapping end to end', () => {
  it('an e-mail subject reaches Kaleyra only as its mapped id', async () => {
    const t = setup();
    const email = `${unique('ada')}@example.com`;
    const mapped = await toKaleyraUserId(email, '');
    await t.kaleyra.register(mapped);
    const res = await t.token({ bearer: await hs256(claims(email)) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user_id: string }).user_id).toBe(mapped);
    const calls = await t.kaleyra.calls();
    expect(calls.map((c) => c.user_id)).toEqual([mapped]);
    expect(JSON.stringify(calls)).not.toContain(email);
  });

  it('a guest_ subject never reaches Kaleyra as a guest id', async () => {
    const t = setup({ TOKEN_CACHE: 'off' });
    const claim = `guest_${unique('g')}`;
    await t.kaleyra.register(claim);
    const res = await t.token({ bearer: await hs256(claims(claim)) });
    expect(res.status).toBe(502); // the mapped id is not registered: the guest's id was not used
    const calls = await t.kaleyra.credentialCalls();
    expect(calls.map((c) => c.user_id)).toEqual([await toKaleyraUserId(claim, '')]);
    expect(calls[0]?.user_id).toMatch(/^sha\./);
  });

  it('USER_ID_PREFIX is applied to what Kaleyra sees and what the page gets', async () => {
    const t = setup({ USER_ID_PREFIX: 'acme-' });
    const user = unique('u');
    await t.kaleyra.register(`acme-${user}`);
    const res = await t.token({ bearer: await hs256(claims(user)) });
    expect(((await res.json()) as { user_id: string }).user_id).toBe(`acme-${user}`);
  });
});
