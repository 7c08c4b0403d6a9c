/** Shared helpers of the platform benchmarks: child processes, readiness, stats. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..');
export const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
export const TRIVIAL_APP = path.join(__dirname, 'fixtures', 'trivial-app');

export interface Started {
  child: ChildProcess;
  url: string;
  stdout: string;
}

/** Start `tsx platform/cli.ts start` on a random port; resolve once it printed its URL and /healthz is 200. */
export async function startPlatformProcess(opts: {
  projectDir: string;
  env?: Record<string, string>;
  args?: string[];
  /** flags for node itself, e.g. `--cpu-prof` */
  nodeArgs?: string[];
}): Promise<Started & { namespace: string; auth: string; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-platform-'));
  const child = spawn(
    process.execPath,
    // as `npm start` does: one process (the tsx CLI would add a second), CommonJS hooks only
    [
      ...(opts.nodeArgs ?? []),
      '--require',
      'tsx/cjs',
      path.join(ROOT, 'platform', 'cli.ts'),
      'start',
      '--port',
      '0',
      '--project-dir',
      opts.projectDir,
      '--data-dir',
      dataDir,
      '--no-watch',
      '--no-hooks',
      ...(opts.args ?? []),
    ],
    { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`platform did not start: ${stdout}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /platform on (http:\/\/[^\s]+)/.exec(stdout);
      if (m && /aio rt:/.test(stdout)) {
        clearTimeout(t);
        resolve(m[1] as string);
      }
    });
    child.on('exit', (code) => reject(new Error(`platform exited with ${code}: ${stdout}`)));
  });
  await waitHealthy(`${url}/healthz`);
  const namespace = /namespace\s+(\S+)/.exec(stdout)?.[1] ?? '';
  const auth = /auth\s+(\S+)/.exec(stdout)?.[1] ?? '';
  return { child, url, stdout, namespace, auth, dataDir };
}

export async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became healthy`);
}

/** Start a standalone script as a child process that prints its URL on the first stdout line. */
export async function startScript(code: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, ['-e', code], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /(http:\/\/\S+)/.exec(stdout);
      if (m) resolve(m[1] as string);
    });
    child.on('exit', (c) => reject(new Error(`script exited with ${c}`)));
  });
  return { child, url, stdout };
}

/**
 * The baseline: a bare node:http server that does one durable SQLite insert per request
 * (better-sqlite3, WAL, synchronous=NORMAL, prepared statement) and answers a small JSON.
 */
export function bareServerCode(dbFile: string): string {
  return `
const http = require('node:http');
const Database = require('better-sqlite3');
const db = new Database(${JSON.stringify(dbFile)});
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, at INTEGER, body TEXT)');
const ins = db.prepare('INSERT INTO hits (at, body) VALUES (?, ?)');
const srv = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    ins.run(Date.now(), Buffer.concat(chunks).toString());
    const body = JSON.stringify({ hello: 'world' });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
srv.keepAliveTimeout = 65000;
srv.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + srv.address().port));
`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function rssMb(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(s);
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}
