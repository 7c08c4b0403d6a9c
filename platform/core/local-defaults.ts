/**
 * The wiring contract between the platform and an app: when the app's environment leaves
 * one of these names unset, the platform fills it in so that a fresh clone runs with no
 * configuration. `{base}` is the platform's base URL. Generated secrets are created once
 * and kept in the data dir (local-secrets.json), so they stay stable across restarts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Fixed local ids. */
export const LOCAL_IDS = {
  OAUTH_ORG_ID: 'LOCALORG0000000000000000@AdobeOrg',
  IO_CONSUMER_ID: '000000',
  IO_PROJECT_ID: 'local-project',
  IO_WORKSPACE_ID: 'local-workspace',
  // the OAuth server-to-server credential's technical account, which Adobe's auth libraries
  // (aio-commerce-lib-auth) require next to the client id and secret
  OAUTH_TECHNICAL_ACCOUNT_ID: 'LOCALTECHACCOUNT000000000@techacct.adobe.com',
  OAUTH_TECHNICAL_ACCOUNT_EMAIL: 'local-technical-account@techacct.adobe.com',
} as const;

/** Names whose local default is a URL on the platform itself. */
export function urlDefaults(base: string): Record<string, string> {
  return {
    OAUTH_BASE_URL: `${base}/ims/token/`,
    IO_MANAGEMENT_BASE_URL: `${base}/events/`,
    IO_EVENTS_INGRESS_URL: `${base}/ingress`,
    COMMERCE_BASE_URL: `${base}/commerce/rest/`,
    BACKOFFICE_BASE_URL: `${base}/backoffice/`,
    // query API stand-ins for the lookup step (platform/lookup)
    LOOKUP_BASE_URL: `${base}/query/`,
    COMMERCETOOLS_LOOKUP_BASE_URL: `${base}/commercetools/`,
  };
}

/** Names whose local default is a secret generated once. */
export const GENERATED_SECRET_NAMES = [
  'OAUTH_CLIENT_ID',
  'OAUTH_CLIENT_SECRET',
  'INGESTION_API_KEY',
  'COMMERCE_CONSUMER_KEY',
  'COMMERCE_CONSUMER_SECRET',
  'COMMERCE_ACCESS_TOKEN',
  'COMMERCE_ACCESS_TOKEN_SECRET',
  // the back-office stand-in checks it, and the Commerce → back-office handlers require it
  'BACKOFFICE_API_KEY',
] as const;

function generate(name: string): string {
  if (name === 'OAUTH_CLIENT_ID') return crypto.randomBytes(16).toString('hex');
  if (name === 'INGESTION_API_KEY') return `dev-${crypto.randomBytes(24).toString('base64url')}`;
  return crypto.randomBytes(24).toString('hex');
}

/** Read (or create once) the generated secrets kept in the data dir. */
export function loadGeneratedSecrets(dataDir: string): Record<string, string> {
  const file = path.join(dataDir, 'local-secrets.json');
  let current: Record<string, string> = {};
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object') {
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') current[k] = v;
    }
  } catch {
    current = {};
  }
  let changed = false;
  for (const name of GENERATED_SECRET_NAMES) {
    if (!current[name]) {
      current[name] = generate(name);
      changed = true;
    }
  }
  if (changed) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(current, null, 2) + '\n', { mode: 0o600 });
  }
  return current;
}

/** Every local default for a platform at `base`. */
export function localDefaults(base: string, dataDir: string): Record<string, string> {
  return { ...urlDefaults(base), ...LOCAL_IDS, ...loadGeneratedSecrets(dataDir) };
}
