import { describe, expect, it } from 'vitest';
import { claims, errorOf, hs256, ORIGIN, setup, unique } from './support/harness';

async function withUser() {
  const t = setup();
  const user = unique('b');
  await t.kaleyra.register(user);
  return { t, token: await hs256(claims(user)) };
}

describe('request content type', () => {
  /** A POST with exactly this Content-Type (bytes as the body, so none is added). */
  const post = (t: ReturnType<typeof setup>, token: string, type: string | undefined) => {
    const headers = new Headers({ origin: ORIGIN, authorization: `Bearer ${token}` });
    if (type !== undefined) headers.set('content-type', type);
    const body = new TextEncoder().encode('{}');
    return t.fetch('/v1/token', { method: 'POST', headers, body });
  };

  for (const type of [
    undefined,
    '',
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/jsonp',
    'application/json-patch+json',
    'text/json',
  ]) {
    it(`${type === undefined ? 'no Content-Type' : JSON.stringify(type)} → 415 unsupported_media_type; Kaleyra never called`, async () => {
      const { t, token } = await withUser();
      const res = await post(t, token, type);
      expect(res.status).toBe(415);
      expect(await errorOf(res)).toEqual({
        code: 'unsupported_media_type',
        message: expect.any(String),
      });
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }

  it('a form post (urlencoded body with a user id) → 415', async () => {
    const { t, token } = await withUser();
    const res = await t.token({
      bearer: token,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user_id=victim&expires_in=86400',
    });
    expect(res.status).toBe(415);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  // One media type, application/json, in UTF-8 (RFC 8259 §8.1): a list of types (two
  // Content-Type lines reach the worker joined by ", ") or another charset is not JSON as read.
  for (const type of [
    'application/json, text/plain',
    'application/json; charset=utf-8, text/plain',
    'text/plain, application/json',
    'application/json; charset=utf-16',
    'application/json; charset=iso-8859-1',
    'application/json; charset=',
  ]) {
    it(`${JSON.stringify(type)} → 415 unsupported_media_type; Kaleyra never called`, async () => {
      const { t, token } = await withUser();
      const res = await post(t, token, type);
      expect(res.status).toBe(415);
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }

  it('two Content-Type lines (application/json; charset=utf-8 and text/plain) → 415', async () => {
    const { t, token } = await withUser();
    const headers = new Headers({ origin: ORIGIN, authorization: `Bearer ${token}` });
    headers.append('content-type', 'application/json; charset=utf-8');
    headers.append('content-type', 'text/plain');
    const res = await t.fetch('/v1/token', { method: 'POST', headers, body: '{}' });
    expect(res.status).toBe(415);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  for (const type of [
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/json;charset=UTF-8',
    'application/json; charset="utf-8"',
  ]) {
    it(`${type} is accepted`, async () => {
      const { t, token } = await withUser();
      const res = await t.token({ bearer: token, headers: { 'content-type': type } });
      expect(res.status).toBe(200);
    });
  }
});

describe('request body', () => {
  const accepted = ['', '{}', ' { } ', '\n{}\n'];
  for (const body of accepted) {
    it(`${JSON.stringify(body)} is accepted`, async () => {
      const { t, token } = await withUser();
      expect((await t.token({ bearer: token, body })).status).toBe(200);
    });
  }

  const refused: [string, string][] = [
    ['a user_id', '{"user_id":"victim"}'],
    ['a userId', '{"userId":"victim"}'],
    ['a USER_ID', '{"USER_ID":"victim"}'],
    ['an expires_in', '{"expires_in":86400}'],
    ['an extra field', '{"hello":"world"}'],
    ['a user_id and more', '{"user_id":"victim","expires_in":360}'],
    ['an array', '[]'],
    ['an array of objects', '[{}]'],
    ['null', 'null'],
    ['a string', '"{}"'],
    ['a number', '0'],
    ['true', 'true'],
    ['invalid JSON', '{'],
    ['two objects', '{}{}'],
    ['a nested user id', '{"user":{"id":"victim"}}'],
    ['a __proto__ key', '{"__proto__":{"user_id":"victim"}}'],
    ['a user id spelled with escapes', '{"user\\u005fid":"victim"}'],
    ['a duplicated member', '{"a":1,"a":1}'],
    ['a duplicated user id', '{"user_id":"a","user_id":"b"}'],
    ['a duplicate nested deep inside', '{"a":[{"b":{"c":1,"c":2}}]}'],
    ['a huge number', '{"a":1e400}'],
    ['a huge number alone', '1e400'],
    ['a lone surrogate', '{"a":"\\ud800"}'],
    ['deep nesting', `${'['.repeat(500)}${']'.repeat(500)}`],
    ['a byte order mark before {}', '\ufeff{}'],
    ['a no-break space around {} (not JSON whitespace)', '\u00a0{}\u00a0'],
    ['a line separator after {}', '{}\u2028'],
  ];
  for (const [label, body] of refused) {
    it(`${label} → 400 bad_request; Kaleyra never called`, async () => {
      const { t, token } = await withUser();
      const res = await t.token({ bearer: token, body });
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toEqual({ code: 'bad_request', message: expect.any(String) });
      expect(await t.kaleyra.calls()).toEqual([]);
    });
  }

  it('says why a user id in the body is refused', async () => {
    const { t, token } = await withUser();
    const res = await t.token({ bearer: token, body: '{"user_id":"victim"}' });
    expect((await errorOf(res)).message).toMatch(/user id/i);
  });

  it('says why a member sent twice is refused, whatever its name or spelling', async () => {
    const { t, token } = await withUser();
    for (const body of [
      '{"a":1,"a":2}',
      '{"a":1,"\\u0061":2}',
      '{"x":{"user_id":1,"user_id":2}}',
    ]) {
      const res = await t.token({ bearer: token, body });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toMatch(/more than once/);
    }
  });

  it('bytes that are not UTF-8 → 400 bad_request', async () => {
    const { t, token } = await withUser();
    const res = await t.token({ bearer: token, body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({ code: 'bad_request', message: expect.any(String) });
  });

  it('a user id in the body is refused even without credentials (no oracle, no call)', async () => {
    const { t } = await withUser();
    const res = await t.token({ body: '{"user_id":"victim"}' });
    expect(res.status).toBe(400);
    expect(await t.kaleyra.calls()).toEqual([]);
  });
});

describe('body size limit (1 KiB)', () => {
  const padded = (size: number) => `{${' '.repeat(size - 2)}}`;

  it('exactly 1024 bytes is accepted', async () => {
    const { t, token } = await withUser();
    expect((await t.token({ bearer: token, body: padded(1024) })).status).toBe(200);
  });

  it('1025 bytes with Content-Length → 413 body_too_large; Kaleyra never called', async () => {
    const { t, token } = await withUser();
    const res = await t.token({ bearer: token, body: padded(1025) });
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toEqual({ code: 'body_too_large', message: expect.any(String) });
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('a streamed body over 1 KiB without Content-Length → 413; Kaleyra never called', async () => {
    const { t, token } = await withUser();
    const chunk = new TextEncoder().encode(' '.repeat(400));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request('https://token.test/v1/token', { method: 'POST', body });
    expect(request.headers.get('content-length')).toBeNull();
    const res = await t.token({ bearer: token, body: request.body });
    expect(res.status).toBe(413);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('a lying small Content-Length does not smuggle a large body', async () => {
    const { t, token } = await withUser();
    const res = await t.token({
      bearer: token,
      headers: { 'content-length': '2' },
      body: padded(4096),
    });
    expect(res.status).toBe(413);
    expect(await t.kaleyra.calls()).toEqual([]);
  });

  it('a huge body → 413', async () => {
    const { t, token } = await withUser();
    const res = await t.token({ bearer: token, body: `{"x":"${'a'.repeat(1 << 20)}"}` });
    expect(res.status).toBe(413);
  });
});
