import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configFor } from '../../worker/config';
import { issueGuestToken } from '../../worker/guest-token';
import {
  claims,
  GUEST_HEADER,
  guestClaims,
  signAsGuest,
  guestSetup,
  hs256,
  ORIGIN,
  randomIp,
  unsigned,
  type Setup,
} from './support/harness';

/**
 * Property: without a passing challenge, no sequence of requests creates a
 * Kaleyra user or mints a token. Each run is a fresh guest deployment and a
 * random sequence of what a visitor without one could send: guest requests with
 * refused, replay-shaped, made-up, expired or wrong-site Turnstile tokens (some
 * while siteverify is down or failing), malformed guest bodies, and token
 * requests with no credentials or with forged, expired or foreign guest tokens.
 */
type Step =
  | { kind: 'guest-token'; token: 'made-up' | 'wrong-host' | 'wrong-action' | 'expired' }
  | { kind: 'guest-garbage'; text: string }
  | { kind: 'guest-body'; body: string }
  | { kind: 'siteverify'; mode: 'outage' | 'internal-error' | 'normal' }
  | {
      kind: 'token';
      credential:
        'none' | 'forged-guest' | 'unsigned-guest' | 'expired-guest' | 'site-as-guest' | 'garbage';
      text: string;
    };

const steps: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('guest-token' as const),
    token: fc.constantFrom('made-up', 'wrong-host', 'wrong-action', 'expired' as const),
  }),
  fc.record({ kind: fc.constant('guest-garbage' as const), text: fc.string({ maxLength: 80 }) }),
  fc.record({
    kind: fc.constant('guest-body' as const),
    body: fc.oneof(
      fc.json({ maxDepth: 2 }),
      fc.constantFrom('{}', '{"turnstile":""}', '{"turnstile":"x","user_id":"v"}', '[]'),
    ),
  }),
  fc.record({
    kind: fc.constant('siteverify' as const),
    mode: fc.constantFrom('outage', 'internal-error', 'normal' as const),
  }),
  fc.record({
    kind: fc.constant('token' as const),
    credential: fc.constantFrom(
      'none',
      'forged-guest',
      'unsigned-guest',
      'expired-guest',
      'site-as-guest',
      'garbage' as const,
    ),
    text: fc.string({ maxLength: 60 }),
  }),
);

async function credentialFor(t: Setup, step: Extract<Step, { kind: 'token' }>) {
  const payload = guestClaims(`guest_${'q'.repeat(26)}`);
  switch (step.credential) {
    case 'none':
      return undefined;
    case 'forged-guest':
      return signAsGuest(payload, `attacker-${step.text}-padding-to-be-long-enough`);
    case 'unsigned-guest':
      return unsigned(payload, GUEST_HEADER.typ);
    case 'expired-guest': {
      const config = configFor(t.env);
      if (config instanceof Error || !config.guest) throw new Error('no guest config');
      return (await issueGuestToken({ ...config.guest, sessionSeconds: -60 }, payload.sub!)).token;
    }
    case 'site-as-guest':
      // A site JWT (valid as one!) whose header claims to be a guest token.
      return signAsGuest(claims(payload.sub!), t.env.SITE_JWT_SECRET as string);
    case 'garbage':
      return step.text.trim() || 'x';
  }
}

async function run(t: Setup, step: Step): Promise<Response | undefined> {
  const ip = randomIp();
  switch (step.kind) {
    case 'siteverify':
      await t.turnstile.siteverify({ mode: step.mode });
      return undefined;
    case 'guest-token': {
      let token = '0.bWFkZS11cA.c2ln';
      if (step.token === 'wrong-host')
        token = await t.turnstile.solve({ hostname: 'evil.example' });
      if (step.token === 'wrong-action') token = await t.turnstile.solve({ action: 'signup' });
      if (step.token === 'expired') {
        token = await t.turnstile.solve();
        await t.turnstile.clock(301_000);
        const res = await t.guest(token, { ip });
        await t.turnstile.clock(0);
        return res;
      }
      return t.guest(token, { ip });
    }
    case 'guest-garbage':
      return t.guest(step.text || 'x', { ip });
    case 'guest-body':
      return t.guest('', { body: step.body, ip });
    case 'token': {
      const bearer = await credentialFor(t, step);
      return t.token({
        ...(bearer !== undefined && { bearer }),
        headers: { 'cf-connecting-ip': ip },
      });
    }
  }
}

describe('property: no passing challenge, no guest', () => {
  it('no sequence of requests without a passed challenge creates a user or mints a token', async () => {
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(steps, { minLength: 1, maxLength: 8 }), async (sequence) => {
        const t = guestSetup();
        for (const step of sequence) {
          const res = await run(t, step);
          if (!res) continue;
          requests++;
          const text = await res.text();
          expect(res.status).not.toBe(200);
          expect(text).not.toMatch(/access_token|guest_token/);
        }
        expect(await t.kaleyra.allCalls()).toEqual([]);
        expect(await t.kaleyra.users()).toEqual([]);
      }),
      { numRuns: 60 },
    );
    expect(requests).toBeGreaterThan(100);
  }, 180_000);

  it('the same harness does create a guest once a challenge passes (the property can fail)', async () => {
    const t = guestSetup();
    await run(t, { kind: 'token', credential: 'forged-guest', text: 'x' });
    const res = await t.guest(await t.turnstile.solve(), { headers: { origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(await t.kaleyra.users()).toHaveLength(1);
    // And a valid site JWT still mints, so the token steps above were refused for their credential.
    const user = 'prop-site-user';
    await t.kaleyra.register(user);
    expect((await t.token({ bearer: await hs256(claims(user)) })).status).toBe(200);
  });
});
