/**
 * Setup file for every worker test file (vitest.config.mts `setupFiles`):
 * captures everything written to the console in the test isolate (the
 * worker's request log included) instead of printing it, and after each file
 * fails the run if any line holds a secret: the API key, the site JWT secret,
 * the stand-in's signing secret, the Turnstile secret, the guest secret,
 * anything shaped like a JWT (site tokens, Access assertions, cookie values,
 * Kaleyra access tokens and guest tokens all are), or a value a test
 * registered as sensitive (every Turnstile token a test obtained, every
 * guest token the worker handed out).
 */
import { afterAll } from 'vitest';
import { env } from 'cloudflare:workers';

interface Capture {
  lines: string[];
  sensitive: Set<string>;
}

const store = globalThis as typeof globalThis & { __logCapture?: Capture };
const capture: Capture = (store.__logCapture ??= { lines: [], sensitive: new Set() });

/** Every console line written in this test file so far. */
export const capturedLines: string[] = capture.lines;

/** Registers a credential value that must never appear in a log line. */
export function markSensitive(value: string | null | undefined): void {
  if (value && value.length >= 8) capture.sensitive.add(value);
}

const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./;

/** The lines (by index) that leak a secret, and what kind; never the secret itself. */
export function findLeaks(
  lines: readonly string[],
  secrets: Iterable<string>,
): { line: number; kind: string }[] {
  const list = [...secrets].filter((s) => s.length >= 8);
  const leaks: { line: number; kind: string }[] = [];
  lines.forEach((line, i) => {
    if (JWT_SHAPE.test(line)) leaks.push({ line: i, kind: 'a JWT' });
    if (list.some((s) => line.includes(s))) leaks.push({ line: i, kind: 'a registered secret' });
  });
  return leaks;
}

export function knownSecrets(): string[] {
  const bindings = env as unknown as Record<string, unknown>;
  const names = [
    'KALEYRA_API_KEY',
    'SITE_JWT_SECRET',
    'KALEYRA_SIGNING_SECRET',
    'TURNSTILE_SECRET_KEY',
    'GUEST_SECRET',
  ];
  const fixed = names.map((n) => bindings[n]).filter((v): v is string => typeof v === 'string');
  return [...fixed, ...capture.sensitive];
}

if (!('__consoleCaptured' in console)) {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[method] = (...args: unknown[]) => {
      capture.lines.push(args.map((a) => (typeof a === 'string' ? a : safeString(a))).join(' '));
    };
  }
  Object.defineProperty(console, '__consoleCaptured', { value: true });
}

afterAll(() => {
  const leaks = findLeaks(capture.lines, knownSecrets());
  if (leaks.length > 0) {
    const where = leaks
      .slice(0, 5)
      .map((l) => `line ${l.line}: ${l.kind}`)
      .join('; ');
    throw new Error(
      `${leaks.length} secret(s) in the log (${where}${leaks.length > 5 ? '; …' : ''}). ` +
        'The lines are not printed, to keep the secrets out of this report too.',
    );
  }
});

function safeString(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
