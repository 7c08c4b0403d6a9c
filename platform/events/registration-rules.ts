/**
 * What makes a registration valid (Adobe's rules, as the management API answers them):
 * a delivery type, one target for push deliveries (an http(s) webhook or a
 * "package/action"), and at least one known (provider, event code) of interest.
 */
import { PlatformError } from '../core/errors';
import type { DeliveryType, EventMetadataRow, InterestRef, ProviderRow, RegistrationRow } from './rows';

export interface RegistrationInput {
  client_id?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  delivery_type?: string | undefined;
  webhook_url?: string | undefined;
  runtime_action?: string | undefined;
  events_of_interest?: InterestRef[] | undefined;
  enabled?: boolean | undefined;
}

export interface ValidRegistration {
  delivery_type: DeliveryType;
  webhook_url: string | null;
  runtime_action: string | null;
  interests: InterestRef[];
}

export interface Lookups {
  provider(id: string): ProviderRow | undefined;
  metadata(providerId: string, eventCode: string): EventMetadataRow | undefined;
}

const DELIVERY_TYPES: readonly string[] = ['webhook', 'webhook_batch', 'journal'];

const invalid = (message: string, field: string): PlatformError =>
  new PlatformError(400, 'invalid_field', message, { field });
const missing = (message: string, field: string): PlatformError =>
  new PlatformError(400, 'missing_field', message, { field });

/** the target of a push registration: either a webhook or a runtime action */
function checkTarget(deliveryType: string, webhookUrl: string | null, runtimeAction: string | null): void {
  if (!webhookUrl && !runtimeAction)
    throw missing(`a ${deliveryType} registration needs webhook_url or runtime_action`, 'webhook_url');
  if (webhookUrl && runtimeAction)
    throw invalid('give either webhook_url or runtime_action, not both', 'runtime_action');
  if (webhookUrl) {
    let u: URL;
    try {
      u = new URL(webhookUrl);
    } catch {
      throw invalid(`webhook_url is not a valid URL: ${webhookUrl}`, 'webhook_url');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid('webhook_url must be http(s)', 'webhook_url');
  }
  if (runtimeAction && !/^[^/\s]+\/[^/\s]+$/.test(runtimeAction)) {
    throw invalid(`runtime_action must look like "package/action"; got ${runtimeAction}`, 'runtime_action');
  }
}

function checkInterests(interests: InterestRef[] | undefined, known: Lookups): InterestRef[] {
  if (!interests || !Array.isArray(interests) || interests.length === 0) {
    throw missing('events_of_interest must list at least one {provider_id, event_code}', 'events_of_interest');
  }
  interests.forEach((ei, i) => {
    if (!ei || typeof ei.provider_id !== 'string' || typeof ei.event_code !== 'string') {
      throw invalid(`events_of_interest[${i}] needs provider_id and event_code strings`, `events_of_interest[${i}]`);
    }
    if (!known.provider(ei.provider_id)) {
      throw invalid(
        `events_of_interest[${i}].provider_id ${ei.provider_id} is not a known provider`,
        `events_of_interest[${i}].provider_id`,
      );
    }
    if (!known.metadata(ei.provider_id, ei.event_code)) {
      throw invalid(
        `events_of_interest[${i}].event_code ${ei.event_code} is not defined for provider ${ei.provider_id}`,
        `events_of_interest[${i}].event_code`,
      );
    }
  });
  return interests.map((ei) => ({ provider_id: ei.provider_id, event_code: ei.event_code }));
}

/** The registration `input` describes (over `existing` for an update), or a 400 naming the field. */
export function validateRegistration(
  input: RegistrationInput,
  known: Lookups,
  existing?: RegistrationRow,
): ValidRegistration {
  const deliveryType = input.delivery_type ?? existing?.delivery_type;
  if (!deliveryType) throw missing('delivery_type is required (webhook, webhook_batch or journal)', 'delivery_type');
  if (!DELIVERY_TYPES.includes(deliveryType)) {
    throw invalid(`delivery_type must be one of webhook, webhook_batch, journal; got ${deliveryType}`, 'delivery_type');
  }
  let webhookUrl = input.webhook_url !== undefined ? input.webhook_url : (existing?.webhook_url ?? null);
  let runtimeAction = input.runtime_action !== undefined ? input.runtime_action : (existing?.runtime_action ?? null);
  if (input.runtime_action && input.webhook_url === undefined) webhookUrl = null;
  if (input.webhook_url && input.runtime_action === undefined) runtimeAction = null;
  if (webhookUrl === '') webhookUrl = null;
  if (runtimeAction === '') runtimeAction = null;
  if (deliveryType !== 'journal') checkTarget(deliveryType, webhookUrl, runtimeAction);
  const interests = checkInterests(
    input.events_of_interest ?? (existing ? (JSON.parse(existing.events_of_interest) as InterestRef[]) : undefined),
    known,
  );
  return {
    delivery_type: deliveryType as DeliveryType,
    webhook_url: deliveryType === 'journal' ? null : webhookUrl,
    runtime_action: deliveryType === 'journal' ? null : runtimeAction,
    interests,
  };
}
