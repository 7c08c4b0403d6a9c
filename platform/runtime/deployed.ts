/**
 * The actions deployed through the OpenWhisk API, as the runtime runs them: each one's
 * stored record (deployments.ts), its files on disk (deployed-code.ts) and the ActionSpec the
 * rest of the runtime knows, so a deployed action runs in the same warm workers as an action
 * of app.config.yaml. A deployed action shadows an app.config.yaml action of the same name.
 */
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { ActionSpec } from '../core/app-config';
import type { Logger } from '../core/types';
import { DeploymentStore, type DeployedAction, type DeployedPackage, type KeyValue } from './deployments';
import { materialize, removeVersions } from './deployed-code';

export interface DeployedEntry {
  action: DeployedAction;
  spec: ActionSpec;
  /** the module to require; empty when the code could not be unpacked */
  bundle: string;
  error?: string;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === 'yes' || v === 'raw';
}

export function asRecord(list: KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) out[kv.key] = kv.value;
  return out;
}

function specOf(a: DeployedAction, bundle: string): ActionSpec {
  const ann = asRecord(a.annotations);
  return {
    packageName: a.package,
    actionName: a.name,
    fullName: `${a.package}/${a.name}`,
    functionPath: bundle,
    runtime: a.exec.kind,
    web: truthy(ann['web-export']),
    rawHttp: truthy(ann['raw-http']),
    final: truthy(ann.final),
    requireAdobeAuth: truthy(ann['require-adobe-auth']),
    webCustomOptions: truthy(ann['web-custom-options']),
    inputs: asRecord(a.parameters),
    annotations: ann,
    limits: { timeout: a.limits.timeout, memory: a.limits.memory, concurrency: a.limits.concurrency },
  };
}

export class DeployedActions {
  readonly store: DeploymentStore;
  private readonly entries = new Map<string, DeployedEntry>();
  private readonly root: string;

  constructor(db: BetterSqlite3.Database, dataDir: string, log: Logger) {
    this.store = new DeploymentStore(db);
    this.root = path.join(dataDir, 'deployed');
    for (const a of this.store.actions()) this.load(a, log);
  }

  private load(a: DeployedAction, log?: Logger): DeployedEntry {
    let bundle = '';
    let error: string | undefined;
    try {
      bundle = materialize(this.root, a);
    } catch (e) {
      error = (e as Error).message;
      log?.error('deployed action cannot be loaded', { action: `${a.package}/${a.name}`, error });
    }
    const spec = specOf(a, bundle);
    // as OpenWhisk does: the package's parameters, then the action's own
    const pkg = this.store.packages().find((p) => p.name === a.package);
    if (pkg) spec.inputs = { ...asRecord(pkg.parameters), ...spec.inputs };
    const entry: DeployedEntry = { action: a, spec, bundle, ...(error ? { error } : {}) };
    this.entries.set(entry.spec.fullName, entry);
    return entry;
  }

  get(fullName: string): DeployedEntry | undefined {
    return this.entries.get(fullName);
  }

  list(): DeployedEntry[] {
    return [...this.entries.values()];
  }

  packages(): DeployedPackage[] {
    return this.store.packages();
  }

  putPackage(p: DeployedPackage): void {
    this.store.putPackage(p);
    for (const e of this.list()) if (e.action.package === p.name) this.load(e.action);
  }

  deletePackage(name: string): void {
    this.store.deletePackage(name);
  }

  /** Check the code can be unpacked before anything is stored; throws an Error naming the problem. */
  put(a: DeployedAction): DeployedEntry {
    const bundle = materialize(this.root, a);
    this.store.putAction(a);
    const entry = this.load(a);
    removeVersions(this.root, a.package, a.name, bundle);
    return entry;
  }

  delete(fullName: string): void {
    const e = this.entries.get(fullName);
    if (!e) return;
    this.store.deleteAction(e.action.package, e.action.name);
    this.entries.delete(fullName);
    removeVersions(this.root, e.action.package, e.action.name);
  }
}
