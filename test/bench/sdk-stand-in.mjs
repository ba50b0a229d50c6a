/**
 * A size-faithful stand-in for the vendor SDK bundle, for the page-cost
 * comparison only: Kaleyra's CDN is unreachable from here. It is the SDK stand-in
 * (sandbox/kaleyra-sdk/bandyer-sdk.js, so the page still gets a working BandyerSDK)
 * followed by a comment that pads it to exactly the published 2.7.5 bundle's size.
 * The comment mixes pseudo-random text (which gzip cannot shrink much) with a
 * repeated run (which it can), in the proportion that brings the gzip size to
 * the published one, so the bytes on the wire are realistic too. It says nothing
 * about the real bundle's parse or execution cost.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ensureSdkStandIn } from '../../sandbox/kaleyra-sdk/build.mjs';

/** The published bandyer-widget.min.js 2.7.5 (docs/kaleyra-sdk-notes.md): raw and gzip bytes. */
export const PUBLISHED_SDK = { version: '2.7.5', bytes: 2_503_869, gzipBytes: 591_004 };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LINE = 100;

/**
 * @returns {Promise<{ raw: Buffer, gzip: Buffer }>} the stand-in, exactly PUBLISHED_SDK.bytes
 *   long, and its gzip encoding (level 6, the zlib default most servers use).
 */
export async function makeSdkStandIn() {
  const code = readFileSync(await ensureSdkStandIn(), 'utf8');
  const open = '\n/* size-faithful stand-in padding (kaleyra-call bench), not SDK code:\n';
  const close = '\n*/\n';
  const room = PUBLISHED_SDK.bytes - Buffer.byteLength(code + open + close);
  if (room <= 0) throw new Error('The SDK stand-in is larger than the bundle it stands in for.');

  const build = (randomChars) => {
    const text = code + open + padding(room, randomChars) + close;
    const raw = Buffer.from(text, 'utf8');
    return { raw, gzip: gzipSync(raw) };
  };
  // gzip size grows almost linearly with the random share: a few secant steps
  // find the share that gives the published figure (to within 0.1 %).
  const target = PUBLISHED_SDK.gzipBytes;
  let a = { x: 0, built: build(0) };
  let b = { x: room, built: build(room) };
  let best = a;
  for (let step = 0; step < 8; step++) {
    const fa = a.built.gzip.length - target;
    const fb = b.built.gzip.length - target;
    best = Math.abs(fa) < Math.abs(fb) ? a : b;
    if (Math.abs(best.built.gzip.length - target) < target / 1000 || fa === fb) break;
    const x = Math.round(b.x - (fb * (b.x - a.x)) / (fb - fa));
    const next = {
      x: Math.min(room, Math.max(0, x)),
      built: build(Math.min(room, Math.max(0, x))),
    };
    a = b;
    b = next;
  }
  best =
    Math.abs(b.built.gzip.length - target) < Math.abs(best.built.gzip.length - target) ? b : best;
  const { raw, gzip } = best.built;
  if (raw.length !== PUBLISHED_SDK.bytes) throw new Error('stand-in size mismatch');
  return { raw, gzip };
}

/** `length` ASCII bytes in lines: `randomChars` pseudo-random ones, then a repeated run. */
function padding(length, randomChars) {
  let seed = 0x2545f491; // fixed: the same stand-in on every run
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % ALPHABET.length;
  };
  const chars = new Array(length);
  for (let i = 0; i < length; i++) {
    if ((i + 1) % (LINE + 1) === 0) chars[i] = '\n';
    else chars[i] = i < randomChars ? ALPHABET[random()] : '=';
  }
  return chars.join('');
}
