/**
 * Tables of the events module (prefix `ev_`) in the platform's shared SQLite file.
 *
 * Durability: an event and its deliveries are written in one transaction before the
 * ingress answers. With WAL, a committed transaction survives a crash of the process
 * (kill -9) whatever `synchronous` is; with `synchronous=FULL` it also survives a power
 * loss or OS crash (each commit is fsynced), with `NORMAL` the last commits before a power
 * loss may be lost (the WAL is fsynced at checkpoints only).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migrate as migrateModule } from '../store/db';

const MIGRATIONS: string[] = [
  `
  CREATE TABLE ev_providers (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    project_id TEXT,
    workspace_id TEXT,
    label TEXT NOT NULL,
    description TEXT,
    docs_url TEXT,
    instance_id TEXT,
    provider_metadata TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX ev_providers_instance ON ev_providers(org_id, provider_metadata, instance_id);
  CREATE INDEX ev_providers_org_label ON ev_providers(org_id, label);

  CREATE TABLE ev_event_metadata (
    provider_id TEXT NOT NULL REFERENCES ev_providers(id) ON DELETE CASCADE,
    event_code TEXT NOT NULL,
    label TEXT NOT NULL,
    description TEXT,
    sample_event_template TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (provider_id, event_code)
  );

  CREATE TABLE ev_registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id TEXT NOT NULL UNIQUE,
    org_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    delivery_type TEXT NOT NULL,
    webhook_url TEXT,
    runtime_action TEXT,
    enabled INTEGER NOT NULL DEFAULT 1,
    health TEXT NOT NULL DEFAULT 'ACTIVE',
    paused INTEGER NOT NULL DEFAULT 0,
    pause_reason TEXT,
    ends_at INTEGER,
    events_of_interest TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX ev_registrations_name ON ev_registrations(org_id, project_id, workspace_id, name);

  CREATE TABLE ev_registration_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_pk INTEGER NOT NULL,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    reason TEXT
  );
  CREATE INDEX ev_registration_log_reg ON ev_registration_log(registration_pk, id);

  CREATE TABLE ev_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    ce_id TEXT NOT NULL,
    source TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    type TEXT NOT NULL,
    entity_id TEXT,
    status TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE UNIQUE INDEX ev_events_source_id ON ev_events(source, ce_id);
  CREATE INDEX ev_events_received ON ev_events(received_at);
  CREATE INDEX ev_events_type ON ev_events(type, seq);
  CREATE INDEX ev_events_entity ON ev_events(entity_id, seq) WHERE entity_id IS NOT NULL;
  CREATE INDEX ev_events_status ON ev_events(status, seq);

  CREATE TABLE ev_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_seq INTEGER NOT NULL,
    registration_pk INTEGER NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    first_attempt_at INTEGER,
    last_attempt_at INTEGER,
    last_status INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX ev_deliveries_event_reg ON ev_deliveries(event_seq, registration_pk);
  CREATE INDEX ev_deliveries_due ON ev_deliveries(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
  CREATE INDEX ev_deliveries_reg ON ev_deliveries(registration_pk, status);

  CREATE TABLE ev_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL,
    event_seq INTEGER NOT NULL,
    registration_pk INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    delivery_uuid TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    target TEXT NOT NULL,
    request_headers TEXT NOT NULL,
    request_body TEXT,
    response_status INTEGER,
    response_headers TEXT,
    response_body TEXT,
    error TEXT,
    activation_id TEXT
  );
  CREATE INDEX ev_attempts_event ON ev_attempts(event_seq, id);
  CREATE INDEX ev_attempts_reg ON ev_attempts(registration_pk, id);
  CREATE INDEX ev_attempts_started ON ev_attempts(started_at);

  CREATE TABLE ev_journal (
    registration_pk INTEGER NOT NULL,
    event_seq INTEGER NOT NULL,
    PRIMARY KEY (registration_pk, event_seq)
  ) WITHOUT ROWID;

  CREATE TABLE ev_kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
];

/** Apply the module's migrations (the platform's per-module migrations helper). */
export function migrate(db: BetterSqlite3.Database): void {
  migrateModule(db, 'events', MIGRATIONS);
}
