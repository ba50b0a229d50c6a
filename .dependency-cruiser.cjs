/**
 * The import rules of the repository (docs/architecture.md, Element code layout), checked by
 * `npm test` (dependency-cruiser): no import circle anywhere in component/ or worker/, type
 * imports included; the element's rooms talk through one door. common/ stands alone; the
 * runtime never imports the facade; the facade reaches the runtime only by loading it (the
 * npm build's dynamic import), and otherwise through the types of common/contract.ts.
 */
const FACADE = ['^component/facade/', '^component/kaleyra-call\\.ts$'];
const ENTRIES = '^component/(define|index|jsx|trusted-types-default)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle, type imports included: split the module or move the shared type.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'runtime-not-to-facade',
      comment:
        'The runtime is loaded by the facade: it knows the element only through common/contract.ts.',
      severity: 'error',
      from: { path: '^component/runtime/' },
      to: { path: [...FACADE, ENTRIES] },
    },
    {
      name: 'facade-through-the-door',
      comment:
        'The facade loads the runtime (a dynamic import, or the CDN file) and talks to it through common/contract.ts only.',
      severity: 'error',
      from: { path: FACADE },
      to: { path: '^component/runtime/', dependencyTypesNot: ['dynamic-import'] },
    },
    {
      name: 'common-stands-alone',
      comment: 'common/ is in both CDN files: it imports neither room.',
      severity: 'error',
      from: { path: '^component/common/' },
      to: { path: ['^component/(facade|runtime)/', '^component/kaleyra-call\\.ts$', ENTRIES] },
    },
    {
      name: 'halves-apart',
      comment: 'The element and the worker meet only at the token endpoint contract.',
      severity: 'error',
      from: { path: '^(component|worker)/' },
      to: { path: '^(demo|sandbox|test|integrations)/' },
    },
    {
      name: 'element-not-to-worker',
      severity: 'error',
      from: { path: '^component/' },
      to: { path: '^worker/' },
    },
    {
      name: 'worker-not-to-element',
      severity: 'error',
      from: { path: '^worker/' },
      to: { path: '^component/' },
    },
  ],
  options: {
    // Type-only imports count: a circle through types is still a circle for a reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.d\\.ts$', 'node_modules'] },
    moduleSystems: ['es6'],
  },
};
