import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The demo page loads the CDN build, dist/kaleyra-call.js, and the worker serves it from
 * dist/worker-assets (its call page). It is rebuilt (`npm run build`) when either is
 * missing or older than anything it is built from, so a fresh clone and an edited
 * element both just work, and an up-to-date one starts at once.
 */

export class BuildFailed extends Error {
  name = 'BuildFailed';
}
const INPUTS = [
  'component',
  'package.json',
  'package-lock.json',
  'worker/assets.build.mjs',
  'rollup.config.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
];
/** What the build makes that the sandbox uses, for the package's version. */
const outputs = (version) => [
  'dist/kaleyra-call.js',
  `dist/worker-assets/kaleyra-call/${version}/kaleyra-call.iife.js`,
];

/** @param {string} root */
export function isBuildStale(root) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  let built = Infinity;
  for (const output of outputs(version)) {
    try {
      const stat = statSync(join(root, output));
      if (stat.size === 0) return true;
      built = Math.min(built, stat.mtimeMs);
    } catch {
      return true;
    }
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
