/**
 * webpack plugins of webpack-config.js. They take webpack's own classes from the compiler
 * they are applied to (`compiler.webpack`), so they work with whichever webpack runs them: the
 * Adobe CLI's own or the project's.
 */
'use strict';
const esbuild = require('esbuild');
const { missedPatches } = require('../bundle-patches.js');

/** files patched by ./patch-loader.js in this process */
const patchedFiles = new Set();

/** Minify each emitted .js with esbuild (a fraction of terser's time, about the same size). */
class EsbuildMinifyPlugin {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.compilation.tap('EsbuildMinifyPlugin', (compilation) => {
      compilation.hooks.processAssets.tapPromise(
        { name: 'EsbuildMinifyPlugin', stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_SIZE },
        async (assets) => {
          for (const name of Object.keys(assets).filter((n) => n.endsWith('.js'))) {
            const { code } = await esbuild.transform(assets[name].source().toString(), {
              minify: true,
              target: 'node20',
              format: 'cjs',
              legalComments: 'none',
            });
            compilation.updateAsset(name, new sources.RawSource(code));
          }
        },
      );
    });
  }
}

/** Fail the build when it bundled a library that has a patch (scripts/bundle-patches.js) without patching it. */
class PatchGuardPlugin {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('PatchGuardPlugin', (compilation) => {
      compilation.hooks.finishModules.tap('PatchGuardPlugin', (modules) => {
        const bundled = [...modules].map((m) => m.resource).filter(Boolean);
        for (const p of missedPatches(bundled, patchedFiles))
          compilation.errors.push(
            new compiler.webpack.WebpackError(
              `bundle patch "${p.name}": ${p.package} is bundled but ${p.package}/${p.file} was not patched (see scripts/bundle-patches.js)`,
            ),
          );
      });
    });
  }
}

module.exports = { EsbuildMinifyPlugin, PatchGuardPlugin, patchedFiles };
