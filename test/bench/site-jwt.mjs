/**
 * Site JWTs for the worker benchmarks: HS256, signed with the secret the bench
 * hands to its own worker, as the site's login would sign them (docs/architecture.md, Security rules).
 */
import { SignJWT } from 'jose';

export const SITE_JWT_ISSUER = 'https://login.bench.invalid/';
export const SITE_JWT_AUDIENCE = 'kaleyra-call';

/** @param {string} secret @param {string} userId */
export function signSiteJwt(secret, userId) {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(SITE_JWT_ISSUER)
    .setAudience(SITE_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/**
 * The request the element makes (docs/architecture.md, Token request): POST, JSON, body `{}`, the site JWT as
 * a bearer token, and the page's Origin.
 * @param {string} origin @param {string} jwt
 */
export function tokenRequestHeaders(origin, jwt) {
  return {
    origin,
    accept: 'application/json',
    'content-type': 'application/json',
    authorization: `Bearer ${jwt}`,
  };
}
