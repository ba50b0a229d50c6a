/**
 * A stand-in's browser modules (a folder, entry index.js) bundled into the one classic script
 * that pages load: an IIFE with no imports, generated (never edited, not in git) and rebuilt
 * when it is missing or older than any module of the folder or the build script. Used by the
 * SDK stand-in (kaleyra-sdk/build.mjs) and the Turnstile stand-in (turnstile/build.mjs).
 */
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rollup } from 'rollup';

/**
 * @param {{ name: string, sources: string, script: string, bundle: string, banner: string }} options
 *   `sources`: the folder of the modules; `script`: the build script (its changes count too);
 *   `bundle`: the file to write.
 */
export function onDemandBundle({ name, sources, script, bundle, banner }) {
  /** Builds the bundle now; resolves to its text. */
  async function build() {
    const built = await rollup({
      input: join(sources, 'index.js'),
      // A warning (an import that names nothing, a circular import) is a mistake here.
      onwarn(warning) {
        throw new Error(`${name} build: ${warning.message}`);
      },
    });
    try {
      const { output } = await built.generate({ format: 'iife', banner });
      const code = output[0].code;
      mkdirSync(dirname(bundle), { recursive: true });
      // Written aside, then renamed: a page loading it meanwhile gets the old or the new file whole.
      const temporary = `${bundle}.${process.pid}.tmp`;
      writeFileSync(temporary, code);
      renameSync(temporary, bundle);
      return code;
    } finally {
      await built.close();
    }
  }

  /** True when the bundle is missing or older than a module (or the build script). */
  function isStale() {
    let mtime;
    try {
      mtime = statSync(bundle).mtimeMs;
    } catch {
      return true;
    }
    const inputs = [script, ...readdirSync(sources).map((file) => join(sources, file))];
    return inputs.some((file) => statSync(file).mtimeMs > mtime);
  }

  let building;

  /**
   * The bundle's path, once it is up to date: builds it if stale. Concurrent callers share one
   * build; a failed build is reported to each of them, and the next call tries again.
   */
  async function ensure() {
    if (!building && isStale()) building = build().finally(() => (building = undefined));
    await building;
    return bundle;
  }

  return { build, isStale, ensure };
}
