/**
 * The CDN build's runtime file (`kaleyra-call.runtime.js`): registers the
 * runtime under this build's version for runtime-loader.cdn.ts to pick up.
 */
import * as runtime from './runtime.js';

declare const __VERSION__: string;

const g = globalThis as unknown as Record<symbol, Map<string, unknown> | undefined>;
(g[Symbol.for('kaleyra-call.runtimes')] ??= new Map()).set(__VERSION__, runtime);
