/**
 * Shared helpers for the worker tests. Requests go through the worker's real
 * fetch handler (`app.fetch`, the default export) inside workerd, with an `env`
 * built from wrangler.jsonc and the test bindings, plus per-test overrides.
 * Each setup() gets its own Kaleyra REST stand-in (a fresh host name routed by
 * support/outbound.mjs) and its own client IP, so tests never share state.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import app from '../../../worker/index';
import type { Bindings } from '../../../worker/env';
import { markSensitive } from './log-capture';

export type TestBindings = Bindings & { KALEYRA_SIGNING_SECRET: string };
export const testEnv = env as unknown as TestBindings;
export const API_KEY = testEnv.KALEYRA_API_KEY as string;
export const SITE_SECRET = testEnv.SITE_JWT_SECRET as string;
export const ORIGIN = testEnv.ALLOWED_ORIGINS.split(',')[0] as string;
export const ISSUER = testEnv.SITE_JWT_ISSUER;
export const AUDIENCE = testEnv.SITE_JWT_AUDIENCE;

let counter = 0;
/** A name no other test uses (test files share the stand-ins and limiters). */
export function unique(label = 'u'): string {
  counter += 1;
  const random = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  return `${label}${counter.toString(36)}${random}`;
}

/** A random IPv6 client in its own /64, so rate-limit buckets are never shared by accident. */
export function randomIp(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint16Array(3));
  return `2001:db8:${a!.toString(16)}:${b!.toString(16)}::${c!.toString(16)}`;
}

/** A rate limiter that allows every request and records the key of each. */
export function recordingLimiter(): { limiter: RateLimit; keys: string[] } {
  const keys: string[] = [];
  const limiter = {
    limit: async ({ key }: { key: string }) => {
      keys.push(key);
      return { success: true };
    },
  } as unknown as RateLimit;
  return { limiter, keys };
}

export interface KaleyraRestCall {
  method: string;
  path: string;
  apikey: 'valid' | 'invalid' | 'missing';
  status: number | null;
  user_id?: unknown;
  expires_in?: unknown;
  fault?: string;
}

export interface Fault {
  kind: string;
  times?: number;
  ms?: number;
  status?: number;
  retryAfter?: number;
}

/** Drives one stand-in instance through its public and control routes. */
export class KaleyraHost {
  readonly origin: string;
  readonly base: string;

  constructor(readonly host = `${unique('k')}.kaleyra.test`) {
    this.origin = `https://${host}`;
    this.base = `${this.origin}/v2`;
  }

  async register(...ids: string[]): Promise<void> {
    for (const id of ids) {
      const res = await fetch(`${this.base}/users`, {
        method: 'POST',
        headers: { apikey: API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ id, role: 'basic' }),
      });
      if (res.status !== 201) throw new Error(`register ${id}: ${res.status}`);
    }
  }

  async faults(...faults: Fault[]): Promise<void> {
    const res = await fetch(`${this.origin}/__control/faults`, {
      method: 'POST',
      body: JSON.stringify({ faults }),
    });
    if (!res.ok) throw new Error(`faults: ${res.status}`);
  }

  /** Calls Kaleyra received (users calls made by register() excluded). */
  async calls(): Promise<KaleyraRestCall[]> {
    const res = await fetch(`${this.origin}/__control/calls`);
    const { calls } = (await res.json()) as { calls: KaleyraRestCall[] };
    return calls.filter((c) => !(c.method === 'POST' && c.path === '/v2/users'));
  }

  /** Users the stand-in knows (those made by register() included). */
  async users(): Promise<{ id: string; role: string }[]> {
    const res = await fetch(`${this.base}/users?limit=1000`, { headers: { apikey: API_KEY } });
    return ((await res.json()) as { users: { id: string; role: string }[] }).users;
  }

  /** Every call the stand-in received, register()'s included. */
  async allCalls(): Promise<KaleyraRestCall[]> {
    const res = await fetch(`${this.origin}/__control/calls`);
    return ((await res.json()) as { calls: KaleyraRestCall[] }).calls;
  }

  async credentialCalls(): Promise<KaleyraRestCall[]> {
    return (await this.calls()).filter((c) => c.path === '/v2/sdk/credentials');
  }

  /** Runs the stand-in's clock `offsetMs` ahead of real time (it lives in another isolate). */
  async clock(offsetMs: number): Promise<void> {
    await fetch(`${this.origin}/__control/clock`, {
      method: 'POST',
      body: JSON.stringify({ offsetMs }),
    });
  }
}

