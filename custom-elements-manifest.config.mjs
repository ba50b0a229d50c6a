// `npm run manifest` writes custom-elements.json from the class JSDoc, the
// Lit properties of component/ and the attribute table (component/common/attributes.ts)
// (IDEs, Storybook and linters read it). It is committed and shipped;
// test/node/manifest.test.mjs fails when it is stale and when the README's
// reference tables miss anything it lists.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export default {
  globs: ['component/**/*.ts'],
  exclude: ['component/**/*.d.ts', 'component/jsx.ts'],
  litelement: true,
  outdir: '.',
  // package.json names the manifest itself (`customElements`); don't rewrite it.
  packagejson: false,
  dependencies: false,
  plugins: [
    attributeTable('component/common/attributes.ts', 'KaleyraCallElement'),
    resolveConstantDefaults(),
    publicApiOnly(),
    methodAccessors(),
    tagDefinition(),
    shippedPaths(),
  ],
};

/** The modules a user imports; the others are internals. */
const PUBLIC_MODULES = ['index', 'define', 'kaleyra-call', 'common/events', 'common/errors'].map(
  (m) => `component/${m}.ts`,
);

/**
 * Keeps the manifest to the public API. The analyzer (0.11) lists private
 * members, turns Lit's internal `state: true` properties into attributes, and
 * adds a nameless event for every `dispatchEvent(new SomeEvent(...))` call. The
 * class JSDoc `@fires` tags are the source of truth for events; they are the
 * ones with a description.
 */
function publicApiOnly() {
  return {
    name: 'kaleyra-call: public API only',
    packageLinkPhase({ customElementsManifest }) {
      customElementsManifest.modules = customElementsManifest.modules.filter((m) =>
        PUBLIC_MODULES.includes(m.path),
      );
      for (const klass of classes(customElementsManifest)) {
        if (klass.members) klass.members = klass.members.filter((m) => m.privacy !== 'private');
        const fields = new Set(klass.members?.map((m) => m.name));
        if (klass.attributes) {
          klass.attributes = klass.attributes.filter(
            (a) => !a.fieldName || fields.has(a.fieldName),
          );
        }
        if (klass.events) klass.events = klass.events.filter((e) => e.name && e.description);
      }
    },
  };
}

/**
 * `connect` is an accessor whose getter returns the method (its setter takes
 * the `connect` attribute's value from frameworks that set properties): to a
 * user it is the method `connect()`, so the manifest says so.
 */
function methodAccessors() {
  return {
    name: 'kaleyra-call: method accessors',
    packageLinkPhase({ customElementsManifest }) {
      for (const klass of classes(customElementsManifest)) {
        for (const [i, m] of (klass.members ?? []).entries()) {
          const returns = /^\(\) => (.+)$/.exec(m.type?.text ?? '');
          if (m.kind !== 'field' || m.name !== 'connect' || !returns) continue;
          klass.members[i] = {
            kind: 'method',
            name: m.name,
            return: { type: { text: returns[1] } },
            description: m.description,
          };
        }
      }
    },
  };
}

/**
 * The element declares its attribute properties from one table (`ATTRIBUTES`
 * in component/common/attributes.ts), which the analyzer cannot follow: read the
 * table's source, JSDoc included, and add each entry to the class as a field
 * and an attribute, typed with its union of allowed values.
 */
