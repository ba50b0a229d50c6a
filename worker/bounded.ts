/**
 * Reads a response body as text, but never more than `maxBytes` of it: a
 * declared Content-Length over the cap is refused unread, and a streamed body is
 * counted as it arrives and cancelled as soon as it passes the cap, so an
 * upstream cannot make the worker buffer a body of any size.
 */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

export async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  const body = response.body;
  if (declared > maxBytes) {
    await body?.cancel().catch(() => {});
    throw new BodyTooLargeError(`declared ${declared} bytes`);
  }
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(`more than ${maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
}
