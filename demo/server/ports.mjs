import { createServer } from 'node:net';

/**
 * Checks, before anything starts, that every port `npm start` needs is free, so
 * a busy port ends in one clear sentence instead of a half-started sandbox. The
 * loopback address of both families is tried: a server on [::1] only would
 * otherwise catch the browser's requests to `localhost`.
 */
export class PortBusy extends Error {
  name = 'PortBusy';
}

/** @param {{ port: number, what: string, env: string }[]} wanted */
export async function assertPortsFree(wanted) {
  const seen = new Map();
  for (const { port, what, env } of wanted) {
    if (seen.has(port)) {
      throw new PortBusy(
        `Port ${port} is set for both the ${seen.get(port)} and the ${what}: give ${env} another port.`,
      );
    }
    seen.set(port, what);
    for (const host of ['127.0.0.1', '::1']) {
      const state = await probe(port, host);
      if (state === 'taken') throw busy(port, what, env);
      if (state === 'denied') {
        throw new PortBusy(
          `Port ${port} (${what}) needs privileges here: choose another with ${env}.`,
        );
      }
    }
  }
}

/** The message for a port that is taken, also used when a listen fails later. */
export function busy(port, what, env) {
  return new PortBusy(
    `Port ${port} (${what}) is in use. Stop what uses it, or choose another port: ${env}=<port> npm start`,
  );
}

/**
 * @param {number} port @param {string} host
 * @returns {Promise<'free' | 'taken' | 'denied'>}
 */
function probe(port, host) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err) => {
      const code = /** @type {NodeJS.ErrnoException} */ (err).code;
      if (code === 'EADDRINUSE') resolve('taken');
      else if (code === 'EACCES') resolve('denied');
      // No IPv6 on this machine: nothing can listen there either.
      else if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') resolve('free');
      else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}
