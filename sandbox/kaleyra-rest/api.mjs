/**
 * Kaleyra Video REST stand-in: the slice of the API the token worker uses
 * (docs/kaleyra-sdk-notes.md, REST API), as a Hono app: a Web-standard
 * `fetch(Request) → Response`. The same code runs inside workerd (the worker
 * tests route the worker's outbound calls to it) and under Node
 * (server.mjs, `npm start`), so it imports nothing from Node.
 *
 * Its routes, faults, token format, control routes and the choices it made where Kaleyra is
 * silent: README.md here.
 */
import { Hono } from 'hono';
import { base64url, sleep } from '../support/portable.mjs';

const encoder = new TextEncoder();

export const USER_ID = /^[A-Za-z0-9._-]{1,128}$/;
export const TTL_MIN = 360;
export const TTL_MAX = 86400;
export const TTL_DEFAULT = 3600;
const ROLES = ['basic', 'plus'];

/** Thrown by `fetch` for the `disconnect` fault: the host drops the connection. */
export class KaleyraDisconnect extends Error {
  name = 'KaleyraDisconnect';
}

/**
 * @typedef {{ kind: string, times?: number, ms?: number, status?: number, retryAfter?: number }} Fault
 * @typedef {{ id: string, role: string, can_video: boolean, language: string, active: boolean }} User
 * @typedef {{ at: string, method: string, path: string, apikey: 'valid' | 'invalid' | 'missing',
 *   status: number | null, user_id?: unknown, expires_in?: unknown, fault?: string }} Call
 */

/**
 * @param {{ apiKey: string, signingSecret?: string, companyId?: string,
 *   users?: Array<string | Partial<User> & { id: string }>, now?: () => number }} options
 */
