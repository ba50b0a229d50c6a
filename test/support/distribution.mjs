// Middleware for the browser tests of the distribution (test/component/cdn.test.ts,
// test/component/react.test.ts).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * GET /fake/raw/dist/<name>: dist/<name>.js byte for byte. The test runner
 * rewrites every `.js` file it serves (its esbuild transform), which would break
 * the files' SRI hashes; a path without the extension is served untouched.
 * GET /fake/raw/tampered/<name>: the same, but the runtime files have one byte more.
 */
export function rawDist() {
  return async function rawDistMiddleware(ctx, next) {
    const match = /^\/fake\/raw\/(dist|tampered)\/([\w.-]+)$/.exec(ctx.path);
    if (!match) return next();
    const [, folder, name] = match;
    try {
      const bytes = await readFile(new URL(`dist/${name}.js`, `file://${root}/`));
      const tamper = folder === 'tampered' && name.startsWith('kaleyra-call.runtime.');
      ctx.body = tamper ? Buffer.concat([bytes, Buffer.from('\n')]) : bytes;
    } catch {
      ctx.status = 404;
      ctx.body = `dist/${name}.js is missing: run npm run build`;
      return;
    }
    ctx.type = 'text/javascript';
    ctx.set('Cache-Control', 'no-store');
  };
}

/**
 * GET /fake/react.js: React 19 and react-dom/client as one ES module, for the
 * test that renders <kaleyra-call> from React. React ships CommonJS only, which
 * the test runner's node resolution cannot serve to a browser; esbuild (already
 * here for the TypeScript transform) bundles it on first request, offline. The
 * development build, because that is where StrictMode mounts every component twice.
 */
export function reactBundle() {
  let built;
  return async function reactBundleMiddleware(ctx, next) {
    if (ctx.path !== '/fake/react.js') return next();
    const { build } = await import('esbuild');
    built ??= build({
      stdin: {
        contents: [
          "export { default as React } from 'react';",
          "export { createRoot } from 'react-dom/client';",
          "export { flushSync } from 'react-dom';",
        ].join('\n'),
        resolveDir: root,
        loader: 'js',
      },
      bundle: true,
      format: 'esm',
      write: false,
      target: 'es2022',
      define: { 'process.env.NODE_ENV': '"development"' },
    }).then((r) => r.outputFiles[0].text);
    ctx.type = 'text/javascript';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await built;
  };
}
