/**
 * Cloudflare Turnstile stand-in, server side: `siteverify` as Cloudflare answers it, plus the
 * challenge endpoint that the browser stand-in (sandbox/turnstile/browser/) calls, as a Hono app:
 * a Web-standard `fetch(Request) → Response`. The same code runs inside workerd (the worker
 * tests route the worker's outbound calls to it) and under Node (server.mjs, which
 * also serves the bundled browser script), so it imports nothing from Node and reads no files.
 *
 * Its routes, site keys, control API and the choices it made where Cloudflare is silent:
 * README.md here.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { base64url, sleep } from '../support/portable.mjs';

const encoder = new TextEncoder();

export const TOKEN_TTL_MS = 300_000;
export const MAX_RESPONSE_LENGTH = 2048;
export const DUMMY_TOKEN = 'XXXX.DUMMY.TOKEN.XXXX';

/** Cloudflare's test site keys: how each behaves, and whether its widget is invisible. */
export const TEST_SITEKEYS = Object.freeze({
  '1x00000000000000000000AA': { challenge: 'pass', mode: 'managed' },
  '2x00000000000000000000AB': { challenge: 'fail', mode: 'managed' },
  '1x00000000000000000000BB': { challenge: 'pass', mode: 'invisible' },
  '2x00000000000000000000BB': { challenge: 'fail', mode: 'invisible' },
  '3x00000000000000000000FF': { challenge: 'interactive', mode: 'managed' },
});

/** Cloudflare's test secrets and their verdicts. */
export const TEST_SECRETS = Object.freeze({
  '1x0000000000000000000000000000000AA': 'pass',
  '2x0000000000000000000000000000000AA': 'fail',
  '3x0000000000000000000000000000000AA': 'spent',
});

/** The sandbox's own site: shaped like real keys (24 and 35 characters). */
export const SANDBOX_SITE = Object.freeze({
  sitekey: '0x4AAAAAAASandboxLocal01',
  secret: '0x4AAAAAAASandboxLocalSecret0000001',
});

