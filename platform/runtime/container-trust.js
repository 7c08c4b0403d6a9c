/*
 * NODE_EXTRA_CA_CERTS inside a container. Node reads that variable once, when a process
 * starts; a container is a worker thread of the platform's process, so the variable in its
 * environment would be ignored. This adds the certificates of that file to every TLS
 * context created without an explicit `ca` (https, node-fetch, tls.connect), which is what
 * the variable does in a process of its own (the post-app-deploy hook, I/O Runtime).
 *
 * Plain CommonJS JavaScript, loaded by ./worker-entry.js.
 */
'use strict';
const fs = require('node:fs');
const tls = require('node:tls');

module.exports = function trustExtraCaCerts(file) {
  if (!file) return;
  let pem;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
  if (certs.length === 0) return;
  const create = tls.createSecureContext;
  tls.createSecureContext = function createSecureContext(options) {
    const ctx = create.apply(this, arguments);
    if (!options || !options.ca) for (const c of certs) ctx.context.addCACert(c);
    return ctx;
  };
};
