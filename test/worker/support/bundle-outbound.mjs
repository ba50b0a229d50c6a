/**
 * The worker tests' outbound worker (outbound.mjs) runs in workerd as an
 * auxiliary worker, which Miniflare loads as it is: it cannot resolve a package
 * import such as the REST stand-in's `hono`. vitest.config.mts therefore runs it
 * from this bundle: outbound.mjs with everything it imports, built at each test
 * run (well under a second) into node_modules/.cache, outside the repository's files.
 */
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';

const ENTRY = fileURLToPath(new URL('./outbound.mjs', import.meta.url));
const OUTPUT = fileURLToPath(
  new URL('../../../node_modules/.cache/kaleyra-call/outbound.mjs', import.meta.url),
);

/** Builds the bundle; resolves to its path. */
export async function bundleOutbound() {
  const bundle = await rollup({
    input: ENTRY,
    plugins: [nodeResolve({ exportConditions: ['workerd', 'worker', 'browser'] })],
  });
  try {
    mkdirSync(dirname(OUTPUT), { recursive: true });
    await bundle.write({ file: OUTPUT, format: 'es' });
  } finally {
    await bundle.close();
  }
  return OUTPUT;
}
