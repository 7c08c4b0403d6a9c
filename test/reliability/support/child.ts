/**
 * The platform as a child process (`platform/cli.ts start`), on a fixed port so that it can be
 * killed and restarted on the same data dir and URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO } from './platform';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PlatformChild {
  proc: ChildProcess;
  exited: Promise<number | null>;
  /** the last lines it wrote to stderr */
  stderr(): string;
  /** the last lines it wrote to stdout */
  stdout(): string;
}

export function startPlatformChild(opts: {
  port: number;
  dataDir: string;
  projectDir: string;
  envFile: string;
  eventsConfig?: string;
  timeScale?: number;
  /** run the project's post-app-deploy hook (default: --no-hooks) */
  hooks?: boolean;
  env?: Record<string, string>;
}): PlatformChild {
  const args = [
    '--require',
    'tsx/cjs',
    path.join(REPO, 'platform', 'cli.ts'),
    'start',
    '--port',
    String(opts.port),
    '--data-dir',
    opts.dataDir,
    '--project-dir',
    opts.projectDir,
    '--env-file',
    opts.envFile,
    ...(opts.eventsConfig ? ['--events-config', opts.eventsConfig] : []),
    ...(opts.timeScale !== undefined ? ['--time-scale', String(opts.timeScale)] : []),
    '--no-watch',
    ...(opts.hooks ? [] : ['--no-hooks']),
  ];
  const proc = spawn(process.execPath, args, {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      ...(opts.eventsConfig ? { PLATFORM_EVENTS_CONFIG: opts.eventsConfig } : {}),
      ...opts.env,
    },
  });
  let err = '';
  let out = '';
  proc.stderr?.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4000);
  });
  proc.stdout?.on('data', (c: Buffer) => {
    out = (out + c.toString()).slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited, stderr: () => err, stdout: () => out };
}

export async function healthy(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

export async function until(
  what: string,
  fn: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
