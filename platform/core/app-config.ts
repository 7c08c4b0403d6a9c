/**
 * Load an App Builder `app.config.yaml`: `$include` anywhere (paths relative to the including
 * file), packages under `application.runtimeManifest` (and under each
 * `extensions.<name>.runtimeManifest`), actions with `function`, `web`, `inputs`,
 * `annotations`, `limits`. Tolerant: unknown fields are ignored, a missing file gives no
 * actions.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export interface ActionLimits {
  /** ms */
  timeout: number;
  /** MB */
  memory: number;
  concurrency: number;
}

export interface ActionSpec {
  packageName: string;
  actionName: string;
  /** "pkg/action" */
  fullName: string;
  /** absolute path of the action's source (file or folder) */
  functionPath: string;
  runtime: string;
  web: boolean;
  rawHttp: boolean;
  final: boolean;
  requireAdobeAuth: boolean;
  /** `web-custom-options`: the action answers OPTIONS itself (no automatic CORS preflight) */
  webCustomOptions: boolean;
  /** inputs as written ("$VAR" not yet substituted) */
  inputs: Record<string, unknown>;
  annotations: Record<string, unknown>;
  limits: ActionLimits;
}

export interface AppConfig {
  /** absolute path of app.config.yaml, or undefined when there is none */
  file?: string;
  actions: ActionSpec[];
  hooks: Record<string, string>;
}

export const DEFAULT_LIMITS: ActionLimits = { timeout: 60_000, memory: 256, concurrency: 1 };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read a YAML file, resolving `$include` and making `function` paths absolute. */
export function loadYamlWithIncludes(file: string, seen: string[] = []): unknown {
  const abs = path.resolve(file);
  if (seen.includes(abs)) throw new Error(`app config: $include cycle through ${abs}`);
  const doc: unknown = YAML.parse(fs.readFileSync(abs, 'utf8'));
  return resolveNode(doc, path.dirname(abs), [...seen, abs]);
}

function resolveNode(node: unknown, dir: string, seen: string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => resolveNode(n, dir, seen));
  if (!isObject(node)) return node;
  let out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$include' && typeof v === 'string') {
      const included = loadYamlWithIncludes(path.resolve(dir, v), seen);
      if (isObject(included)) out = { ...out, ...included };
      continue;
    }
    if (k === 'function' && typeof v === 'string') {
      out[k] = path.resolve(dir, v);
      continue;
    }
    out[k] = resolveNode(v, dir, seen);
  }
  return out;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === 'yes' || v === 'raw';
}

function num(v: unknown, fallback: number): number {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
}

function actionsOfManifest(manifest: unknown, into: ActionSpec[]): void {
  if (!isObject(manifest) || !isObject(manifest.packages)) return;
  for (const [pkg, pdef] of Object.entries(manifest.packages)) {
    if (!isObject(pdef) || !isObject(pdef.actions)) continue;
    for (const [name, adef] of Object.entries(pdef.actions)) {
      if (!isObject(adef) || typeof adef.function !== 'string') continue;
      const annotations = isObject(adef.annotations) ? adef.annotations : {};
      const web = truthy(adef.web) || truthy(adef['web-export']) || truthy(annotations['web-export']);
      const limits = isObject(adef.limits) ? adef.limits : {};
      const pkgInputs = isObject(pdef.inputs) ? pdef.inputs : {};
      into.push({
        packageName: pkg,
        actionName: name,
        fullName: `${pkg}/${name}`,
        functionPath: adef.function,
        runtime: typeof adef.runtime === 'string' ? adef.runtime : 'nodejs:20',
        web,
        rawHttp: adef.web === 'raw' || truthy(annotations['raw-http']),
        final: truthy(annotations.final),
        requireAdobeAuth: truthy(annotations['require-adobe-auth']),
        webCustomOptions: truthy(annotations['web-custom-options']),
        inputs: { ...pkgInputs, ...(isObject(adef.inputs) ? adef.inputs : {}) },
        annotations,
        limits: {
          timeout: num(limits.timeout, DEFAULT_LIMITS.timeout),
          memory: num(limits.memory, DEFAULT_LIMITS.memory),
          concurrency: num(limits.concurrency, DEFAULT_LIMITS.concurrency),
        },
      });
    }
  }
}

export function loadAppConfig(projectDir: string, fileName = 'app.config.yaml'): AppConfig {
  const file = path.resolve(projectDir, fileName);
  if (!fs.existsSync(file)) return { actions: [], hooks: {} };
  const doc = loadYamlWithIncludes(file);
  const actions: ActionSpec[] = [];
  const hooks: Record<string, string> = {};
  if (isObject(doc)) {
    const app = doc.application;
    if (isObject(app)) {
      actionsOfManifest(app.runtimeManifest, actions);
      if (isObject(app.hooks)) {
        for (const [k, v] of Object.entries(app.hooks)) if (typeof v === 'string') hooks[k] = v;
      }
    }
    if (isObject(doc.extensions)) {
      for (const ext of Object.values(doc.extensions)) {
        if (!isObject(ext)) continue;
        actionsOfManifest(ext.runtimeManifest, actions);
        if (isObject(ext.hooks)) {
          for (const [k, v] of Object.entries(ext.hooks)) if (typeof v === 'string' && !hooks[k]) hooks[k] = v;
        }
      }
    }
    // a bare manifest (runtimeManifest or packages at the top) is accepted too
    actionsOfManifest(doc.runtimeManifest, actions);
    if (isObject(doc.packages)) actionsOfManifest(doc, actions);
  }
  return { file, actions, hooks };
}

/**
 * Substitute `$VAR` / `${VAR}` in inputs from env. A value that is exactly one unset
 * variable is left out, so the action's own default applies; embedded unset variables
 * become ''.
 */
export function resolveInputs(inputs: Record<string, unknown>, env: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    const r = substitute(v as Json, env);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

const WHOLE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;
const EMBEDDED = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

function substitute(v: Json, env: Record<string, string>): Json | undefined {
  if (typeof v === 'string') {
    const whole = WHOLE.exec(v);
    if (whole) {
      const name = (whole[1] ?? whole[2]) as string;
      return env[name];
    }
    return v.replace(EMBEDDED, (_m, a: string | undefined, b: string | undefined) => env[(a ?? b) as string] ?? '');
  }
  if (Array.isArray(v)) return v.map((x) => substitute(x, env) ?? null);
  if (v && typeof v === 'object') {
    const o: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = substitute(x, env);
      if (r !== undefined) o[k] = r;
    }
    return o;
  }
  return v;
}
