/** Starts a Node HTTP server for a stand-in on `host:port` (0: any free port); resolves with its URL. */
import { createServer } from 'node:http';

/**
 * @param {import('node:http').RequestListener} listener
 * @param {number} port
 * @param {string} host
 * @returns {Promise<{ server: import('node:http').Server, url: string }>}
 */
export async function listen(listener, port, host) {
  const server = createServer(listener);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  return { server, url };
}
