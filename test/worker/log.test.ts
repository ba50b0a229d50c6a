import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import app from '../../worker/index';
import { capturedLines, findLeaks, knownSecrets } from './support/log-capture';
import {
  API_KEY,
  claims,
  hs256,
  ORIGIN,
  setup,
  SITE_SECRET,
  testEnv,
  unique,
} from './support/harness';

/** The log lines written while `run` ran. */
async function linesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const from = capturedLines.length;
  await run();
  return capturedLines.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('request log', () => {
  it('writes exactly one JSON line per request, with the documented fields', async () => {
    const t = setup();
    const user = unique('log');
    await t.kaleyra.register(user);
    const bearer = await hs256(claims(user));
    const lines = await linesOf(() => t.token({ bearer }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({
      level: 'info',
      requestId: expect.stringMatching(/^[\w-]+$/),
      method: 'POST',
      route: '/v1/token',
      status: 200,
      durationMs: expect.any(Number),
      upstreamStatus: 200,
      upstreamAttempts: 1,
      tokenSource: 'upstream',
      userHash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(lines[0])).not.toContain(user);
  });

  it('the same user has the same userHash; a cached answer says so', async () => {
    const t = setup();
    const user = unique('again');
    await t.kaleyra.register(user);
    const bearer = await hs256(claims(user));
    const [first] = await linesOf(() => t.token({ bearer }));
    const [second] = await linesOf(() => t.token({ bearer }));
    expect(second?.userHash).toBe(first?.userHash);
    expect(second).toMatchObject({ tokenSource: 'cache', upstreamStatus: null });
  });

  it('failures log their code, the upstream status and the attempts', async () => {
    const t = setup();
    const user = unique('fail');
    await t.kaleyra.register(user);
    await t.kaleyra.faults({ kind: 'status', status: 503, times: 2 });
    const lines = await linesOf(async () => t.token({ bearer: await hs256(claims(user)) }));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        status: 502,
        code: 'upstream_error',
        upstreamStatus: 503,
        upstreamAttempts: 2,
      }),
    ]);
  });

  it('authentication failures log a fixed reason, never the token', async () => {
    const t = setup();
    const expired = await hs256(claims('u', { exp: Math.floor(Date.now() / 1000) - 3600 }));
    const lines = await linesOf(() => t.token({ bearer: expired }));
    expect(lines).toEqual([
      expect.objectContaining({ status: 401, code: 'unauthenticated', reason: 'ERR_JWT_EXPIRED' }),
    ]);
  });

  it('unknown paths and methods are logged without the raw path or method', async () => {
    const t = setup();
    const secretPath = `/${unique('private-path')}`;
    const lines = await linesOf(async () => {
      await t.fetch(secretPath);
      await t.fetch('/v1/token', { method: 'PROPFIND' });
    });
    expect(lines.map((l) => [l.route, l.method, l.status])).toEqual([
      ['unmatched', 'GET', 404],
      ['/v1/token', 'other', 405],
    ]);
    expect(JSON.stringify(lines)).not.toContain(secretPath.slice(1));
  });

  it('the client’s X-Request-Id is logged beside the worker’s own, sanitised', async () => {
    const t = setup();
    const cases: [string, string | undefined][] = [
      ['trace.42_a-b', 'trace.42_a-b'],
      ['x'.repeat(64), 'x'.repeat(64)],
      ['x'.repeat(65), undefined],
      ['a b', undefined],
      ['<script>', undefined],
      ['ok\u00e9', undefined],
    ];
    for (const [sent, logged] of cases) {
      const lines = await linesOf(() => t.fetch('/health', { headers: { 'x-request-id': sent } }));
      expect(lines).toHaveLength(1);
      expect(lines[0]?.requestId).not.toBe(sent);
      expect(lines[0]?.clientRequestId).toBe(logged);
    }
  });

  it('requests through the deployed entry point are logged too', async () => {
    const from = capturedLines.length;
    await exports.default.fetch('https://token.test/health');
    // The line follows the answer (see below), and this entry point does not wait for it.
    await vi.waitFor(() => expect(capturedLines.length).toBeGreaterThan(from));
    const lines = capturedLines.slice(from).map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([expect.objectContaining({ route: '/health', status: 200 })]);
  });

  it('writes the line once the answer has been handed over, before the request ends', async () => {
    const ctx = createExecutionContext();
    const from = capturedLines.length;
    const res = await app.fetch(new Request('https://token.test/health'), testEnv, ctx);
    expect(res.status).toBe(200);
    expect(capturedLines.length).toBe(from);
    await waitOnExecutionContext(ctx);
    expect(capturedLines.slice(from).map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ route: '/health', status: 200 }),
    ]);
  });
});

describe('the log-capture check itself', () => {
  it('finds a planted API key, site secret, JWT, or registered value', async () => {
    const jwt = await hs256(claims('someone'));
    const lines = [
      JSON.stringify({ msg: 'fine' }),
      `key=${API_KEY}`,
      `secret ${SITE_SECRET}`,
      `token ${jwt}`,
      `Bearer ${jwt.split('.').slice(0, 2).join('.')}.`,
    ];
    expect(findLeaks(lines, knownSecrets()).map((l) => l.line)).toEqual([1, 2, 3, 4]);
  });

  it('captures the worker’s lines (so the suite-wide check has something to check)', async () => {
    const before = capturedLines.length;
    await setup().fetch('/health', { headers: { origin: ORIGIN } });
    expect(capturedLines.length).toBe(before + 1);
  });
});
