import { SignJWT } from 'jose';

/**
 * A stand-in for the site's own login: the part of a real site (a CMS session,
 * Auth0, Keycloak, …) that knows who the visitor is. It signs HS256 site JWTs
 * that the token worker verifies with the same secret (AUTH_MODE=jwt), and hands
 * each one out two ways, to show both auth styles of the element:
 *   - in the response body, for the page to send as `Authorization: Bearer`
 *     (the element's `authToken`), kept per tab;
 *   - as an HttpOnly cookie (SITE_JWT_COOKIE) that the page cannot read and the
 *     browser sends with `credentials="include"`, shared by every tab.
 * The secret is made fresh by each `npm start` and lives only in memory and in
 * the worker's temporary env file.
 */
export const SITE_JWT_ISSUER = 'kaleyra-call-sandbox-site';
export const SITE_JWT_AUDIENCE = 'kaleyra-call';
export const SITE_JWT_COOKIE = 'site_session';
const LIFETIME_SECONDS = 3600;

/** @param {{ secret: string }} options */
export function createSiteLogin({ secret }) {
  const key = new TextEncoder().encode(secret);
  return {
    /** @param {{ id: string, name: string }} user */
    async signIn(user) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const expires = issuedAt + LIFETIME_SECONDS;
      const token = await new SignJWT({ name: user.name })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(SITE_JWT_ISSUER)
        .setAudience(SITE_JWT_AUDIENCE)
        .setSubject(user.id)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expires)
        .sign(key);
      return {
        token,
        expiresAt: new Date(expires * 1000).toISOString(),
        // SameSite=Strict still reaches the worker: another port of the same host is
        // the same site. No `Secure`: the sandbox is plain http on localhost.
        cookie: `${SITE_JWT_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${LIFETIME_SECONDS}`,
      };
    },
    signOutCookie: `${SITE_JWT_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
  };
}
