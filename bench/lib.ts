/** Small helpers shared by the benchmarks. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(__dirname, '..');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * Where `@adobe/aio-sdk` can be loaded from: the project's node_modules if a developer
 * installed it, else a private install under .bench-cache/ made on first use (it is the
 * yardstick only; no action or script of the app depends on it).
 */
export function aioSdkDir(log: (l: string) => void): string {
  try {
    return path.dirname(path.dirname(path.dirname(require.resolve('@adobe/aio-sdk/package.json', { paths: [root] }))));
  } catch {
    // not installed in the project
  }
  const dir = path.join(root, '.bench-cache', 'aio-sdk');
  if (!fs.existsSync(path.join(dir, 'node_modules', '@adobe', 'aio-sdk', 'package.json'))) {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.existsSync(path.join(dir, 'package.json')))
      fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
    log('installing @adobe/aio-sdk into .bench-cache/aio-sdk (the yardstick, once; about 200 MB)...');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '@adobe/aio-sdk'], {
      cwd: dir,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('could not install @adobe/aio-sdk for the comparison');
  }
  return path.join(dir, 'node_modules');
}

/** A node child with only PATH (and `env`) in its environment: its wall time and output; rejects on a non-zero exit. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${err || out.slice(-2000)}`));
      resolve({ ms, out });
    });
  });
}
