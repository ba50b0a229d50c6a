// The SDK stand-in's relay between clients (sandbox/kaleyra-sdk/relay.mjs), as the demo site
// mounts it, over real HTTP: listeners of a channel hear every message posted to it (and
// nothing of another channel), local origins only, and what is not a message is refused.
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addRelay } from '../../../sandbox/kaleyra-sdk/relay.mjs';

let server;
let base;
const streams = [];

before(async () => {
  const app = new Hono();
  addRelay(app, '/bus');
  server = createAdaptorServer({ fetch: app.fetch });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/bus`;
});

after(async () => {
  for (const controller of streams) controller.abort();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Listens to `channel`; `next()` resolves with the next message (parsed), in order. */
async function listen(channel, origin = 'http://localhost:8080') {
  const controller = new AbortController();
  streams.push(controller);
  const response = await fetch(`${base}?channel=${channel}`, {
    headers: { origin },
    signal: controller.signal,
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async () => {
    for (;;) {
      const event = buffer.indexOf('\n\n');
      if (event >= 0) {
        const block = buffer.slice(0, event);
        buffer = buffer.slice(event + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6));
        if (data.length) return JSON.parse(data.join('\n'));
        continue; // a comment: the stream's greeting or a ping
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffer += value;
    }
  };
  // The greeting comment arrives once the listener is registered.
  while (!buffer.includes(': listening\n\n')) buffer += (await reader.read()).value;
  return { response, next };
}

const post = (channel, body, headers = {}) =>
  fetch(`${base}?channel=${channel}`, { method: 'POST', body, headers });

test('every listener of a channel hears every message, in order; another channel hears none', async () => {
  const a1 = await listen('bandyer-stand-in:app1');
  const a2 = await listen('bandyer-stand-in:app1');
  const b = await listen('bandyer-stand-in:app2');
  for (const type of ['presence:hello', 'rtc:offer']) {
    const res = await post('bandyer-stand-in:app1', JSON.stringify({ type, from: 'ada' }));
    assert.equal(res.status, 204);
  }
  for (const listener of [a1, a2]) {
    assert.deepEqual(await listener.next(), { type: 'presence:hello', from: 'ada' });
    assert.deepEqual(await listener.next(), { type: 'rtc:offer', from: 'ada' });
  }
  await post('bandyer-stand-in:app2', JSON.stringify({ type: 'chat:message' }));
  assert.deepEqual(await b.next(), { type: 'chat:message' });
});

test('local origins of any port may use it; others get no CORS header', async () => {
  for (const origin of ['http://127.0.0.1:8787', 'http://localhost:18080']) {
    const { response } = await listen('c1', origin);
    assert.equal(response.headers.get('access-control-allow-origin'), origin);
  }
  const res = await post('c1', '{"type":"x"}', { origin: 'https://evil.example' });
  assert.equal(res.headers.get('access-control-allow-origin'), null);
});

test('what is not a message on a channel is refused', async () => {
  assert.equal((await post('has space', '{"type":"x"}')).status, 400);
  assert.equal((await fetch(base, { method: 'POST', body: '{"type":"x"}' })).status, 400);
  assert.equal((await post('c2', 'not json')).status, 400);
  assert.equal((await post('c2', '{"no":"type"}')).status, 400);
  assert.equal((await post('c2', '[]')).status, 400);
  const big = JSON.stringify({ type: 'x', pad: 'p'.repeat(70 * 1024) });
  assert.equal((await post('c2', big)).status, 413);
});
