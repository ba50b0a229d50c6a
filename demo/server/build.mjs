import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo page loads the CDN build, dist/kaleyra-call.js. It is rebuilt
 * (`npm run build`) when missing or older than anything it is built from, so a
 * fresh clone and an edited element both just work, and an up-to-date one starts
 * at once.
 */
const OUTPUT = 'dist/kaleyra-call.js';

export class BuildFailed extends Error {
  name = 'BuildFailed';
}
const INPUTS = [
  'component',
  'package-lock.json',
  'rollup.config.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** @param {string} root */
export function isBuildStale(root) {
  let built;
  try {
    const stat = statSync(join(root, OUTPUT));
    if (stat.size === 0) return true;
    built = stat.mtimeMs;
  } catch {
    return true;
  }
  return INPUTS.some((input) => newestMtime(join(root, input)) > built);
}

function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Runs `npm run build` in its own process group, so that stopping the sandbox
 * mid-build stops rollup and tsc too.
 * @param {string} root
 * @returns {{ done: Promise<void>, stop: () => void }}
 */
export function runBuild(root) {
  const child = spawn('npm', ['run', '--silent', 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: process.platform !== 'win32',
    shell: process.platform === 'win32', // npm is npm.cmd there
  });
  const done = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve(undefined)
        : reject(new BuildFailed(`npm run build failed (${signal ?? `exit ${code}`}); see above.`)),
    );
  });
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      if (process.platform === 'win32') child.kill();
      else process.kill(-(/** @type {number} */ (child.pid)), 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  return { done, stop };
}