function attributeTable(file, className) {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  let table;
  source.forEachChild(function find(node) {
    if (ts.isVariableDeclaration(node) && node.name.getText() === 'ATTRIBUTES') {
      let init = node.initializer;
      while (ts.isSatisfiesExpression(init) || ts.isAsExpression(init)) init = init.expression;
      table = init;
    } else node.forEachChild(find);
  });
  if (!table) throw new Error(`${file}: no ATTRIBUTES table`);
  const literal = (node) => (ts.isStringLiteral(node) ? `'${node.text}'` : node.getText()); // true, false, an identifier
  const entries = table.properties.map((prop) => {
    const spec = Object.fromEntries(
      prop.initializer.properties.map((p) => [p.name.getText(), p.initializer]),
    );
    const values = spec.values?.text.split(' ').map((v) => `'${v}'`);
    const type = spec.type ? 'boolean' : values && !spec.list ? values.join(' | ') : 'string';
    const doc = ts
      .getJSDocCommentsAndTags(prop)
      .map((d) => ts.getTextOfJSDocComment(d.comment) ?? '')
      .join('\n');
    // A list's values are not in its type (a string): name them.
    const description = spec.list
      ? `${doc} Of: ${values.map((v) => v.replaceAll("'", '`')).join(', ')}.`
      : doc;
    return {
      name: prop.name.getText(),
      attribute: spec.attribute?.text ?? prop.name.getText(),
      type: { text: spec.default ? type : `${type} | undefined` },
      ...(spec.default && { default: literal(spec.default) }),
      description,
      ...(spec.reflect && { reflects: true }),
    };
  });
  return {
    name: 'kaleyra-call: attribute table',
    packageLinkPhase({ customElementsManifest }) {
      const klass = classes(customElementsManifest).find((c) => c.name === className);
      const after = klass.members.findIndex((m) => m.name === 'define') + 1;
      klass.members.splice(
        after,
        0,
        ...entries.map(({ name, attribute, ...rest }) => ({
          kind: 'field',
          name,
          privacy: 'public',
          ...rest,
          attribute,
        })),
      );
      klass.attributes = [
        ...entries.map(({ name, attribute, type, description, ...rest }) => ({
          name: attribute,
          type,
          ...(rest.default && { default: rest.default }),
          description,
          fieldName: name,
        })),
        ...(klass.attributes ?? []),
      ];
    },
  };
}

/**
 * A default written as a module constant (`sdkVersion = DEFAULT_SDK_VERSION`)
 * is shown as its value, which is what a reader of the manifest needs.
 */
function resolveConstantDefaults() {
  return {
    name: 'kaleyra-call: resolve constant defaults',
    packageLinkPhase({ customElementsManifest }) {
      const constants = new Map();
      for (const mod of customElementsManifest.modules) {
        for (const d of mod.declarations ?? []) {
          if (
            d.kind === 'variable' &&
            typeof d.default === 'string' &&
            /^'[^']*'$/.test(d.default)
          ) {
            constants.set(d.name, d.default);
          }
        }
      }
      for (const klass of classes(customElementsManifest)) {
        for (const item of [...(klass.members ?? []), ...(klass.attributes ?? [])]) {
          const value = constants.get(item.default);
          if (value === undefined) continue;
          item.default = value;
          item.type ??= { text: 'string' };
        }
      }
    },
  };
}

/**
 * define.ts registers the tag through the static `define()` method, which the
 * analyzer does not follow: record the definition it makes.
 */
function tagDefinition() {
  return {
    name: 'kaleyra-call: tag definition',
    packageLinkPhase({ customElementsManifest }) {
      const define = customElementsManifest.modules.find((m) => m.path === 'component/define.ts');
      for (const mod of customElementsManifest.modules) {
        for (const d of mod.declarations ?? []) {
          if (!d.customElement || !d.tagName) continue;
          define.exports ??= [];
          define.exports.push({
            kind: 'custom-element-definition',
            name: d.tagName,
            declaration: { name: d.name, module: mod.path },
          });
        }
      }
    },
  };
}

/**
 * The manifest describes the published package, whose modules are the compiled
 * files in dist/esm (the TypeScript sources are not shipped).
 */
function shippedPaths() {
  const shipped = (path) =>
    path.replace(/^(?:\.\/|component\/)?([\w./-]+)\.[jt]s$/, 'dist/esm/$1.js');
  return {
    name: 'kaleyra-call: shipped paths',
    packageLinkPhase({ customElementsManifest }) {
      const modules = customElementsManifest.modules;
      for (const mod of modules) {
        mod.path = shipped(mod.path);
        for (const e of mod.exports ?? []) {
          if (e.declaration?.module) e.declaration.module = shipped(e.declaration.module);
        }
      }
      // A re-export (define.js re-exports the class) points at where the class is declared.
      const declaredIn = new Map();
      for (const mod of modules)
        for (const d of mod.declarations ?? []) declaredIn.set(d.name, mod.path);
      for (const mod of modules) {
        for (const e of mod.exports ?? []) {
          const home = declaredIn.get(e.declaration?.name);
          if (e.kind === 'js' && home) e.declaration.module = home;
        }
      }
    },
  };
}

function classes(manifest) {
  return manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.kind === 'class');
}
