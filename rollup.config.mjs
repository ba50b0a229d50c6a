import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import {
  EDITOR_SCRIPT,
  WORDPRESS_GLOBALS,
  writeWordPressZip,
} from './integrations/wordpress/build.mjs';
import { writeWorkerAssets } from './worker/assets.build.mjs';

// The CDN builds: self-contained (Lit bundled), minified, with source maps that
// carry their sources. Two files a page may load:
//   dist/kaleyra-call.js          ES module   <script type="module" src=…>
//   dist/kaleyra-call.iife.js     classic     <script src=…> (tag managers, CMSs)
// and, for both, the runtime they load at intent or when a session starts (the
// element's driver, token client, SDK loader, session, the failures' messages),
// one file per language, holding that language's texts only: built first, so
// that each of the two carries their hashes.
//   dist/kaleyra-call.runtime.<en|it|es>.js  classic, loaded with its hash as `integrity`
//   dist/integrity.json           the sha384 SRI hashes (and PINNED_DOCS' copies)
// and, apart, the opt-in Trusted Types `default` policy for the SDK's own sinks
// (component/trusted-types-default.ts), a page's first script when it wants calls:
//   dist/kaleyra-call.trusted-types.js  classic, sets window.KaleyraCallTrustedTypes
// Then the WordPress plugin (integrations/wordpress/build.mjs): its block's editor script, and
//   dist/kaleyra-call-wordpress.zip  the plugin, carrying the files above that it serves.
// Last, the token worker's static files (worker/assets.build.mjs), which it deploys with itself:
//   dist/worker-assets/kaleyra-call/<version>/…  the CDN files above, and their _headers.
// The npm build (unbundled ES modules + .d.ts in dist/esm, Lit as a
// dependency) is `tsc -p tsconfig.build.json`, the second half of `npm run build`.

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const LANGUAGES = ['en', 'it', 'es'];
const runtimeFile = (language) => `dist/kaleyra-call.runtime.${language}.js`;
const hashes = {};
// The runtime files' sha256 hashes, which the first file carries (sha256 rather than
// integrity.json's sha384: as safe for SRI, and 60 bytes fewer before intent).
const runtimeHashes = {};
// The shared modules a runtime file takes from the first file that loaded it (see `fromFacade`).
const SHARED = ['errors', 'events', 'clock', 'scripts', 'attributes'];
// The documents whose pinned CDN snippets `npm run sri:readme` updates (and
// test/node/cdn.test.mjs checks): the README's snippet to paste and ES module,
// the Trusted Types policy's tag in docs/security.md, and the token worker's
// snippet for the files it serves itself (…/kaleyra-call/<version>/<file>).
const PINNED_DOCS = ['README.md', 'docs/security.md', 'worker/README.md'];

const compile = (language) => [
  nodeResolve({ exportConditions: ['production'] }),
  typescript({
    tsconfig: './tsconfig.json',
    include: ['component/**/*.ts'],
    // ES2021, Lit's own output level: no class static blocks (Safari 16.4+).
    compilerOptions: { noEmit: false, declaration: false, sourceMap: true, target: 'ES2021' },
  }),
  constants({
    __VERSION__: () => version,
    __LANGUAGE__: () => language,
    __RUNTIME_INTEGRITY__: () =>
      LANGUAGES.some((l) => !runtimeHashes[l])
        ? undefined
        : Object.fromEntries(LANGUAGES.map((l) => [l, runtimeHashes[l]])),
  }),
];

