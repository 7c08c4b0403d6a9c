/**
 * An outbound webhook receiver: checks the API key header and verifies each delivery's
 * Standard Webhooks signature with the `standardwebhooks` package (`Webhook.verify`) over
 * the raw body, records what it accepted, answers the challenge GET, and can be told to
 * answer a status (or be slow) for the next deliveries.
 */
import { Webhook } from 'standardwebhooks';
import { listen, readBody, sendJson } from './http-util';

export interface Received {
  id: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export async function startWebhookReceiver(opts: { secret: string; apiKey?: string; apiKeyHeader?: string }) {
  const verifier = new Webhook(opts.secret);
  const header = (opts.apiKeyHeader ?? 'x-api-key').toLowerCase();
  const received: Received[] = [];
  const rejected: string[] = [];
  let script: number[] = [];
  let delayMs = 0;
  const srv = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.searchParams.has('challenge'))
      return sendJson(res, 200, { challenge: url.searchParams.get('challenge') });
    const raw = await readBody(req);
    if (opts.apiKey !== undefined && req.headers[header] !== opts.apiKey) {
      rejected.push('api key');
      return sendJson(res, 401, { message: 'bad api key' });
    }
    let body: Record<string, unknown>;
    try {
      body = verifier.verify(raw, req.headers as Record<string, string>) as Record<string, unknown>;
    } catch (e) {
      rejected.push(`signature: ${(e as Error).message}`);
      return sendJson(res, 400, { message: 'signature rejected' });
    }
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const status = script.shift();
    if (status !== undefined)
      return sendJson(res, status, { message: `scripted ${status}` }, status === 429 ? { 'retry-after': '3' } : {});
    received.push({ id: String(req.headers['webhook-id']), headers: req.headers, body });
    return sendJson(res, 200, { ok: true });
  });
  return {
    url: `${srv.url}/hooks`,
    received,
    rejected,
    fail(...statuses: number[]) {
      script = [...statuses];
    },
    slow(ms: number) {
      delayMs = ms;
    },
    reset() {
      received.length = 0;
      rejected.length = 0;
      script = [];
      delayMs = 0;
    },
    close: srv.close,
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
