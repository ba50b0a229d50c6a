/**
 * The CDN build's runtime files (`kaleyra-call.runtime.<language>.js`, one per
 * language, rollup.config.mjs): each registers the runtime under this build's
 * version and its language for runtime-loader.cdn.ts to pick up.
 */
import * as runtime from './index.js';

declare const __VERSION__: string;
declare const __LANGUAGE__: string;

const g = globalThis as unknown as Record<symbol, Map<string, unknown> | undefined>;
(g[Symbol.for('kaleyra-call.builds')] ??= new Map()).set(`${__VERSION__} ${__LANGUAGE__}`, runtime);