export default [
  ...LANGUAGES.map((language, i) => ({
    input: 'component/runtime/register.cdn.ts',
    // Reading the shared modules' exports off the first file's registry has no
    // side effect: what a runtime file does not use of them is left out.
    treeshake: { propertyReadSideEffects: false },
    output: {
      file: runtimeFile(language),
      format: 'iife',
      sourcemap: true,
      plugins: [minify(false)],
    },
    plugins: [
      ...(i === 0 ? [prune()] : []),
      fromFacade(),
      ...compile(language),
      onlyLanguage(language, { include: /\/component\/runtime\/(messages|texts)\.ts$/ }),
      minifyCss({ include: /\/component\/runtime\/error-view\.ts$/ }),
      integrity({
        file: 'dist/integrity.json',
        sha256: (hash) => (runtimeHashes[language] = hash),
      }),
    ],
  })),
  {
    input: 'component/entry.cdn.ts',
    output: [
      {
        file: 'dist/kaleyra-call.js',
        format: 'es',
        sourcemap: true,
        // The shared modules' namespaces, lent to the runtime files, need no freezing.
        freeze: false,
        plugins: [minify(true)],
      },
      {
        file: 'dist/kaleyra-call.iife.js',
        format: 'iife',
        freeze: false,
        // `window.KaleyraCall.KaleyraCallElement`, for classic scripts that subclass
        // the element or register it under another tag.
        name: 'KaleyraCall',
        sourcemap: true,
        plugins: [minify(false)],
      },
    ],
    plugins: [
      cdnModule('runtime-loader'),
      scriptUrl(),
      ...compile(),
      minifyCss({ include: /\/component\/facade\/styles\.ts$/ }),
      integrity({ file: 'dist/integrity.json', docs: PINNED_DOCS }),
    ],
  },
  {
    input: 'component/trusted-types-default.ts',
    output: {
      file: 'dist/kaleyra-call.trusted-types.js',
      format: 'iife',
      name: 'KaleyraCallTrustedTypes',
      sourcemap: true,
      plugins: [minify(false)],
    },
    plugins: [...compile(), integrity({ file: 'dist/integrity.json', docs: PINNED_DOCS })],
  },
  {
    input: 'integrations/wordpress/src/editor.ts',
    external: Object.keys(WORDPRESS_GLOBALS),
    output: {
      file: EDITOR_SCRIPT,
      format: 'iife',
      globals: WORDPRESS_GLOBALS,
      plugins: [minify(false)],
    },
    plugins: [
      typescript({
        tsconfig: './tsconfig.json',
        include: ['integrations/wordpress/src/*.ts'],
        compilerOptions: { noEmit: false, declaration: false, sourceMap: false, target: 'ES2020' },
      }),
    ],
  },
  writeOnly('wordpress-zip', writeWordPressZip),
  writeOnly('worker-assets', writeWorkerAssets),
];

/**
 * An entry that bundles nothing: its output is what `write` puts into dist/ once the
 * entries before it are written (the plugin's zip, the worker's files). Its module is
 * empty on purpose, and its chunk is not written.
 */
function writeOnly(name, write) {
  const id = `\0kaleyra-call-${name}`;
  return {
    input: id,
    output: { dir: 'dist' },
    plugins: [
      {
        name,
        resolveId: (source) => (source === id ? id : null),
        load: (source) => (source === id ? 'export {};' : null),
        generateBundle(_, bundle) {
          for (const file of Object.keys(bundle)) delete bundle[file];
        },
        writeBundle: () => write(),
      },
    ],
    onwarn: (warning, warn) => warning.code === 'EMPTY_BUNDLE' || warn(warning),
  };
}

/**
 * A runtime file takes the shared modules (`component/common/<SHARED>.ts`) from
 * the first file that loaded it, which registers them under this version
 * (component/entry.cdn.ts): one copy of each per page and build, so the
 * errors and events a page sees are of one class whichever file made them,
 * and the runtime file does not carry them again. Each becomes a module that
 * reads the registered one's exports.
 */
