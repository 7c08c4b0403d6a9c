/**
 * The bodies of the OpenWhisk write API, checked: a package (`publish`, `annotations`,
 * `parameters`; bindings are refused) and an action (`exec` {kind, code, main, binary},
 * `annotations`, `parameters`, `limits`). On update (`overwrite=true`) the fields left out keep
 * their stored values, as OpenWhisk merges them. Errors are 400s naming the field.
 */
import type { DeployedAction, DeployedLimits, DeployedPackage, KeyValue } from '../deployments';
import { isZip } from '../deployed-code';
import { runtimeError } from '../errors';
import type { PlatformError } from '../../core/errors';

export const NODE_KINDS = ['nodejs:18', 'nodejs:20', 'nodejs:22'];
/** what `nodejs:default` (the openwhisk client's default kind) stands for */
const DEFAULT_KIND = 'nodejs:22';

/** Adobe I/O Runtime's ranges: timeout in ms, memory in MB, logs in MB */
const LIMIT_RANGES: Record<keyof DeployedLimits, [number, number]> = {
  timeout: [100, 3_600_000],
  memory: [128, 4096],
  concurrency: [1, 500],
  logs: [0, 10],
};
export const DEFAULT_DEPLOY_LIMITS: DeployedLimits = { timeout: 60_000, memory: 256, concurrency: 1, logs: 10 };

function bad(message: string): PlatformError {
  return runtimeError(400, `The request content was malformed: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function bodyObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    throw bad('the body is not JSON.');
  }
  if (!isObject(v)) throw bad('the body must be a JSON object.');
  return v;
}

function keyValues(v: unknown, field: string, fallback: KeyValue[]): KeyValue[] {
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || !v.every((x) => isObject(x) && typeof x.key === 'string')) {
    throw bad(`${field} must be an array of {"key": string, "value": any}.`);
  }
  return v.map((x: Record<string, unknown>) => ({ key: x.key as string, value: x.value }));
}

function bool(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw bad(`${field} must be true or false.`);
  return v;
}

function limitsOf(v: unknown, fallback: DeployedLimits): DeployedLimits {
  if (v === undefined) return fallback;
  if (!isObject(v)) throw bad('limits must be an object of timeout, memory, concurrency, logs.');
  const out = { ...fallback };
  for (const key of Object.keys(LIMIT_RANGES) as Array<keyof DeployedLimits>) {
    const x = v[key];
    if (x === undefined) continue;
    const [min, max] = LIMIT_RANGES[key];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
      throw bad(`limits.${key} must be an integer from ${min} to ${max}.`);
    }
    out[key] = x;
  }
  return out;
}

function nextVersion(v: string | undefined): string {
  if (!v) return '0.0.1';
  const parts = v.split('.').map((n) => Number(n));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n))) return '0.0.1';
  return `${parts[0]}.${parts[1]}.${(parts[2] as number) + 1}`;
}

export function parsePackage(
  body: Record<string, unknown>,
  name: string,
  existing: DeployedPackage | undefined,
): DeployedPackage {
  const binding = body.binding;
  if (isObject(binding) && (binding.name || binding.namespace)) {
    throw runtimeError(400, 'Package bindings are not supported by the local platform (binding).');
  }
  return {
    name,
    publish: bool(body.publish, 'publish', existing?.publish ?? false),
    annotations: keyValues(body.annotations, 'annotations', existing?.annotations ?? []),
    parameters: keyValues(body.parameters, 'parameters', existing?.parameters ?? []),
    version: nextVersion(existing?.version),
    updated: Date.now(),
  };
}

function execOf(v: unknown, existing: DeployedAction | undefined): { exec: DeployedAction['exec']; code: string } {
  if (v === undefined) {
    if (existing) return { exec: existing.exec, code: existing.code };
    throw bad('exec is required: {"kind": "nodejs:22", "code": "..."}.');
  }
  if (!isObject(v)) throw bad('exec must be an object {"kind", "code", "main", "binary"}.');
  let kind = v.kind;
  if (kind === 'nodejs:default' || kind === 'nodejs') kind = DEFAULT_KIND;
  if (typeof kind !== 'string' || !NODE_KINDS.includes(kind)) {
    throw bad(
      `exec.kind '${String(v.kind)}' is not supported by the local platform; use one of ${NODE_KINDS.join(', ')}.`,
    );
  }
  if (typeof v.code !== 'string' || v.code.length === 0)
    throw bad('exec.code must be the action code (text or base64 zip).');
  const main = v.main;
  if (main !== undefined && (typeof main !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(main))) {
    throw bad('exec.main must be the name of the function to call.');
  }
  let binary = bool(v.binary, 'exec.binary', false);
  // the openwhisk client sends a zip as base64 without saying so, as OpenWhisk detects it
  if (!binary && /^[A-Za-z0-9+/]+={0,2}$/.test(v.code) && isZip(Buffer.from(v.code.slice(0, 64), 'base64')))
    binary = true;
  if (binary && !isZip(Buffer.from(v.code, 'base64')))
    throw bad('exec.code must be the base64 of a zip when exec.binary is true.');
  return { exec: { kind, binary, ...(main ? { main } : {}) }, code: v.code };
}

export function parseAction(
  body: Record<string, unknown>,
  pkg: string,
  name: string,
  existing: DeployedAction | undefined,
): DeployedAction {
  const { exec, code } = execOf(body.exec, existing);
  return {
    package: pkg,
    name,
    exec,
    code,
    annotations: keyValues(body.annotations, 'annotations', existing?.annotations ?? []),
    parameters: keyValues(body.parameters, 'parameters', existing?.parameters ?? []),
    limits: limitsOf(body.limits, existing?.limits ?? DEFAULT_DEPLOY_LIMITS),
    publish: bool(body.publish, 'publish', existing?.publish ?? false),
    version: nextVersion(existing?.version),
    updated: Date.now(),
  };
}
