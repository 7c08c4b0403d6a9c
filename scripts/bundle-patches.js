/**
 * Source patches applied to dependencies while an action is bundled (by
 * scripts/webpack/patch-loader.js for `aio app build` and `npm run build`): each replaces one
 * exact piece of a library's file. A patch whose piece is no longer in that file (the library
 * was upgraded) fails the build loudly, and so does a bundle that holds the library but never
 * passed through the patched file, so a patch is never silently lost; delete it when the
 * library fixes the cost itself.
 */
'use strict';

const patches = [
  {
    name: 'aio-lib-state: compile each schema once',
    // @adobe/aio-lib-state 5.x creates an Ajv and compiles the method's schema on every
    // get/put/delete (≈ 7 ms of CPU per call, most of a warm handler's time). The schemas are
    // constants of each method: compile each once per container, same Ajv options, same result.
    package: '@adobe/aio-lib-state',
    file: 'lib/AdobeState.js',
    find: `function validate (schema, data) {
  const ajv = new Ajv({ allErrors: true })
  const validate = ajv.compile(schema)
  const valid = validate(data)

  return { valid, errors: validate.errors }
}`,
    replace: `/* patched at bundle time (scripts/bundle-patches.js): each schema is compiled once */
const compiledSchemas = new Map()
let sharedAjv
function validate (schema, data) {
  const key = JSON.stringify(schema)
  let validate = compiledSchemas.get(key)
  if (!validate) {
    sharedAjv = sharedAjv || new Ajv({ allErrors: true })
    validate = sharedAjv.compile(schema)
    compiledSchemas.set(key, validate)
  }
  const valid = validate(data)

  return { valid, errors: validate.errors }
}`,
  },
  {
    name: 'aio-lib-core-logging: format debug-provider lines only when enabled',
    // The `debug` provider formats every line with util.format before `debug` drops it as
    // disabled; @adobe/aio-lib-state logs each HTTP response object at debug level, so every
    // get/put paid a util.inspect of a whole node-fetch Response. Format only enabled lines.
    package: '@adobe/aio-lib-core-logging',
    file: 'src/DebugLogger.js',
    find: `  error (...args) {
    this.errorLogger(util.format(...args))
  }

  warn (...args) {
    this.warnLogger(util.format(...args))
  }

  info (...args) {
    this.infoLogger(util.format(...args))
  }

  verbose (...args) {
    this.verboseLogger(util.format(...args))
  }

  debug (...args) {
    this.debugLogger(util.format(...args))
  }

  silly (...args) {
    this.sillyLogger(util.format(...args))
  }`,
    replace: `  error (...args) {
    if (this.errorLogger.enabled) this.errorLogger(util.format(...args))
  }

  warn (...args) {
    if (this.warnLogger.enabled) this.warnLogger(util.format(...args))
  }

  info (...args) {
    if (this.infoLogger.enabled) this.infoLogger(util.format(...args))
  }

  verbose (...args) {
    if (this.verboseLogger.enabled) this.verboseLogger(util.format(...args))
  }

  debug (...args) {
    if (this.debugLogger.enabled) this.debugLogger(util.format(...args))
  }

  silly (...args) {
    if (this.sillyLogger.enabled) this.sillyLogger(util.format(...args))
  }`,
  },
  {
    name: 'fetch-retry: leave the global Request alone for a URL string',
    // fetch-retry checks `input instanceof Request` on every call; in Node the first touch of
    // the global Request loads the built-in fetch (undici, web streams, http2, worker_threads):
    // about 6 MiB of the webhook's peak RSS and time of its cold start, for a check that only matters
    // when the input is a Request object. aio-lib-core-networking always passes a URL string.
    package: 'fetch-retry',
    file: 'index.js',
    find: `          typeof Request !== 'undefined' && input instanceof Request`,
    replace: `          typeof input === 'object' && input !== null && typeof Request !== 'undefined' && input instanceof Request`,
  },
];

const norm = (p) => p.split('\\').join('/');

/** The patch for this file (an absolute path), if any. */
function patchFor(file) {
  const f = norm(file);
  return patches.find((p) => f.endsWith(`/node_modules/${p.package}/${p.file}`));
}

/** The patched source, or the source unchanged when no patch is for this file; throws when the patch no longer fits. */
function patchSource(file, source, list = patches) {
  const f = norm(file);
  const patch = list.find((p) => f.endsWith(`/node_modules/${p.package}/${p.file}`));
  if (!patch) return source;
  const at = source.indexOf(patch.find);
  if (at < 0 || source.indexOf(patch.find, at + 1) >= 0)
    throw new Error(
      `bundle patch "${patch.name}" no longer fits ${patch.package}/${patch.file}: the text it replaces ` +
        `${at < 0 ? 'is not there' : 'is there more than once'} (was the library upgraded? see scripts/bundle-patches.js)`,
    );
  return source.slice(0, at) + patch.replace + source.slice(at + patch.find.length);
}

/**
 * After a build: the patches that should have been applied and were not, given the files
 * bundled (absolute paths) and those that went through patchSource.
 */
function missedPatches(bundled, patched, list = patches) {
  const files = [...bundled].map(norm);
  const done = new Set([...patched].map(norm));
  return list.filter(
    (p) =>
      files.some((f) => f.includes(`/node_modules/${p.package}/`)) &&
      !files.some((f) => f.endsWith(`/node_modules/${p.package}/${p.file}`) && done.has(f)),
  );
}

module.exports = { patches, patchFor, patchSource, missedPatches };