export function createKaleyraStandIn(options) {
  const { apiKey, signingSecret = crypto.randomUUID(), now = () => Date.now() } = options;
  if (!apiKey) throw new TypeError('createKaleyraStandIn: apiKey is required');
  const companyId = options.companyId ?? crypto.randomUUID();
  const initialUsers = (options.users ?? []).map((u) =>
    newUser(typeof u === 'string' ? { id: u } : u),
  );

  /** @type {Map<string, User>} */
  let users;
  /** @type {Fault[]} */
  let faults;
  /** @type {Call[]} */
  let calls;
  reset();

  function reset() {
    users = new Map(initialUsers.map((u) => [u.id, { ...u }]));
    faults = [];
    calls = [];
  }

  const control = {
    /** @param {Fault[]} list */
    addFaults(list) {
      for (const fault of list) faults.push({ ...fault, times: fault.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    calls: () => calls.map((c) => ({ ...c })),
    clearCalls() {
      calls = [];
    },
    reset,
    /** @param {Partial<User> & { id: string }} user */
    registerUser(user) {
      const created = newUser(user);
      users.set(created.id, created);
      return created;
    },
    companyId,
    signingSecret,
  };

  // Routes are tried in the order they are added: the control routes answer
  // before the call log sees the request.
  const app = new Hono({ getPath: (request) => withoutTrailingSlash(new URL(request.url)) });

  app.post('/__control/faults', async (c) => {
    const body = parseJson(await c.req.text());
    const list = Array.isArray(body?.faults) ? body.faults : null;
    if (!list) return json(400, { error: 'expected {"faults": [...]}' });
    control.addFaults(list);
    return json(200, { queued: faults.length });
  });
  app.delete('/__control/faults', () => {
    control.clearFaults();
    return json(200, { queued: 0 });
  });
  app.get('/__control/calls', () => json(200, { calls: control.calls() }));
  app.delete('/__control/calls', () => {
    control.clearCalls();
    return json(200, { calls: [] });
  });
  app.post('/__control/reset', () => {
    reset();
    return json(200, { reset: true });
  });
  app.all('/__control/*', (c) =>
    json(404, { error: `no control route ${c.req.method} ${new URL(c.req.url).pathname}` }),
  );

  // Every other request is logged, and read whole first, as a server does,
  // whatever the answer will be.
  app.use(async (c, next) => {
    /** @type {Call} */
    const call = {
      at: new Date(now()).toISOString(),
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      apikey: keyState(c.req.header('apikey') ?? null),
      status: null,
    };
    calls.push(call);
    c.set('call', call);
    c.set('body', parseJson(await c.req.text()));
    await next();
    call.status = c.res.status;
  });

  // An unknown path is a 404 whatever the key; a known one needs the key first.
  const requireKey = async (c, next) =>
    c.get('call').apikey === 'valid'
      ? next()
      : vendorError(401, 'unauthorized', 'Invalid or missing apikey');
  app.use('/v2/sdk/credentials', requireKey);
  app.use('/v2/users/*', requireKey); // also /v2/users

  app.post('/v2/sdk/credentials', (c) => credentials(c.req.raw, c.get('call'), c.get('body')));
  app.all('/v2/sdk/credentials', () => vendorError(405, 'method_not_allowed', 'Use POST'));
  app.post('/v2/users', (c) => createUser(c.get('body')));
  app.get('/v2/users', (c) => listUsers(new URL(c.req.url)));
  app.all('/v2/users', () => vendorError(405, 'method_not_allowed', 'Use GET or POST'));
  app.get('/v2/users/:id{.+}', (c) => {
    const user = users.get(c.req.param('id'));
    return user ? json(200, user) : vendorError(404, 'user_not_found', 'User not found');
  });
  app.all('/v2/users/:id{.+}', () => vendorError(405, 'method_not_allowed', 'Use GET'));
  app.notFound(() => vendorError(404, 'not_found', 'Resource not found'));
  // Nothing is turned into a 500 here: the `disconnect` fault must reach the
  // host (which drops the connection), as must a bug.
  app.onError((err) => {
    throw err;
  });

  /** @param {string | null} presented */
  function keyState(presented) {
    if (presented === null) return 'missing';
    return presented === apiKey ? 'valid' : 'invalid';
  }

  /** @param {Request} request @param {Call} call @param {any} body */
  async function credentials(request, call, body) {
    if (body && typeof body === 'object') {
      call.user_id = body.user_id;
      call.expires_in = body.expires_in;
    }
    const fault = takeFault();
    if (fault) call.fault = fault.kind;
    if (fault) {
      const early = await applyFault(fault, request);
      if (early) return early;
    }

    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return vendorError(400, 'bad_request', 'Body must be a JSON object');
    }
    const { user_id: userId, expires_in: expiresIn = TTL_DEFAULT } = body;
    if (typeof userId !== 'string' || !USER_ID.test(userId)) {
      return vendorError(400, 'invalid_user_id', 'user_id must match [a-zA-Z0-9._-]{1,128}');
    }
    if (!Number.isInteger(expiresIn) || expiresIn < TTL_MIN || expiresIn > TTL_MAX) {
      return vendorError(
        400,
        'invalid_expires_in',
        `expires_in must be within ${TTL_MIN}..${TTL_MAX}`,
      );
    }
    const user = users.get(userId);
    if (!user || !user.active)
      return vendorError(404, 'user_not_found', `User ${userId} not found`);

    const issued = Math.floor(now() / 1000);
    const tokenUser = fault?.kind === 'user-mismatch' ? `${userId}-other` : userId;
    const accessToken = await signJwt(
      {
        user: userId,
        companyId,
        allowCamera: user.can_video,
        iat: issued,
        exp: issued + expiresIn,
        iss: '@switchboard-core',
        sub: `${userId}#${companyId}`,
      },
      signingSecret,
    );
    return json(200, {
      access_token: accessToken,
      expires_at: new Date((issued + expiresIn) * 1000).toISOString(),
      user_id: tokenUser,
    });
  }

  function takeFault() {
    const fault = faults[0];
    if (!fault) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.shift();
    return fault;
  }

  /**
   * A response that replaces the normal one, or undefined to carry on normally
   * (after a delay, or with a changed result such as user-mismatch).
   * @param {Fault} fault @param {Request} request
   */
  async function applyFault(fault, request) {
    if (fault.ms !== undefined && fault.kind !== 'latency' && fault.kind !== 'timeout') {
      await sleep(fault.ms, request.signal);
    }
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms ?? 1000, request.signal);
        return undefined;
      case 'timeout':
        await sleep(fault.ms ?? 60_000, request.signal);
        return vendorError(504, 'gateway_timeout', 'Upstream timed out');
      case 'status': {
        const response = vendorError(
          fault.status ?? 500,
          'internal_error',
          'Kaleyra stand-in internal failure at node sb-7 (stack: Error at Switchboard.mint)',
        );
        if (fault.retryAfter !== undefined) {
          response.headers.set('retry-after', String(fault.retryAfter));
        }
        return response;
      }
      case 'malformed-json':
        return new Response('{"access_token": "eyJhbGciOiJIUzI1NiJ9.trunc', {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      case 'html':
        return new Response(
          '<!doctype html><html><body><h1>502 Bad Gateway</h1><p>Kaleyra stand-in proxy page</p></body></html>',
          { status: fault.status ?? 200, headers: { 'content-type': 'text/html' } },
        );
      case 'user-mismatch':
        return undefined;
      case 'disconnect':
        throw new KaleyraDisconnect('connection dropped by fault injection');
      default:
        return vendorError(500, 'unknown_fault', `Unknown fault kind ${fault.kind}`);
    }
  }

  /** @param {any} body */
  function createUser(body) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return vendorError(400, 'bad_request', 'Body must be a JSON object');
    }
    if (!ROLES.includes(body.role))
      return vendorError(400, 'invalid_role', 'role must be basic or plus');
    const id = body.id ?? `user_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
    if (typeof id !== 'string' || !USER_ID.test(id)) {
      return vendorError(400, 'invalid_user_id', 'id must match [a-zA-Z0-9._-]{1,128}');
    }
    if (users.has(id)) return vendorError(409, 'user_already_exists', 'User already exists');
    return json(201, control.registerUser({ ...body, id }));
  }

  /** @param {URL} url */
  function listUsers(url) {
    const offset = Math.max(0, Number(url.searchParams.get('offset')) || 0);
    const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit')) || 100));
    return json(200, { users: [...users.values()].slice(offset, offset + limit) });
  }

  /** @param {Request} request @returns {Promise<Response>} */
  const fetch = async (request) => app.fetch(request);

  return { fetch, control };
}

/** @param {Partial<User> & { id: string }} user @returns {User} */
function newUser(user) {
  return {
    id: user.id,
    role: user.role ?? 'basic',
    can_video:
      user.can_video === undefined ? true : user.can_video === true || user.can_video === '1',
    language: user.language ?? 'en',
    active: user.active ?? true,
  };
}

/** The path without trailing slashes (`/` stays). @param {URL} url */
function withoutTrailingSlash(url) {
  return url.pathname.replace(/(.)\/+$/, '$1');
}

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** @param {number} status @param {unknown} body */
function json(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** @param {number} status @param {string} error @param {string} message */
function vendorError(status, error, message) {
  return json(status, { error, message });
}

/** HS256 JWT via WebCrypto. @param {object} claims @param {string} secret */
export async function signJwt(claims, secret) {
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(input)));
  return `${input}.${base64url(signature)}`;
}
