import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';

/**
 * The relay between the SDK stand-in's clients (browser/bus.js), for pages that load it as
 * `bandyer-sdk.js?bus=server`: Kaleyra's server, in the part it plays between the clients
 * (presence, chat, ringing, WebRTC signalling). Unlike the stand-in's default BroadcastChannel,
 * it reaches every origin and every browser: the token worker's call page (another origin)
 * and a visitor in another browser profile reach the doctor's staff page. Whoever serves the
 * stand-in mounts it at `bus` beside the script (the demo site: /sandbox/bus):
 *
 *   GET  <path>?channel=<name>  an event stream: every message posted to the channel
 *   POST <path>?channel=<name>  one message (a JSON object with a `type`, at most 64 KiB)
 *                               for every listener of the channel, the sender's included
 *
 * In memory, nothing kept: a listener hears what is posted while it listens. Open to local
 * origins (localhost and 127.0.0.1, any port), without credentials.
 */
const CHANNEL = /^[\w:.-]{1,100}$/;
const MAX_MESSAGE_BYTES = 64 * 1024;
const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;
/** A comment now and then, so that nothing between the two ends closes a quiet stream. */
const PING_MS = 15_000;

/** @param {import('hono').Hono} app @param {string} path */
export function addRelay(app, path) {
  /** @type {Map<string, Set<(message: string) => Promise<void>>>} */
  const channels = new Map();

  app.use(
    path,
    cors({
      origin: (origin) => (LOCAL_ORIGIN.test(origin) ? origin : null),
      allowMethods: ['GET', 'POST'],
    }),
    async (c, next) =>
      CHANNEL.test(c.req.query('channel') ?? '') ? next() : c.json({ error: 'channel' }, 400),
  );

  app.get(path, (c) => {
    const name = /** @type {string} */ (c.req.query('channel'));
    return streamSSE(c, async (stream) => {
      const listeners = channels.get(name) ?? new Set();
      channels.set(name, listeners);
      const listener = (data) => stream.writeSSE({ data });
      listeners.add(listener);
      // Open until the listener goes, with a ping now and then (which keeps no process alive).
      const ping = setInterval(() => stream.write(': ping\n\n').catch(() => {}), PING_MS);
      ping.unref();
      const gone = new Promise((resolve) => {
        stream.onAbort(() => {
          clearInterval(ping);
          listeners.delete(listener);
          if (listeners.size === 0) channels.delete(name);
          resolve(undefined);
        });
      });
      await stream.write(': listening\n\n');
      await gone;
    });
  });

  app.post(
    path,
    bodyLimit({ maxSize: MAX_MESSAGE_BYTES, onError: (c) => c.json({ error: 'too large' }, 413) }),
    async (c) => {
      let message;
      try {
        message = JSON.parse(await c.req.text());
      } catch {
        return c.json({ error: 'not JSON' }, 400);
      }
      if (typeof message !== 'object' || message === null || typeof message.type !== 'string') {
        return c.json({ error: 'not a message' }, 400);
      }
      const data = JSON.stringify(message);
      const listeners = [...(channels.get(/** @type {string} */ (c.req.query('channel'))) ?? [])];
      await Promise.all(listeners.map((listener) => listener(data).catch(() => {})));
      return c.body(null, 204);
    },
  );
}
