/**
 * Resolve the platform's configuration from options, the environment, the app's `.env` and
 * the data dir (where generated credentials are kept once).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import dotenv from 'dotenv';
import type { PlatformConfig } from './types';
import { localDefaults } from './local-defaults';
import { privateDir } from '../store/files';

export interface ConfigOptions {
  projectDir?: string;
  port?: number;
  host?: string;
  dataDir?: string;
  envFile?: string;
  timeScale?: number;
  productionLimits?: boolean;
}

export const DEFAULT_PORT = 3233;

/** The app's `.env` (if any) under the process environment (the process wins). */
export function loadAppEnv(envFile: string): { merged: Record<string, string>; fromFile: Record<string, string> } {
  let fromFile: Record<string, string> = {};
  if (fs.existsSync(envFile)) fromFile = dotenv.parse(fs.readFileSync(envFile));
  const merged: Record<string, string> = { ...fromFile };
  for (const [k, v] of Object.entries(process.env)) if (typeof v === 'string') merged[k] = v;
  return { merged, fromFile };
}

/** A namespace in the shape Adobe issues (`development-918-localapp`), as aio-lib-state expects. */
export function generateNamespace(): string {
  return `development-${crypto.randomInt(100000, 9999999)}-localapp`;
}

/** Namespace and key: AIO_RUNTIME_NAMESPACE/AIO_RUNTIME_AUTH, else generated once in the data dir. */
export function resolveCredentials(env: Record<string, string>, dataDir: string): { namespace: string; auth: string } {
  const file = path.join(dataDir, 'runtime-credentials.json');
  let stored: { namespace?: string; auth?: string };
  try {
    stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { namespace?: string; auth?: string };
  } catch {
    stored = {};
  }
  if (!stored.namespace || !stored.auth) {
    stored = {
      namespace: stored.namespace || generateNamespace(),
      // OpenWhisk keys are "uuid:64 characters"
      auth: stored.auth || `${crypto.randomUUID()}:${crypto.randomBytes(32).toString('hex')}`,
    };
    privateDir(dataDir);
    fs.writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  }
  const namespace = env.AIO_RUNTIME_NAMESPACE || stored.namespace!;
  const auth = env.AIO_RUNTIME_AUTH || stored.auth!;
  return { namespace, auth };
}

/**
 * Port 0 means "any free port". Every module needs the base URL before the server listens
 * (action inputs and local defaults contain it), so a free port is found first and then
 * bound; another process could in theory take it in between, which listen() reports.
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function numberFrom(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export async function resolveConfig(opts: ConfigOptions): Promise<PlatformConfig> {
  const projectDir = path.resolve(opts.projectDir ?? process.cwd());
  const envFile = path.resolve(projectDir, opts.envFile ?? '.env');
  const { merged } = loadAppEnv(envFile);
  const host = opts.host ?? merged.PLATFORM_HOST ?? '127.0.0.1';
  const dataDir = path.resolve(projectDir, opts.dataDir ?? merged.PLATFORM_DATA_DIR ?? '.data');
  let port = opts.port ?? numberFrom(merged.PLATFORM_PORT) ?? DEFAULT_PORT;
  if (port === 0) port = await findFreePort(host);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const baseUrl = `http://${urlHost.includes(':') ? `[${urlHost}]` : urlHost}:${port}`;
  // the data dir holds event bodies and secrets: 0700 before anything is written to it
  privateDir(dataDir);
  const { namespace, auth } = resolveCredentials(merged, dataDir);
  const defaults = localDefaults(baseUrl, dataDir);
  const env: Record<string, string> = { ...defaults };
  for (const [k, v] of Object.entries(merged)) if (v !== '') env[k] = v;
  return {
    host,
    port,
    baseUrl,
    projectDir,
    dataDir,
    namespace,
    auth,
    timeScale: opts.timeScale ?? numberFrom(merged.PLATFORM_TIME_SCALE) ?? 1,
    productionLimits: opts.productionLimits ?? merged.PLATFORM_PRODUCTION_LIMITS === 'true',
    env,
    appEnv: merged,
    localDefaults: defaults,
  };
}