function fromFacade() {
  const shared = new RegExp(`/component/common/(${SHARED.join('|')})\\.ts$`);
  return {
    name: 'shared-from-facade',
    async resolveId(source, importer, options) {
      if (!importer?.includes('/component/runtime/')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const name = resolved && shared.exec(resolved.id)?.[1];
      return name ? `\0facade:${name}:${resolved.id}` : null;
    },
    async load(id) {
      if (!id.startsWith('\0facade:')) return null;
      const [, name, file] = /^\0facade:(\w+):(.*)$/.exec(id);
      const { exports } = await this.load({ id: file });
      const from = `globalThis[Symbol.for('kaleyra-call.builds')].get(${JSON.stringify(version)}).${name}`;
      return `export const { ${exports.join(', ')} } = ${from};`;
    },
  };
}

/**
 * `import.meta.url` of the classic file: the script element running it, read
 * while it runs (facade/runtime-loader.cdn.ts does), rather than rollup's
 * general stand-in, which guesses a file name when there is none.
 */
function scriptUrl() {
  return {
    name: 'script-url',
    resolveImportMeta(property, { format }) {
      return format === 'iife' && property === 'url' ? 'document.currentScript.src' : null;
    },
  };
}

/**
 * In the CDN build, `component/…/<name>.ts` is replaced by `component/…/<name>.cdn.ts`
 * (the runtime loader that loads the runtime file with its integrity hash).
 */
function cdnModule(name) {
  return {
    name: 'cdn-module',
    async resolveId(source, importer, options) {
      if (!importer || !source.endsWith(`/${name}.js`)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id.replace(new RegExp(`${name}\\.ts$`), `${name}.cdn.ts`) ?? null;
    },
  };
}

/**
 * Keeps, of the texts in the languages (`en: '…',` lines of the compiled
 * tables), those of `language` only: a page loads the runtime of its
 * element's language, and the element words every failure in that language
 * (component/runtime/driver.ts), the `message` of its errors included.
 */
function onlyLanguage(language, { include }) {
  const others = LANGUAGES.filter((l) => l !== language);
  const line = new RegExp(`^\\s*(${others.join('|')}): (['"\`]).*\\2,?$\\n`, 'gm');
  return {
    name: 'only-language',
    transform(code, id) {
      if (!others.length || !include.test(id)) return null;
      // Emptied, not removed: the lines keep their numbers, so the source map holds.
      return { code: code.replace(line, '\n'), map: null };
    },
  };
}

/** Replaces each `__NAME__` identifier of the compiled code with its value (a JSON string). */
function constants(values) {
  const pattern = new RegExp(`\\b(${Object.keys(values).join('|')})\\b`, 'g');
  return {
    name: 'constants',
    transform(code) {
      if (!pattern.test(code)) return null;
      pattern.lastIndex = 0;
      return {
        code: code.replace(pattern, (name) => {
          const value = values[name]();
          if (value === undefined) throw new Error(`${name} has no value yet`);
          return JSON.stringify(value);
        }),
        map: null,
      };
    },
  };
}

/**
 * Terser, twice over (`passes: 2`). `module: false` for the classic script: a
 * module's top level may be renamed or dropped, which would lose the global.
 */
function minify(module) {
  return terser({
    ecma: 2020,
    module,
    compress: { passes: 2 },
    // Our private members (`_name`) get short names. Lit's own internals use
    // `_$`-prefixed names and are left alone; members another copy of the bundle
    // may call (the shared session's public API) have no underscore.
    mangle: { properties: { regex: /^_[a-zA-Z]/ } },
    format: { comments: false },
  });
}

/**
 * Deletes what a build no longer makes, so it is never published: modules in
 * dist/esm whose source is gone, and source maps (the npm build has none).
 * Pruning, not emptying dist/, keeps the files other processes are reading
 * (the demo, a test run) in place while a build runs.
 */
function prune() {
  return {
    name: 'prune',
    buildStart() {
      // The single runtime file of earlier versions (now one per language).
      rmSync('dist/kaleyra-call.runtime.js', { force: true });
      rmSync('dist/kaleyra-call.runtime.js.map', { force: true });
      const esm = 'dist/esm';
      if (!existsSync(esm)) return;
      // The CDN build's own modules (`*.cdn.ts`) are not npm modules.
      const sources = new Set(
        readdirSync('component', { recursive: true })
          .filter((f) => f.endsWith('.ts') && !f.endsWith('.cdn.ts'))
          .map((f) => f.replace(/\.ts$/, '')),
      );
      for (const file of readdirSync(esm, { recursive: true })) {
        const module = file.replace(/\.(js|d\.ts)(\.map)?$/, '');
        if (module === file) continue; // a folder
        if (file.endsWith('.map') || !sources.has(module)) rmSync(`${esm}/${file}`);
      }
    },
  };
}

/**
 * Minifies the element's own css``, unsafeCSS(``) and minified(``) literals (Lit keeps them
 * as strings in the bundle): comments, runs of whitespace, spaces around `{ } ; , > :` and the
 * zero of `0.5em` go; quoted strings are kept. A literal with `${}` is left alone.
 */
function minifyCss({ include }) {
  const outsideQuotes = (text, fn) =>
    text
      .split(/('[^']*'|"[^"]*")/)
      .map((part, i) => (i % 2 ? part : fn(part)))
      .join('');
  // Comments go first: an apostrophe in one is not a quote.
  const minifyText = (text) =>
    outsideQuotes(text.replace(/\/\*[\s\S]*?\*\//g, ''), (part) =>
      part
        .replace(/\s+/g, ' ')
        .replace(/ ?([{};,>]) ?/g, '$1')
        .replace(/: /g, ':')
        .replace(/ !important/g, '!important')
        .replace(/([\s:,(])0\.(\d)/g, '$1.$2'),
    )
      .replace(/;}/g, '}')
      .trim();
  return {
    name: 'minify-css',
    transform(code, id) {
      if (!include.test(id)) return null;
      const out = code.replace(
        /\b(css|unsafeCSS\(|minified\()\s*`([^`$\\]*)`/g,
        (_, tag, text) => `${tag}\`${minifyText(text)}\``,
      );
      return out === code ? null : { code: out, map: null };
    },
  };
}

/**
 * Writes `file` as `{"dist/<name>": "sha384-…"}` for every CDN file, and hands
 * `sha256` the file's sha256 hash when asked (a runtime file's, for the first
 * file to carry). With
 * UPDATE_README set (`npm run sri:readme`) it also puts this version and these
 * hashes into the pinned CDN snippets of the documents `docs` (`…/npm/
 * kaleyra-call@<version>/dist/<name>" integrity="sha384-…"`). A plain build
 * never edits them, so test/node/cdn.test.mjs catches a snippet whose hashes
 * went stale.
 */
function integrity({ file, docs, sha256 }) {
  return {
    name: 'integrity',
    writeBundle(options) {
      // Hash the bytes on disk: they include the sourceMappingURL comment.
      const bytes = readFileSync(options.file);
      hashes[options.file] = `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
      sha256?.(`sha256-${createHash('sha256').update(bytes).digest('base64')}`);
      const sorted = Object.fromEntries(
        Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b)),
      );
      writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);

      if (!docs || !process.env.UPDATE_README) return;
      const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
      for (const doc of docs) {
        const before = readFileSync(doc, 'utf8');
        const after = before
          .replace(
            /(\/npm\/([\w-]+)@)[^/\s"]+(\/(dist\/[\w.-]+\.js)"\s+integrity=")sha384-[A-Za-z0-9+/=]+"/g,
            (whole, start, pkg, middle, path) =>
              pkg === name && sorted[path] ? `${start}${version}${middle}${sorted[path]}"` : whole,
          )
          // The token worker's own copy (worker/assets.build.mjs): …/kaleyra-call/<version>/<file>.
          .replace(
            /(\/kaleyra-call\/)[^/\s"]+(\/([\w.-]+\.js)"\s+integrity=")sha384-[A-Za-z0-9+/=]+"/g,
            (whole, start, middle, file) =>
              sorted[`dist/${file}`]
                ? `${start}${version}${middle}${sorted[`dist/${file}`]}"`
                : whole,
          );
        if (after !== before) writeFileSync(doc, after);
      }
    },
  };
}
