/**
 * The bench's web server on 127.0.0.1 (an ephemeral port): the pages the browser
 * measures and the files they load, with latencies injected on request.
 *
 *   GET  /p/<name>            a page registered with `addPage(name, html)`
 *   GET  /kaleyra-call.js     dist/kaleyra-call.js, the CDN build (gzip, cached a year, as a CDN serves it)
 *   GET  /kaleyra-call.runtime.<en|it|es>.js  the runtime file (of the element's language) it
 *                             loads from beside itself when a session starts or intent shows
 *                             (docs/architecture.md, Intent), served the same way
 *   GET  /sdk-stand-in.js      the size-faithful SDK stand-in (sdk-stand-in.mjs), gzip
 *   GET  /bandyer-media-client.js  what the stand-in loads beside itself at connect
 *   GET  /sdk.js?delay=&connectMs=   the SDK stand-in, answered after `delay` ms; with
 *                             `connectMs`, its client.connect takes that long and is timed
 *   POST /token?delay=&user=  the token endpoint contract (docs/architecture.md, Token
 *                             endpoint), answered after `delay` ms
 *
 * Every request is logged with its arrival and finish times (`log()`), so a run can
 * tell whether the token and the SDK were fetched in parallel.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { MEDIA_CLIENT_FILE, ensureSdkStandIn } from '../../sandbox/kaleyra-sdk/build.mjs';
import { mintToken } from '../support/fake-servers.mjs';

const ELEMENT = new URL('../../dist/kaleyra-call.js', import.meta.url);
const LANGUAGES = ['en', 'it', 'es'];
const runtimeFile = (language) =>
  new URL(`../../dist/kaleyra-call.runtime.${language}.js`, import.meta.url);
const TOKEN_TTL_SECONDS = 3600;

/** @param {{ sdkStandIn: { raw: Buffer, gzip: Buffer } }} options */
export async function startPageServer({ sdkStandIn }) {
  const element = readFileSync(ELEMENT);
  // What the stand-in loads from beside itself at connect, as the real SDK loads its media script.
  const mediaClient = readFileSync(MEDIA_CLIENT_FILE);
  const files = {
    '/bandyer-media-client.js': {
      raw: mediaClient,
      gzip: gzipSync(mediaClient),
      cache: 'public, max-age=3600',
    },
    '/kaleyra-call.js': {
      raw: element,
      gzip: gzipSync(element),
      cache: 'public, max-age=31536000',
    },
    ...Object.fromEntries(
      LANGUAGES.map((language) => {
        const runtime = readFileSync(runtimeFile(language));
        return [
          `/kaleyra-call.runtime.${language}.js`,
          { raw: runtime, gzip: gzipSync(runtime), cache: 'public, max-age=31536000' },
        ];
      }),
    ),
    '/sdk-stand-in.js': { ...sdkStandIn, cache: 'public, max-age=3600' },
  };
  const sdkStandInCode = readFileSync(await ensureSdkStandIn(), 'utf8');
  /** @type {Map<string, string>} */
  const pages = new Map();
  /** @type {{ method: string, path: string, start: number, end: number }[]} */
  const requests = [];

  const server = createServer(async (req, res) => {
    const start = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.on('finish', () =>
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        start,
        end: performance.now(),
      }),
    );
    try {
      await route(req, res, url);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`bench server error: ${err.message}`);
    }
  });

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res @param {URL} url */
  async function route(req, res, url) {
    const delay = Number(url.searchParams.get('delay') ?? 0);
    const file = files[url.pathname];
    if (req.method === 'GET' && file) {
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding']));
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': file.cache,
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(gzip ? file.gzip : file.raw);
    } else if (req.method === 'GET' && url.pathname === '/sdk.js') {
      await sleep(delay);
      const connectMs = url.searchParams.get('connectMs');
      const setup =
        connectMs === null
          ? ''
          : `\nwindow.__bandyerEmulator.setConnectBehavior({ delayMs: ${Number(connectMs)} });\n${TIME_CONNECT}`;
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=600',
      });
      res.end(sdkStandInCode + setup);
    } else if (req.method === 'POST' && url.pathname === '/token') {
      await buffer(req); // read the body, as a real endpoint does
      await sleep(delay);
      const user = url.searchParams.get('user') ?? 'bench_user';
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(
        JSON.stringify({
          access_token: mintToken(user, TOKEN_TTL_SECONDS),
          expires_at: new Date(Date.now() + TOKEN_TTL_SECONDS * 1000).toISOString(),
          user_id: user,
        }),
      );
    } else if (req.method === 'GET' && pages.has(url.pathname.slice('/p/'.length))) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(pages.get(url.pathname.slice('/p/'.length)));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    /** @param {string} name @param {string} html */
    addPage(name, html) {
      pages.set(name, html);
      return `${origin}/p/${name}`;
    },
    log: () => requests.map((r) => ({ ...r })),
    clearLog: () => void requests.splice(0),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

/**
 * Appended to the SDK stand-in for the critical-path runs: records when the page's
 * `client.connect` starts and settles, so the stand-in's own connect time can be
 * told apart from the element's.
 */
const TIME_CONNECT = `(() => {
  const sdk = window.BandyerSDK;
  const configure = sdk.configure;
  sdk.configure = function (...args) {
    const client = configure.apply(this, args);
    const connect = client.connect;
    client.connect = function (...connectArgs) {
      const start = performance.now();
      return connect.apply(this, connectArgs).then((value) => {
        window.__bench.connect = { start, end: performance.now() };
        return value;
      });
    };
    return client;
  };
})();
`;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