export type RogueAnswer =
  { kind: 'stream'; bytes: number } | { kind: 'token'; expiresAt?: string | number; pad?: number };

/** A Kaleyra look-alike whose credentials answer a test scripts (support/outbound.mjs). */
export class RogueKaleyraHost {
  readonly origin: string;
  readonly base: string;

  constructor(readonly host = `${unique('r')}.rogue.test`) {
    this.origin = `https://${host}`;
    this.base = `${this.origin}/v2`;
  }

  async answer(answer: RogueAnswer): Promise<void> {
    await fetch(`${this.origin}/__control/answer`, {
      method: 'POST',
      body: JSON.stringify(answer),
    });
  }

  async sent(): Promise<{
    calls: number;
    bytesSent: number;
    cancelled: boolean;
    users: { id: unknown; role: unknown }[];
  }> {
    return (await fetch(`${this.origin}/__control/sent`)).json();
  }

  /** How the next POST /v2/users calls are answered, in order (then 201). */
  async userAnswers(...answers: RogueUserAnswer[]): Promise<void> {
    await fetch(`${this.origin}/__control/users`, {
      method: 'POST',
      body: JSON.stringify({ answers }),
    });
  }
}

export type RogueUserAnswer =
  { status: number; retryAfter?: number } | { hang: true } | { disconnect: true };

export const TURNSTILE_SITE_KEY = testEnv.TURNSTILE_SITE_KEY as string;
export const TURNSTILE_ACTION = 'kaleyra-call';

export interface SiteverifyRequest {
  remoteip?: string;
  idempotency_key?: string;
  secret: string;
  response: string;
  success: boolean | null;
  errorCodes: string[];
}

/** A Turnstile stand-in of its own (support/outbound.mjs): the widget's side and siteverify. */
export class TurnstileHost {
  readonly origin: string;
  readonly verifyUrl: string;

  constructor(readonly host = `${unique('ts')}.turnstile.test`) {
    this.origin = `https://${host}`;
    this.verifyUrl = `${this.origin}/turnstile/v0/siteverify`;
  }

