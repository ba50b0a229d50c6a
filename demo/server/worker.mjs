import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { stripVTControlCharacters } from 'node:util';

/**
 * The token worker under `wrangler dev`, in its own process group so that one
 * signal stops wrangler, esbuild and both workerd processes together.
 *
 * Settings (secrets included) go through an env file in a private temporary
 * folder, never through the command line (visible to every local user in `ps`)
 * and never into the repository; the folder, with wrangler's local state, is
 * removed on stop. Giving wrangler an env file also makes it ignore a
 * developer's own .dev.vars, so the sandbox always runs with its own settings.
 */
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;

export class WorkerFailed extends Error {
  name = 'WorkerFailed';
}

/**
 * wrangler's own lines that are noise here: Request.cf needs the internet, and its
 * debug log goes to the temporary folder, which is gone once it says where it is.
 */
const NOISE = [
  /Unable to fetch the `Request\.cf` object/,
  /getaddrinfo ENOTFOUND/,
  /^\s+at /,
  /Logs were written to/,
];

/**
 * Starts wrangler at once and returns `stop` straight away (a Ctrl-C may come
 * while it is still starting); `ready` resolves when the worker answers /health,
 * `exited` when wrangler has ended, for whatever reason.
 * @param {{ root: string, port: number, vars: Record<string, string>,
 *   log: (line: string) => void }} options
 */
export function launchWorker({ root, port, vars, log }) {
  const settings = envFileText(vars);
  const dir = mkdtempSync(join(tmpdir(), 'kaleyra-call-sandbox-'));
  const envFile = join(dir, 'worker.env');
  writeFileSync(envFile, settings, { mode: 0o600 });

  const wrangler = join(
    dirname(createRequire(import.meta.url).resolve('wrangler/package.json')),
    'bin/wrangler.js',
  );
  const child = spawn(
    process.execPath,
    [
      wrangler,
      'dev',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--env-file',
      envFile,
      '--persist-to',
      join(dir, 'state'),
      '--log-level',
      'warn',
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: root,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        // wrangler's debug log records whole responses, access tokens included: it
        // goes to the temporary folder, not to ~/.config/.wrangler/logs.
        WRANGLER_LOG_PATH: join(dir, 'logs'),
      },
    },
  );
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const recent = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (raw) => {
      const line = stripVTControlCharacters(raw);
      if (!line.trim() || NOISE.some((pattern) => pattern.test(line))) return;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log(line);
    });
  }

  // Last resort when this process ends some other way (an uncaught error): no orphans.
  const onExit = () => {
    signalGroup(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(child, 'SIGINT');
        const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      // workerd may outlive wrangler by a moment: make sure the group is gone.
      signalGroup(child, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      process.off('exit', onExit);
    })());

  const ready = Promise.race([
    waitForHealth(port, () => stopping !== undefined),
    exited.then(({ code, signal }) => {
      throw new WorkerFailed(
        `wrangler dev stopped before it was ready (${signal ?? `exit ${code}`}).` +
          (recent.length ? `\nIts last lines:\n${recent.join('\n')}` : ''),
      );
    }),
  ]);
  return { ready, stop, exited };
}

/**
 * dotenv syntax. wrangler expands `$VAR` and unescapes in quoted values, so a value
 * with such characters is refused rather than passed on changed; a plain space is kept
 * as it is between the double quotes (a page title).
 */
function envFileText(vars) {
  return Object.entries(vars)
    .map(([name, value]) => {
      if (!/^[^\t\n\r"'`$\\]*$/.test(value)) {
        throw new WorkerFailed(
          `${name} contains a tab, line break, quote, $ or backslash: not supported here.`,
        );
      }
      return `${name}="${value}"`;
    })
    .join('\n');
}

/** @param {import('node:child_process').ChildProcess} child @param {NodeJS.Signals} signal */
function signalGroup(child, signal) {
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-(/** @type {number} */ (child.pid)), signal);
  } catch {
    // The group is already gone.
  }
}

/** @param {number} port @param {() => boolean} cancelled */
async function waitForHealth(port, cancelled) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !cancelled()) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`, {
        signal: AbortSignal.timeout(2000),
      });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (cancelled()) throw new Error('stopped while starting');
  throw new Error(
    `wrangler dev did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s.`,
  );
}
