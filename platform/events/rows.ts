/**
 * The shapes of the events module's rows (tables `ev_*`, see ./schema.ts), as the
 * statements in ./store.ts read and write them.
 */
import type { Health } from './policy';

export interface ProviderRow {
  id: string;
  org_id: string;
  project_id: string | null;
  workspace_id: string | null;
  label: string;
  description: string | null;
  docs_url: string | null;
  instance_id: string | null;
  provider_metadata: string;
  created_at: number;
  updated_at: number;
}

export interface EventMetadataRow {
  provider_id: string;
  event_code: string;
  label: string;
  description: string | null;
  sample_event_template: string | null;
  created_at: number;
  updated_at: number;
}

export interface InterestRef {
  provider_id: string;
  event_code: string;
}

export type DeliveryType = 'webhook' | 'webhook_batch' | 'journal';

export interface RegistrationRow {
  id: number;
  registration_id: string;
  org_id: string;
  project_id: string;
  workspace_id: string;
  client_id: string;
  name: string;
  description: string | null;
  delivery_type: DeliveryType;
  webhook_url: string | null;
  runtime_action: string | null;
  enabled: number;
  health: Health;
  paused: number;
  pause_reason: string | null;
  ends_at: number | null;
  events_of_interest: string;
  created_at: number;
  updated_at: number;
}

export interface RegistrationLogEntry {
  at: number;
  action: string;
  reason: string | null;
}

/** An event as lists show it (without its body). */
export interface EventListRow {
  seq: number;
  event_id: string;
  ce_id: string;
  source: string;
  provider_id: string;
  type: string;
  entity_id: string | null;
  status: string;
  received_at: number;
}

export interface EventRow extends EventListRow {
  body: string;
}

/** A delivery as the scheduler picks it (leased). */
export interface PickedRow {
  id: number;
  event_seq: number;
  registration_pk: number;
  attempts: number;
  failures: number;
  first_attempt_at: number | null;
}

export interface DeliveryRow {
  id: number;
  registration_pk: number;
  status: string;
  attempts: number;
  failures: number;
  next_attempt_at: number | null;
  last_status: number | null;
}

export interface AttemptRow {
  id: number;
  delivery_id: number;
  event_seq: number;
  registration_pk: number;
  attempt: number;
  delivery_uuid: string;
  started_at: number;
  duration_ms: number;
  outcome: string;
  target: string;
  request_headers: string;
  request_body: string | null;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  error: string | null;
  activation_id: string | null;
}

export type NewAttemptRow = Omit<AttemptRow, 'id'>;

export type DeliveryStatus =
  'pending' | 'in_flight' | 'retrying' | 'delivered' | 'rejected' | 'dead' | 'held' | 'dropped';

export const EVENT_STATUSES = [
  'received',
  'unrouted',
  'pending',
  'held',
  'retrying',
  'delivered',
  'rejected',
  'dead',
  'dropped',
] as const;