  /**
   * What the widget hands the page after a passed challenge: a single-use token
   * for this hostname and action (by default the first allowed origin's, and
   * the element's).
   */
  async solve(
    fields: { hostname?: string; action?: string; sitekey?: string } = {},
  ): Promise<string> {
    const res = await fetch(`${this.origin}/turnstile/v0/challenge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sitekey: fields.sitekey ?? TURNSTILE_SITE_KEY,
        action: fields.action ?? TURNSTILE_ACTION,
        hostname: fields.hostname ?? new URL(ORIGIN).hostname,
      }),
    });
    const { token } = (await res.json()) as { token?: string };
    if (!token) throw new Error(`challenge: no token (${res.status})`);
    markSensitive(token);
    return token;
  }

  async siteverify(behavior: {
    mode: 'normal' | 'outage' | 'internal-error' | 'slow';
    status?: number;
    ms?: number;
    times?: number;
  }): Promise<void> {
    const res = await fetch(`${this.origin}/__control/turnstile`, {
      method: 'POST',
      body: JSON.stringify({ siteverify: behavior }),
    });
    if (!res.ok) throw new Error(`siteverify behaviour: ${res.status}`);
  }

  /** siteverify requests so far, oldest first (the stand-in keeps the last 20). */
  async requests(): Promise<SiteverifyRequest[]> {
    const res = await fetch(`${this.origin}/__control/turnstile`);
    return ((await res.json()) as { requests: SiteverifyRequest[] }).requests;
  }

  async siteverifyCalls(): Promise<number> {
    const res = await fetch(`${this.origin}/__control/turnstile`);
    return ((await res.json()) as { siteverifyCalls: number }).siteverifyCalls;
  }

  /** Runs the stand-in's clock `offsetMs` ahead (a token older than 300 s is expired). */
  async clock(offsetMs: number): Promise<void> {
    await fetch(`${this.origin}/__control/clock`, {
      method: 'POST',
      body: JSON.stringify({ offsetMs }),
    });
  }
}

/** A siteverify that answers whatever a test scripts (support/outbound.mjs). */
export class ScriptedSiteverify {
  readonly origin: string;
  readonly verifyUrl: string;

  constructor(readonly host = `${unique('sv')}.siteverify.test`) {
    this.origin = `https://${host}`;
    this.verifyUrl = `${this.origin}/turnstile/v0/siteverify`;
  }

  async answer(status: number, body: string, contentType = 'application/json'): Promise<void> {
    await fetch(`${this.origin}/__control/answer`, {
      method: 'POST',
      body: JSON.stringify({ status, body, contentType }),
    });
  }

  async calls(): Promise<number> {
    const res = await fetch(`${this.origin}/__control/count`);
    return ((await res.json()) as { calls: number }).calls;
  }
}

export interface RequestOptions extends RequestInit {
  /** Client IP (CF-Connecting-IP); defaults to the setup's own, `null` sends none. */
  ip?: string | null;
}

export interface Setup {
  env: TestBindings;
  kaleyra: KaleyraHost;
  turnstile: TurnstileHost;
  ip: string;
  /** Any request to the worker. */
  fetch(path: string, init?: RequestOptions): Promise<Response>;
  /** A well-formed token request (POST, JSON, `{}`, allowed Origin) with these changes. */
  token(options?: {
    bearer?: string;
    headers?: HeadersInit;
    body?: BodyInit | null;
  }): Promise<Response>;
  /** A well-formed guest request (POST, JSON, `{"turnstile": token}`, allowed Origin). */
  guest(
    turnstileToken: string,
    options?: { headers?: HeadersInit; body?: BodyInit | null; ip?: string | null },
  ): Promise<Response>;
}

/**
 * A deployment with guests on: GUEST_ACCESS=turnstile against its own Turnstile
 * stand-in (setup() makes one) and Kaleyra REST stand-in.
 */
export function guestSetup(overrides: Partial<TestBindings> = {}): Setup {
  const turnstile = new TurnstileHost();
  return setup(
    {
      GUEST_ACCESS: 'turnstile',
      TURNSTILE_VERIFY_URL: turnstile.verifyUrl,
      ...overrides,
    },
    turnstile,
  );
}

export function setup(
  overrides: Partial<TestBindings> = {},
  turnstile = new TurnstileHost(),
): Setup {
  const kaleyra = new KaleyraHost();
  const ip = randomIp();
  const bindings: TestBindings = { ...testEnv, KALEYRA_API_BASE: kaleyra.base, ...overrides };
  const fetchWorker = async (path: string, init: RequestOptions = {}) => {
    const { ip: clientIp = ip, ...requestInit } = init;
    const headers = new Headers(requestInit.headers);
    if (clientIp !== null && !headers.has('cf-connecting-ip'))
      headers.set('cf-connecting-ip', clientIp);
    for (const name of ['authorization', 'cookie', 'cf-access-jwt-assertion']) {
      markSensitive(headers.get(name));
    }
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request(`https://token.test${path}`, { ...requestInit, headers }),
      bindings,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    await markIssuedToken(response);
    return response;
  };
  const json = (headers: HeadersInit | undefined) => {
    const all = new Headers({ origin: ORIGIN, 'content-type': 'application/json' });
    new Headers(headers).forEach((value, name) => all.set(name, value));
    return all;
  };
  return {
    env: bindings,
    kaleyra,
    turnstile,
    ip,
    fetch: fetchWorker,
    guest: (turnstileToken, { headers, body, ip: clientIp } = {}) =>
      fetchWorker('/v1/guest', {
        method: 'POST',
        headers: json(headers),
        body: body === undefined ? JSON.stringify({ turnstile: turnstileToken }) : body,
        ...(clientIp !== undefined && { ip: clientIp }),
      }),
    token: ({ bearer, headers, body = '{}' } = {}) => {
      const all = new Headers({ origin: ORIGIN, 'content-type': 'application/json' });
      if (bearer !== undefined) all.set('authorization', `Bearer ${bearer}`);
      new Headers(headers).forEach((value, name) => all.set(name, value));
      return fetchWorker('/v1/token', { method: 'POST', headers: all, body });
    },
  };
}

/** The log-capture check must also look for every access and guest token the worker handed out. */
async function markIssuedToken(response: Response): Promise<void> {
  if (response.status !== 200 || !response.headers.get('content-type')?.includes('json')) return;
  const text = await response.clone().text();
  if (text === '') return; // HEAD
  const body = JSON.parse(text) as { access_token?: string; guest_token?: string };
  markSensitive(body.access_token);
  markSensitive(body.guest_token);
}

/** Claims of a valid site JWT for `sub`, valid for 5 minutes. */
export function claims(sub: string, extra: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: AUDIENCE, sub, iat: now, exp: now + 300, ...extra };
}

