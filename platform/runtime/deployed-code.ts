/**
 * The files of a deployed action, as an OpenWhisk Node.js container would load them: code
 * sent as text becomes one module whose `exec.main` function (a declared function, as in
 * OpenWhisk's Node.js runtime, or an export) is called; a zip (`aio app build`'s output,
 * base64 on the wire) is unpacked and its package.json `main` (or index.js) is required.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { DeployedAction } from './deployments';

const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;

export function isZip(buf: Buffer): boolean {
  return buf.length >= 22 && buf.readUInt32LE(0) === ZIP_LOCAL;
}

/** The files of a zip archive (stored or deflated entries; no ZIP64), by relative path. */
export function unzip(buf: Buffer): Map<string, Buffer> {
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === ZIP_END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== ZIP_CENTRAL) throw new Error('corrupt zip archive (central directory)');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    at += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/')) continue;
    const norm = path.posix.normalize(name);
    if (norm.startsWith('../') || path.posix.isAbsolute(norm))
      throw new Error(`zip entry outside the archive: ${name}`);
    if (buf.readUInt32LE(local) !== ZIP_LOCAL) throw new Error('corrupt zip archive (local header)');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    if (method === 0) files.set(norm, Buffer.from(data));
    else if (method === 8) files.set(norm, zlib.inflateRawSync(data));
    else throw new Error(`zip entry ${name} uses compression method ${method} (only stored and deflate are read)`);
  }
  return files;
}

/** The module to require in an unpacked zip: package.json `main`, else index.js. */
function zipEntry(dir: string, files: Map<string, Buffer>): string {
  const pkg = files.get('package.json');
  if (pkg) {
    const main = (JSON.parse(pkg.toString('utf8')) as { main?: unknown }).main;
    if (typeof main === 'string' && main) return path.join(dir, main);
  }
  if (files.has('index.js')) return path.join(dir, 'index.js');
  throw new Error('the zip has neither a package.json main nor an index.js');
}

/** Text code as a CommonJS module that also exports a declared `main` function. */
function textModule(code: string, main: string): string {
  return `${code}\n;if (typeof ${main} === 'function' && typeof module.exports.${main} !== 'function') module.exports.${main} = ${main};\n`;
}

/**
 * Write the action's files under `root` (a fresh folder per code version) and return the
 * module to require. Throws an Error naming the problem when a zip cannot be read.
 */
export function materialize(root: string, a: DeployedAction): string {
  const main = a.exec.main || 'main';
  const hash = crypto.createHash('sha1').update(a.exec.kind).update(main).update(a.code).digest('hex').slice(0, 16);
  const dir = path.join(root, a.package, a.name, hash);
  const marker = path.join(dir, '.entry');
  if (fs.existsSync(marker)) return fs.readFileSync(marker, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let entry: string;
  if (a.exec.binary) {
    const files = unzip(Buffer.from(a.code, 'base64'));
    for (const [name, data] of files) {
      const f = path.join(dir, name);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, data);
    }
    entry = zipEntry(dir, files);
  } else {
    entry = path.join(dir, 'index.js');
    fs.writeFileSync(entry, textModule(a.code, main));
  }
  fs.writeFileSync(marker, entry);
  return entry;
}

/** Remove the files of every code version of an action but `keep`. */
export function removeVersions(root: string, pkg: string, name: string, keep?: string): void {
  const dir = path.join(root, pkg, name);
  if (!fs.existsSync(dir)) return;
  for (const v of fs.readdirSync(dir)) {
    if (keep && keep.startsWith(path.join(dir, v) + path.sep)) continue;
    fs.rmSync(path.join(dir, v), { recursive: true, force: true });
  }
}
