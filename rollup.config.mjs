import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import {
  EDITOR_SCRIPT,
  WORDPRESS_GLOBALS,
  ZIP_INPUT,
  wordpressZip,
} from './integrations/wordpress/build.mjs';

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
// The npm build (unbundled ES modules + .d.ts in dist/esm, Lit as a
// dependency) is `tsc -p tsconfig.build.json`, the second half of `npm run build`.

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const LANGUAGES = ['en', 'it', 'es'];
const runtimeFile = (language) => `dist/kaleyra-call.runtime.${language}.js`;
const hashes = {};
// The documents whose pinned CDN snippets `npm run sri:readme` updates (and
// test/node/cdn.test.mjs checks): the README's snippet to paste and ES module,
// and the Trusted Types policy's tag in docs/security.md.
const PINNED_DOCS = ['README.md', 'docs/security.md'];

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
      LANGUAGES.some((l) => !hashes[runtimeFile(l)])
        ? undefined
        : Object.fromEntries(LANGUAGES.map((l) => [l, hashes[runtimeFile(l)]])),
  }),
];

export default [
  ...LANGUAGES.map((language, i) => ({
    input: 'component/runtime/register.cdn.ts',
    output: {
      file: runtimeFile(language),
      format: 'iife',
      sourcemap: true,
      plugins: [minify(false)],
    },
    plugins: [
      ...(i === 0 ? [prune()] : []),
      ...compile(language),
      onlyLanguage(language, { include: /\/component\/runtime\/(messages|texts)\.ts$/ }),
      minifyCss({ include: /\/component\/runtime\/error-view\.ts$/ }),
      integrity({ file: 'dist/integrity.json' }),
    ],
  })),
  {
    input: 'component/define.ts',
    output: [
      { file: 'dist/kaleyra-call.js', format: 'es', sourcemap: true, plugins: [minify(true)] },
      {
        file: 'dist/kaleyra-call.iife.js',
        format: 'iife',
        // `window.KaleyraCall.KaleyraCallElement`, for classic scripts that subclass
        // the element or register it under another tag.
        name: 'KaleyraCall',
        sourcemap: true,
        plugins: [minify(false)],
      },
    ],
    plugins: [
      cdnModule('runtime-loader'),
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
  {
    input: ZIP_INPUT,
    output: { dir: 'dist' },
    plugins: [wordpressZip()],
    // Its module is empty on purpose: the zip is the output.
    onwarn: (warning, warn) => warning.code === 'EMPTY_BUNDLE' || warn(warning),
  },
];

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
  const minifyText = (text) =>
    outsideQuotes(text, (part) =>
      part
        .replace(/\/\*[\s\S]*?\*\//g, '')
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
 * Writes `file` as `{"dist/<name>": "sha384-…"}` for every CDN file. With
 * UPDATE_README set (`npm run sri:readme`) it also puts this version and these
 * hashes into the pinned CDN snippets of the documents `docs` (`…/npm/
 * kaleyra-call@<version>/dist/<name>" integrity="sha384-…"`). A plain build
 * never edits them, so test/node/cdn.test.mjs catches a snippet whose hashes
 * went stale.
 */
function integrity({ file, docs }) {
  return {
    name: 'integrity',
    writeBundle(options) {
      // Hash the bytes on disk: they include the sourceMappingURL comment.
      const bytes = readFileSync(options.file);
      hashes[options.file] = `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
      const sorted = Object.fromEntries(
        Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b)),
      );
      writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);

      if (!docs || !process.env.UPDATE_README) return;
      const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
      for (const doc of docs) {
        const before = readFileSync(doc, 'utf8');
        const after = before.replace(
          /(\/npm\/([\w-]+)@)[^/\s"]+(\/(dist\/[\w.-]+\.js)"\s+integrity=")sha384-[A-Za-z0-9+/=]+"/g,
          (whole, start, pkg, middle, path) =>
            pkg === name && sorted[path] ? `${start}${version}${middle}${sorted[path]}"` : whole,
        );
        if (after !== before) writeFileSync(doc, after);
      }
    },
  };
}
