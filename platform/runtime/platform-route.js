/*
 * Inside a container: its HTTP connections to the platform's own address (host and port of
 * the platform's base URL) go over the container's MessagePort to the platform's HTTP server
 * (./port-socket.js) instead of loopback TCP. Every other connection is untouched: another
 * host or port, a Unix socket, HTTPS (its agent makes its own connections), and fetch/undici
 * (not built on http.Agent).
 *
 * How: `http.Agent.prototype.createConnection` (net.createConnection) answers for that
 * address with a connection on the port. Every agent is an http.Agent (the global one, the
 * one made for `agent: false`, keep-alive agents), so the clients of the action's code
 * (node-fetch, needle, http.request) speak the same HTTP as over TCP, unchanged.
 *
 * Plain CommonJS JavaScript, loaded by ./worker-entry.js before the action's bundle.
 */
'use strict';
const http = require('node:http');
const { portLink } = require('./port-socket');

/**
 * @param route {port: MessagePort, hosts: string[], listenPort: number, address: string} or
 *   undefined (connections stay on TCP)
 */
module.exports = function routeToPlatform(route) {
  if (!route || !route.port) return;
  const hosts = new Set(route.hosts.map((h) => h.toLowerCase()));
  const link = portLink(route.port, {
    local: { address: route.address, port: 0 },
    remote: { address: route.address, port: route.listenPort },
    allowHalfOpen: false,
  });
  route.port.unref();
  const isPlatform = (o) => {
    if (!o || o.socketPath) return false;
    const host = String(o.host || o.hostname || 'localhost')
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1');
    return Number(o.port || 80) === route.listenPort && hosts.has(host);
  };
  const create = http.Agent.prototype.createConnection;
  http.Agent.prototype.createConnection = function createConnection(options) {
    if (isPlatform(options)) return link.connect();
    return create.apply(this, arguments);
  };
};
