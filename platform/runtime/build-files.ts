/**
 * The files the action builder works with: an action's entry file (a file, or a folder with
 * a package.json `main` or an index), the fingerprints that decide whether a cached bundle is
 * still good, where the build cache lives, and writing without half-written files.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const INDEX_NAMES = ['index.ts', 'index.js', 'index.mjs', 'index.cjs', 'main.ts', 'main.js'];

export function resolveEntry(functionPath: string): string {
  const st = fs.statSync(functionPath, { throwIfNoEntry: false });
  if (!st) throw new Error(`action source not found: ${functionPath}`);
  if (st.isFile()) return functionPath;
  const pkgFile = path.join(functionPath, 'package.json');
  if (fs.existsSync(pkgFile)) {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { main?: string };
    if (pkg.main) return path.resolve(functionPath, pkg.main);
  }
  for (const n of INDEX_NAMES) {
    const f = path.join(functionPath, n);
    if (fs.existsSync(f)) return f;
  }
  throw new Error(`no index file in action folder ${functionPath}`);
}

export function hashFile(f: string): string {
  try {
    return crypto.createHash('sha1').update(fs.readFileSync(f)).digest('hex');
  } catch {
    return '';
  }
}

export function statKey(f: string): [number, number] | undefined {
  const st = fs.statSync(f, { throwIfNoEntry: false });
  return st ? [st.size, st.mtimeMs] : undefined;
}

/** The nearest node_modules/.cache above the project (the usual home of build caches), else the data dir. */
export function cacheDirFor(projectDir: string, buildDir: string): string {
  let dir = path.resolve(projectDir);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'node_modules')))
      return path.join(dir, 'node_modules', '.cache', 'local-platform');
    const up = path.dirname(dir);
    if (up === dir) return path.join(buildDir, '.cache');
    dir = up;
  }
}

/** write through a temporary file and a rename, so a parallel reader never sees half a file */
export function atomicWrite(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
