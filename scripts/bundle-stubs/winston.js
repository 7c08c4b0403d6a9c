// @adobe/aio-lib-core-logging's default provider builds a winston logger (console transport,
// format `${timestamp} [${label}] ${level}: ${message}`), and every Adobe library creates one
// at load. winston with logform, readable-stream and colorspace is the largest part of an
// action bundle's load time. This stand-in implements exactly what WinstonLogger uses and
// prints the same line to stdout, which is what Runtime collects as activation logs.
'use strict';
const LEVELS = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

function createLogger(opts) {
  const o = opts || {};
  let labelText = '';
  for (const f of (o.format && o.format.parts) || []) if (f && f.label !== undefined) labelText = f.label;
  const max = LEVELS[o.level] === undefined ? LEVELS.info : LEVELS[o.level];
  const silent = !!o.silent;
  const logger = { close() {} };
  for (const level of Object.keys(LEVELS)) {
    logger[level] = (message) => {
      if (silent || LEVELS[level] > max) return;
      console.log(`${new Date().toISOString()} [${labelText}] ${level}: ${message}`);
    };
  }
  return logger;
}

const format = {
  combine: (...parts) => ({ parts }),
  label: (o) => ({ label: o && o.label }),
  splat: () => ({}),
  timestamp: () => ({}),
  printf: () => ({}),
};

class Console {}
class File {
  constructor() {
    throw new Error('file log transports are not bundled into actions');
  }
}

module.exports = { createLogger, format, transports: { Console, File } };
