/**
 * webpack loader applying scripts/bundle-patches.js to the library files it names; the
 * `PatchGuardPlugin` of ./plugins.js fails a build that bundled a patched library without
 * going through its patched file.
 */
'use strict';
const { patchSource } = require('../bundle-patches.js');
const { patchedFiles } = require('./plugins.js');

module.exports = function patchLoader(source) {
  const out = patchSource(this.resourcePath, source);
  if (out !== source) patchedFiles.add(this.resourcePath);
  return out;
};
