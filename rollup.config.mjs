import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

// The CDN builds: one self-contained file each, Lit bundled, minified.
//   dist/kaleyra-call.js       ES module   <script type="module" src=…>
//   dist/kaleyra-call.iife.js  classic     <script src=…> (tag managers, CMSs)
const plugins = () => [
  nodeResolve({ exportConditions: ['production'] }),
  typescript({
    tsconfig: './tsconfig.json',
    include: ['component/**/*.ts'],
    compilerOptions: { noEmit: false, declaration: false, sourceMap: true },
  }),
  terser({ ecma: 2020, module: true, format: { comments: false } }),
];

export default [
  {
    input: 'component/define.ts',
    output: { file: 'dist/kaleyra-call.js', format: 'es', sourcemap: true },
    plugins: plugins(),
  },
  {
    input: 'component/define.ts',
    output: {
      file: 'dist/kaleyra-call.iife.js',
      format: 'iife',
      name: 'KaleyraCall',
      sourcemap: true,
    },
    plugins: plugins(),
  },
];