/** Drops claims whose value is `undefined`, e.g. `{ exp: undefined }` for a token without exp. */
function defined(payload: JWTPayload): JWTPayload {
  return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
}

/** An HS256 site JWT signed with `secret` (default: the configured SITE_JWT_SECRET). */
export function hs256(
  payload: JWTPayload,
  secret: string | Uint8Array = SITE_SECRET,
): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(defined(payload)).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
}

export interface SigningKey {
  alg: 'RS256' | 'ES256';
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  sign(payload: JWTPayload, header?: { kid?: string }): Promise<string>;
}

export async function signingKey(alg: 'RS256' | 'ES256', kid = unique('kid')): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return {
    alg,
    kid,
    privateKey,
    publicJwk,
    sign: (payload, header = {}) =>
      new SignJWT(defined(payload))
        .setProtectedHeader({ alg, typ: 'JWT', kid: header.kid ?? kid })
        .sign(privateKey),
  };
}

export function jwks(...keys: SigningKey[]): string {
  return JSON.stringify({ keys: keys.map((k) => k.publicJwk) });
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

/**
 * An HS256 site JWT over exactly this payload text or these bytes, for payloads
 * JSON.stringify cannot make (`1e400`, invalid UTF-8).
 */
export async function hs256Raw(
  payload: string | Uint8Array,
  secret: string = SITE_SECRET,
): Promise<string> {
  const utf8 = new TextEncoder();
  const bytes = typeof payload === 'string' ? utf8.encode(payload) : payload;
  const input = `${base64url(utf8.encode('{"alg":"HS256","typ":"JWT"}'))}.${base64url(bytes)}`;
  const key = await crypto.subtle.importKey(
    'raw',
    utf8.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(input)));
  return `${input}.${base64url(mac)}`;
}

/** A JWT with `alg: none` and no signature (with the header's `typ`). */
export function unsigned(payload: JWTPayload, typ = 'JWT'): string {
  const part = (value: object) =>
    btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  return `${part({ alg: 'none', typ })}.${part(payload)}.`;
}

/** The header a guest token carries (worker/guest-token.ts). */
export const GUEST_HEADER = { alg: 'HS256', typ: 'kaleyra-call-guest+jwt' } as const;

/** The claims of a guest token for `sub`, valid for ten minutes: what a forgery would copy. */
export function guestClaims(sub: string): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'kaleyra-call-worker', aud: 'kaleyra-call-guest', sub, iat: now, exp: now + 600 };
}

/** `payload` signed as a guest token would be, but with `secret` as the key. */
export function signAsGuest(payload: JWTPayload, secret: string): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader(GUEST_HEADER)
    .sign(new TextEncoder().encode(secret));
}

/** An identity provider host serving a JWKS (support/outbound.mjs). */
export class IdpHost {
  readonly origin: string;
  readonly jwksUrl: string;

  constructor(readonly host = `${unique('idp')}.idp.test`) {
    this.origin = `https://${host}`;
    this.jwksUrl = `${this.origin}/jwks.json`;
  }

  async publish(jwksJson: string): Promise<void> {
    await fetch(this.jwksUrl, { method: 'PUT', body: jwksJson });
  }

  async mode(mode: 'ok' | 'down' | 'hang' | 'slow'): Promise<void> {
    await fetch(`${this.origin}/__control/mode`, {
      method: 'POST',
      body: JSON.stringify({ mode }),
    });
  }

  /** From now on, the key URLs answer `302 Location: <location>` instead of the keys. */
  async redirectTo(location: string): Promise<void> {
    await fetch(`${this.origin}/__control/mode`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'redirect', location }),
    });
  }

  async fetches(): Promise<number> {
    const res = await fetch(`${this.origin}/__control/count`);
    return ((await res.json()) as { fetches: number }).fetches;
  }
}

export interface ErrorJson {
  error: {
    code: string;
    message: string;
    guest?: { endpoint: string; challenge: string; sitekey: string };
  };
}

export async function errorOf(response: Response): Promise<ErrorJson['error']> {
  return ((await response.json()) as ErrorJson).error;
}