const CHALLENGES = ['pass', 'interactive', 'fail'];
const SITEVERIFY_MODES = ['normal', 'outage', 'internal-error', 'slow'];
const FIELD = /^[A-Za-z0-9_-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEPT_REQUESTS = 20;

/** Thrown by `fetch` for the siteverify `outage` without status: the host drops the connection. */
export class TurnstileDisconnect extends Error {
  name = 'TurnstileDisconnect';
}

/**
 * @typedef {{ sitekey: string, secret: string, domains?: string[], mode?: 'managed' | 'invisible' }} Site
 * @typedef {'pass' | 'interactive' | 'fail'} Challenge
 * @typedef {{ mode: 'normal' | 'outage' | 'internal-error' | 'slow', status?: number, ms?: number, times?: number }} SiteverifyBehavior
 * @typedef {{ at: string, remoteip?: string, idempotency_key?: string,
 *   secret: 'missing' | 'invalid' | 'test-pass' | 'test-fail' | 'test-spent' | 'sandbox',
 *   response: 'missing' | 'present', success: boolean | null, errorCodes: string[] }} SiteverifyRequest
 * @typedef {{ sitekey: string, action?: string, cData?: string, hostname: string,
 *   interactive?: boolean, challengeTs?: number }} TokenFields
 */

/**
 * @param {{ sites?: Site[], tokenKey?: string, now?: () => number }} [options]
 */
export function createTurnstileStandIn(options = {}) {
  const { tokenKey = crypto.randomUUID(), now = () => Date.now() } = options;
  /** @type {Map<string, Site>} */
  const sites = new Map();
  for (const site of options.sites ?? []) addSite(site);

  /** @type {Challenge} */
  let defaultChallenge;
  /** @type {Map<string, Challenge>} */
  let challenges;
  /** @type {SiteverifyBehavior} */
  let siteverifyBehavior;
  /** @type {SiteverifyRequest[]} */
  let requests;
  let siteverifyCalls;
  let challengeCalls;
  /** Token nonce → challenge time, for single use. @type {Map<string, number>} */
  let redeemed;
  /** Idempotency key → the first verdict and what it was for. @type {Map<string, {token: string, secret: string, challengeTs: number, body: object}>} */
  let replays;
  reset();

  function reset() {
    defaultChallenge = 'pass';
    challenges = new Map();
    siteverifyBehavior = { mode: 'normal' };
    requests = [];
    siteverifyCalls = 0;
    challengeCalls = 0;
    redeemed = new Map();
    replays = new Map();
  }

  /** @param {Site} site */
  function addSite(site) {
    if (typeof site?.sitekey !== 'string' || typeof site.secret !== 'string') {
      throw new TypeError('createTurnstileStandIn: a site needs a sitekey and a secret');
    }
    if (site.sitekey in TEST_SITEKEYS || site.secret in TEST_SECRETS) {
      throw new TypeError('createTurnstileStandIn: test keys are built in');
    }
    sites.set(site.sitekey, { mode: 'managed', ...site });
  }

  const control = {
    addSite,
    /** @param {Challenge} challenge @param {string} [sitekey] */
    setChallenge(challenge, sitekey) {
      if (!CHALLENGES.includes(challenge)) {
        throw new TypeError(`unknown challenge behaviour ${JSON.stringify(challenge)}`);
      }
      if (sitekey === undefined) defaultChallenge = challenge;
      else if (sites.has(sitekey)) challenges.set(sitekey, challenge);
      else throw new TypeError('setChallenge: not a sandbox site key');
    },
    /** @param {SiteverifyBehavior} behavior */
    setSiteverify(behavior) {
      const { mode, status, ms, times } = behavior ?? {};
      if (!SITEVERIFY_MODES.includes(mode)) {
        throw new TypeError(`unknown siteverify mode ${JSON.stringify(mode)}`);
      }
      if (status !== undefined && !(Number.isInteger(status) && status >= 500 && status <= 599)) {
        throw new TypeError('siteverify status: an integer 500..599');
      }
      if (mode === 'slow' && !(Number.isFinite(ms) && ms >= 0)) {
        throw new TypeError('siteverify slow: ms ≥ 0');
      }
      if (times !== undefined && !(Number.isInteger(times) && times > 0)) {
        throw new TypeError('siteverify times: an integer > 0');
      }
      siteverifyBehavior = { mode, status, ms, times };
    },
    /** Every siteverify request so far (the last 20 kept in `requests`). */
    get siteverifyCalls() {
      return siteverifyCalls;
    },
    get challengeCalls() {
      return challengeCalls;
    },
    /** @returns {SiteverifyRequest[]} oldest first */
    requests: () => requests.map((r) => ({ ...r, errorCodes: [...r.errorCodes] })),
    state() {
      return {
        challenge: { default: defaultChallenge, sites: Object.fromEntries(challenges) },
        siteverify: { ...siteverifyBehavior },
        siteverifyCalls,
        challengeCalls,
        requests: control.requests(),
      };
    },
    /** A token as a sandbox site's widget would get it, e.g. for another hostname or an old time. */
    mint: (/** @type {TokenFields} */ fields) => {
      if (!sites.has(fields.sitekey)) throw new TypeError('mint: not a sandbox site key');
      return mint(fields);
    },
    reset,
  };

  let hmacKey;
  function key() {
    hmacKey ??= crypto.subtle.importKey(
      'raw',
      encoder.encode(tokenKey),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    return hmacKey;
  }

  /** @param {TokenFields} fields */
  async function mint(fields) {
    const payload = base64url(
      JSON.stringify({
        s: fields.sitekey,
        a: fields.action ?? '',
        c: fields.cData ?? '',
        h: fields.hostname,
        i: fields.interactive === true,
        t: fields.challengeTs ?? now(),
        n: crypto.randomUUID(),
      }),
    );
    const signature = await crypto.subtle.sign('HMAC', await key(), encoder.encode(payload));
    return `0.${payload}.${base64url(new Uint8Array(signature))}`;
  }

  /** The token's claims when this stand-in minted it, else null. @param {string} token */
  async function readToken(token) {
    const match = /^0\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!match) return null;
    const [, payload, signature] = match;
    const valid = await crypto.subtle
      .verify('HMAC', await key(), fromBase64url(signature), encoder.encode(payload))
      .catch(() => false);
    if (!valid) return null;
    try {
      return JSON.parse(new TextDecoder().decode(fromBase64url(payload)));
    } catch {
      return null;
    }
  }

  const app = new Hono();

  const openCors = cors({
    origin: (origin) => origin,
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['content-type'],
    maxAge: 600,
  });

  app.post('/turnstile/v0/siteverify', (c) => siteverify(c.req.raw));
  app.all('/turnstile/v0/siteverify', () => verdict(['bad-request'], 405));

  app.use('/turnstile/v0/challenge', openCors);
  app.post('/turnstile/v0/challenge', async (c) => {
    challengeCalls++;
    return Response.json(await challenge(parseJson(await c.req.text())));
  });

  app.use('/__control/turnstile', openCors);
  app.get('/__control/turnstile', () => Response.json(control.state()));
  app.post('/__control/turnstile', async (c) => {
    const body = parseJson(await c.req.text());
    if (!isObject(body)) return Response.json({ error: 'expected a JSON object' }, { status: 400 });
    try {
      if (body.reset === true) reset();
      if (body.challenge !== undefined) control.setChallenge(body.challenge, body.sitekey);
      if (body.siteverify !== undefined) control.setSiteverify(body.siteverify);
    } catch (err) {
      return Response.json({ error: /** @type {Error} */ (err).message }, { status: 400 });
    }
    return Response.json(control.state());
  });
  app.all('/__control/turnstile', () =>
    Response.json({ error: 'use GET or POST' }, { status: 405 }),
  );

  app.notFound(() => new Response('Not Found', { status: 404 }));
  // TurnstileDisconnect must reach the host, which drops the connection; so must a bug.
  app.onError((err) => {
    throw err;
  });

  /** @param {any} body */
  async function challenge(body) {
    if (!isObject(body)) return { error: '106010' };
    const { sitekey, action = '', cData = '', hostname, interacted = false } = body;
    const test = TEST_SITEKEYS[sitekey];
    const site = sites.get(sitekey);
    if (typeof sitekey !== 'string' || (!test && !site)) return { error: '110100' };
    // Known from here on: the widget learns whether it is invisible, whatever the verdict.
    const mode = test ? test.mode : site.mode;
    if (!isField(action, 32)) return { error: '110420', mode };
    if (!isField(cData, 255)) return { error: '110430', mode };
    if (typeof hostname !== 'string' || hostname === '') return { error: '110200', mode };
    if (site?.domains && !site.domains.some((d) => hostname === d || hostname.endsWith(`.${d}`))) {
      return { error: '110200', mode };
    }
    const behavior = test ? test.challenge : (challenges.get(sitekey) ?? defaultChallenge);
    if (behavior === 'fail') return { error: '600010', mode };
    if (behavior === 'interactive' && interacted !== true) return { interactive: true, mode };
    if (test) return { token: DUMMY_TOKEN, mode };
    const token = await mint({
      sitekey,
      action,
      cData,
      hostname,
      interactive: behavior === 'interactive',
    });
    return { token, mode };
  }

  /** @param {Request} request */
  async function siteverify(request) {
    siteverifyCalls++;
    /** @type {SiteverifyRequest} */
    const record = {
      at: new Date(now()).toISOString(),
      secret: 'missing',
      response: 'missing',
      success: null,
      errorCodes: [],
    };
    requests.push(record);
    if (requests.length > KEPT_REQUESTS) requests.shift();

    const behavior = siteverifyBehavior;
    if (behavior.times !== undefined && --behavior.times <= 0) {
      siteverifyBehavior = { mode: 'normal' };
    }
    const fields = await readFields(request);
    if (fields) {
      if (typeof fields.remoteip === 'string') record.remoteip = fields.remoteip;
      if (typeof fields.idempotency_key === 'string') {
        record.idempotency_key = fields.idempotency_key;
      }
    }
    if (behavior.mode === 'slow') await sleep(behavior.ms ?? 0, request.signal);
    if (behavior.mode === 'outage') {
      if (behavior.status === undefined) throw new TurnstileDisconnect('siteverify outage');
      return new Response(
        `<!doctype html><title>${behavior.status}</title><h1>Error ${behavior.status}</h1>`,
        { status: behavior.status, headers: { 'content-type': 'text/html' } },
      );
    }

    const response = await judge(fields, record, behavior.mode === 'internal-error');
    record.success = response.body.success;
    record.errorCodes = response.body['error-codes'];
    return Response.json(response.body, { status: 200 });
  }

  /**
   * @param {Record<string, unknown> | null} fields
   * @param {SiteverifyRequest} record
   * @param {boolean} internalError
   * @returns {Promise<{ body: any }>}
   */
  async function judge(fields, record, internalError) {
    const fail = (/** @type {string[]} */ codes) => ({
      body: { success: false, 'error-codes': codes },
    });
    if (internalError) return fail(['internal-error']);
    if (!fields) return fail(['bad-request']);
    const { secret, response, idempotency_key: idempotencyKey } = fields;
    const missing = [];
    if (typeof secret !== 'string' || secret === '') missing.push('missing-input-secret');
    if (typeof response !== 'string' || response === '') missing.push('missing-input-response');
    else record.response = 'present';
    const testSecret = typeof secret === 'string' ? TEST_SECRETS[secret] : undefined;
    const site =
      typeof secret === 'string' ? [...sites.values()].find((s) => s.secret === secret) : undefined;
    if (testSecret) record.secret = `test-${testSecret}`;
    else if (site) record.secret = 'sandbox';
    else if (!missing.includes('missing-input-secret')) record.secret = 'invalid';
    if (missing.length > 0) return fail(missing);
    if (!testSecret && !site) return fail(['invalid-input-secret']);
    if (response.length > MAX_RESPONSE_LENGTH) return fail(['invalid-input-response']);
    if (
      idempotencyKey !== undefined &&
      !(typeof idempotencyKey === 'string' && UUID.test(idempotencyKey))
    ) {
      return fail(['bad-request']);
    }

    if (testSecret === 'fail') return fail(['invalid-input-response']);
    if (testSecret === 'spent') return fail(['timeout-or-duplicate']);
    if (testSecret === 'pass') {
      if (response !== DUMMY_TOKEN) return fail(['invalid-input-response']);
      return {
        body: {
          success: true,
          'error-codes': [],
          challenge_ts: new Date(now()).toISOString(),
          hostname: 'example.com',
          action: '',
          cdata: '',
          metadata: { result_with_testing_key: true },
        },
      };
    }

    const time = now();
    for (const [nonce, challengeTs] of redeemed) {
      if (challengeTs + TOKEN_TTL_MS < time) redeemed.delete(nonce);
    }
    for (const [k, replay] of replays) {
      if (replay.challengeTs + TOKEN_TTL_MS < time) replays.delete(k);
    }
    const claims = await readToken(response);
    if (!claims || claims.s !== site.sitekey) return fail(['invalid-input-response']);
    if (claims.t + TOKEN_TTL_MS < time) return fail(['timeout-or-duplicate']);
    const replay = idempotencyKey === undefined ? undefined : replays.get(idempotencyKey);
    if (replay && replay.token === response && replay.secret === secret) {
      return { body: structuredClone(replay.body) };
    }
    if (redeemed.has(claims.n)) return fail(['timeout-or-duplicate']);
    redeemed.set(claims.n, claims.t);
    const body = {
      success: true,
      'error-codes': [],
      challenge_ts: new Date(claims.t).toISOString(),
      hostname: claims.h,
      action: claims.a,
      cdata: claims.c,
    };
    if (idempotencyKey !== undefined) {
      replays.set(idempotencyKey, { token: response, secret, challengeTs: claims.t, body });
    }
    return { body: structuredClone(body) };
  }

  /** @param {Request} request @returns {Promise<Response>} */
  const fetch = async (request) => app.fetch(request);

  return { fetch, control };
}

/** The body's fields: a JSON object, or a form; null for anything else. @param {Request} request */
async function readFields(request) {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  try {
    if (type === 'application/json') {
      const body = parseJson(await request.text());
      return isObject(body) ? body : null;
    }
    if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
      const form = await request.formData();
      /** @type {Record<string, unknown>} */
      const fields = {};
      for (const [name, value] of form) if (typeof value === 'string') fields[name] = value;
      return fields;
    }
  } catch {
    return null;
  }
  return null;
}

/** @param {string[]} codes @param {number} status */
function verdict(codes, status) {
  return Response.json({ success: false, 'error-codes': codes }, { status });
}

/** @param {unknown} value @param {number} max */
function isField(value, max) {
  return typeof value === 'string' && value.length <= max && FIELD.test(value);
}

/** @param {unknown} value @returns {value is Record<string, any>} */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** @param {string} text */
function fromBase64url(text) {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
