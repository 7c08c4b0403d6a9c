/**
 * One delivery attempt: the request Adobe sends (the CloudEvent plus `event_id` and
 * `recipient_client_id`, one event or a `webhook_batch` array; Adobe's headers and both
 * signatures where the target can verify them, see ./transports/transport.ts), sent
 * through the registration's transport, and what came of it.
 */
import { randomUUID } from 'node:crypto';
import type { Runtime } from '../core/types';
import { classifyOutcome, type AttemptResult, type Outcome } from './policy';
import { CUSTOM_EVENTS_METADATA, type Providers } from './providers';
import type { EventRow, RegistrationRow } from './rows';
import type { Signer } from './signing';
import { DeliveryFailed, type Transport } from './transports/transport';
import { runtimeActionTransport } from './transports/runtime-action';
import { webhookTransport } from './transports/webhook';

/** What an attempt sent and got, as its trace records it. */
export interface AttemptReport {
  outcome: Outcome;
  started: number;
  duration: number;
  deliveryUuid: string;
  target: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  resStatus: number | null;
  resHeaders: Record<string, string> | null;
  resBody: string | null;
  error: string | null;
  activationId: string | null;
}

export interface AttemptOptions {
  providers: Providers;
  signer: Signer;
  runtime: () => Runtime | undefined;
  webhookTimeoutMs: number;
  actionTimeoutMs: number;
}

/**
 * The stored CloudEvent (`JSON.stringify` of an object) with `event_id` and
 * `recipient_client_id` added, as `JSON.stringify({ ...ce, event_id, recipient_client_id })`
 * would write it, without parsing the body again: the two members are appended. A body that
 * already has either member (keys are replaced in place by the spread) takes the slow path.
 */
export function deliveredJson(body: string, eventId: string, clientId: string): string {
  const extra = `"event_id":${JSON.stringify(eventId)},"recipient_client_id":${JSON.stringify(clientId)}}`;
  if (body.length > 2 && body.endsWith('}') && !body.includes('"event_id"') && !body.includes('"recipient_client_id"'))
    return `${body.slice(0, -1)},${extra}`;
  const ce = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify({ ...ce, event_id: eventId, recipient_client_id: clientId });
}

export class Attempts {
  private readonly providerMeta = new Map<string, string>();

  constructor(private readonly o: AttemptOptions) {
    o.providers.onChange(() => this.providerMeta.clear());
  }

  private providerMetadata(providerId: string): string {
    let m = this.providerMeta.get(providerId);
    if (m === undefined) {
      m = this.o.providers.getProvider(providerId)?.provider_metadata ?? CUSTOM_EVENTS_METADATA;
      this.providerMeta.set(providerId, m);
    }
    return m;
  }

  /** the JSON Adobe delivers: the CloudEvent plus `event_id` and `recipient_client_id` */
  private payload(ev: EventRow, reg: RegistrationRow): string {
    return deliveredJson(ev.body, ev.event_id, reg.client_id);
  }

  private transport(reg: RegistrationRow): Transport {
    return reg.runtime_action
      ? runtimeActionTransport(reg.runtime_action, this.o.runtime, this.o.actionTimeoutMs)
      : webhookTransport(reg.webhook_url ?? '', this.o.webhookTimeoutMs);
  }

  /** deliver `events` (one, or a batch) with the retry count of the most retried of them */
  async run(reg: RegistrationRow, events: EventRow[], retryCount: number): Promise<AttemptReport> {
    const first = events[0] as EventRow;
    const batch = reg.delivery_type === 'webhook_batch';
    const body = batch ? `[${events.map((ev) => this.payload(ev, reg)).join(',')}]` : this.payload(first, reg);
    const transport = this.transport(reg);
    const deliveryUuid = randomUUID();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Adobe I/O Events (local platform)',
      'x-adobe-event-code': first.type,
      'x-adobe-event-id': batch ? events.map((ev) => ev.event_id).join(',') : first.event_id,
      'x-adobe-delivery-id': deliveryUuid,
      'x-adobe-retry-count': String(retryCount),
      'x-adobe-provider': this.providerMetadata(first.provider_id),
      ...(transport.signed ? await this.o.signer.headers(body) : {}),
    };
    const eventId = first.ce_id;
    const started = Date.now();
    const report = { started, deliveryUuid, target: transport.target, requestHeaders: headers, requestBody: body };
    let result: AttemptResult;
    try {
      const res = await transport.send({ headers, body, eventId });
      result = { kind: 'status', status: res.status };
      const done = {
        resStatus: res.status,
        resHeaders: res.headers,
        resBody: res.body,
        error: null,
        activationId: res.activationId,
      };
      return { ...report, ...done, outcome: classifyOutcome(result), duration: Date.now() - started };
    } catch (e) {
      if (!(e instanceof DeliveryFailed)) throw e;
      const f = e.failure;
      result =
        f.kind === 'status'
          ? { kind: 'status', status: f.status }
          : f.kind === 'timeout'
            ? { kind: 'timeout' }
            : { kind: 'no-response', reason: f.reason };
      const failed = {
        resStatus: f.kind === 'status' ? f.status : null,
        resHeaders: null,
        resBody: null,
        error: e.message,
        activationId: null,
      };
      return { ...report, ...failed, outcome: classifyOutcome(result), duration: Date.now() - started };
    }
  }
}
