/**
 * Packages and actions written through the OpenWhisk API (`aio app deploy`, `aio rt action
 * create`, the openwhisk client): this module's `deployed_packages` and `deployed_actions`
 * tables and their named statements. An action's code is kept as sent (text, or the base64
 * of a zip when `binary`), so a restart serves the same actions and a GET returns the code.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../store/db';

export interface KeyValue {
  key: string;
  value: unknown;
}

export interface DeployedLimits {
  /** ms */
  timeout: number;
  /** MB */
  memory: number;
  concurrency: number;
  /** MB of logs per activation */
  logs: number;
}

export interface DeployedPackage {
  name: string;
  publish: boolean;
  annotations: KeyValue[];
  parameters: KeyValue[];
  version: string;
  updated: number;
}

export interface DeployedAction {
  /** the package, `default` for an action outside any package */
  package: string;
  name: string;
  exec: { kind: string; main?: string; binary: boolean };
  /** the code as sent: JavaScript text, or base64 of a zip when exec.binary */
  code: string;
  annotations: KeyValue[];
  parameters: KeyValue[];
  limits: DeployedLimits;
  publish: boolean;
  version: string;
  updated: number;
}

function statements(db: BetterSqlite3.Database) {
  migrate(db, 'runtime-deployments', [
    `CREATE TABLE IF NOT EXISTS deployed_packages (
      name TEXT PRIMARY KEY,
      doc TEXT NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS deployed_actions (
      package TEXT NOT NULL,
      name TEXT NOT NULL,
      doc TEXT NOT NULL,
      code TEXT NOT NULL,
      PRIMARY KEY (package, name)
    )`,
  ]);
  return {
    putPackage: db.prepare('INSERT OR REPLACE INTO deployed_packages (name, doc) VALUES (?, ?)'),
    deletePackage: db.prepare('DELETE FROM deployed_packages WHERE name = ?'),
    allPackages: db.prepare('SELECT doc FROM deployed_packages ORDER BY name'),
    putAction: db.prepare('INSERT OR REPLACE INTO deployed_actions (package, name, doc, code) VALUES (?, ?, ?, ?)'),
    deleteAction: db.prepare('DELETE FROM deployed_actions WHERE package = ? AND name = ?'),
    allActions: db.prepare('SELECT doc, code FROM deployed_actions ORDER BY package, name'),
  };
}

export class DeploymentStore {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: BetterSqlite3.Database) {
    this.sql = statements(db);
  }

  packages(): DeployedPackage[] {
    return (this.sql.allPackages.all() as Array<{ doc: string }>).map((r) => JSON.parse(r.doc) as DeployedPackage);
  }

  putPackage(p: DeployedPackage): void {
    this.sql.putPackage.run(p.name, JSON.stringify(p));
  }

  deletePackage(name: string): void {
    this.sql.deletePackage.run(name);
  }

  actions(): DeployedAction[] {
    return (this.sql.allActions.all() as Array<{ doc: string; code: string }>).map(
      (r) => ({ ...(JSON.parse(r.doc) as Omit<DeployedAction, 'code'>), code: r.code }) as DeployedAction,
    );
  }

  putAction(a: DeployedAction): void {
    const { code, ...doc } = a;
    this.sql.putAction.run(a.package, a.name, JSON.stringify(doc), code);
  }

  deleteAction(pkg: string, name: string): void {
    this.sql.deleteAction.run(pkg, name);
  }
}
