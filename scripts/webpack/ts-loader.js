/**
 * webpack loader for the app's TypeScript: esbuild strips the types (no type check here:
 * `npm run typecheck` is that) and keeps `import`/`export`, so webpack sees ES modules: it
 * takes the `import` build of dual packages and drops what is never used (tree shaking).
 */
'use strict';
const esbuild = require('esbuild');

module.exports = function tsLoader(source) {
  const out = esbuild.transformSync(source, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: this.resourcePath,
    // tsconfig.json's settings that change emitted code
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
  });
  return out.code;
};
