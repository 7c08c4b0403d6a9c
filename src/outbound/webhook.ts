/**
 * The outbound webhook target: POST the CloudEvent as JSON to the callback URL, with the API
 * key header and Standard Webhooks signature headers (`webhook-id` = the event id, stable
 * across retries so the receiver can deduplicate; `webhook-timestamp`; `webhook-signature`
 * made by the `standardwebhooks` package over the exact body sent), and a timeout.
 * Outcomes follow the same retry rules as every other target (src/kernel/call-target.ts):
 * 2xx ok; 400/404/409/422 and other 4xx final; 429/5xx/timeout/network retried (429 keeps
 * retry-after; a 408 becomes a 504); 401/403 a misconfiguration (500, retried once fixed).
 */
import { Webhook } from 'standardwebhooks';
import type { CloudEvent } from '../contract';
import { callTarget, type TargetResponse } from '../kernel/call-target';
import type { WebhookTarget } from './config';

const signers = new Map<string, Webhook>();
function signerFor(secret: string): Webhook {
  let s = signers.get(secret);
  if (!s) signers.set(secret, (s = new Webhook(secret)));
  return s;
}

/** The headers of one delivery of `body` (the exact JSON text sent). */
export function webhookHeaders(
  target: WebhookTarget,
  event: CloudEvent,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': 'commerce-events-integration outbound',
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
  };
  if (target.secret !== undefined) headers['webhook-signature'] = signerFor(target.secret).sign(event.id, now, body);
  if (target.apiKey !== undefined) headers[target.apiKeyHeader] = target.apiKey;
  return headers;
}

export async function sendWebhook(
  target: WebhookTarget,
  event: CloudEvent,
  now: Date = new Date(),
): Promise<TargetResponse> {
  // callTarget sends JSON.stringify(body): the same text is signed here
  const body = JSON.stringify(event);
  return callTarget({
    target: `webhook target ${target.name}`,
    method: 'POST',
    url: target.url,
    headers: webhookHeaders(target, event, body, now),
    body: event,
    timeoutMs: target.timeoutMs,
  });
}
