/**
 * `npm run onboard` while `npm start` runs. The app's .env usually leaves the IMS and I/O
 * Events names unset, and the platform fills them with its local defaults
 * (platform/core/local-defaults.ts) for the actions and for the post-app-deploy hook. A
 * command run by hand in another terminal does not get them; so when names are missing and a
 * local platform answers at http://127.0.0.1:{PLATFORM_PORT, default 3233} (or PLATFORM_URL),
 * the same defaults are taken: its URLs, the fixed local ids, and the secrets it keeps in its
 * data dir (PLATFORM_DATA_DIR, default ./.data). Values the user set always win.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LOCAL_IDS, urlDefaults } from '../../platform/core/local-defaults';

type Env = Record<string, string | undefined>;

const set = (v: string | undefined): boolean => v !== undefined && v.trim() !== '';

/** The local platform's base URL when one answers its health check, else undefined. */
async function runningPlatform(env: Env): Promise<string | undefined> {
  const base = (env.PLATFORM_URL?.trim() || `http://127.0.0.1:${env.PLATFORM_PORT?.trim() || '3233'}`).replace(
    /\/+$/,
    '',
  );
  try {
    const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1500) });
    const body = (await res.json()) as { status?: unknown };
    return res.ok && body.status === 'ok' ? base : undefined;
  } catch {
    return undefined;
  }
}

function keptSecrets(dataDir: string): Record<string, string> {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, 'local-secrets.json'), 'utf8')) as unknown;
    const out: Record<string, string> = {};
    if (parsed && typeof parsed === 'object')
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/**
 * `env` with the running local platform's defaults under it when some of `required` are
 * unset; `filled` names what was taken (empty: nothing, or no platform answered).
 */
export async function withLocalPlatformDefaults(
  env: Env,
  required: readonly string[],
  projectDir: string,
): Promise<{ env: Env; filled: string[]; base?: string }> {
  if (required.every((k) => set(env[k]))) return { env, filled: [] };
  const base = await runningPlatform(env);
  if (!base) return { env, filled: [] };
  const dataDir = path.resolve(projectDir, env.PLATFORM_DATA_DIR?.trim() || '.data');
  const defaults: Record<string, string> = { ...urlDefaults(base), ...LOCAL_IDS, ...keptSecrets(dataDir) };
  const out: Env = { ...env };
  const filled: string[] = [];
  for (const [k, v] of Object.entries(defaults)) {
    if (set(out[k])) continue;
    out[k] = v;
    filled.push(k);
  }
  return { env: out, filled, base };
}
