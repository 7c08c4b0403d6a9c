/**
 * Back-office REST client for the handlers of the Commerce → back-office direction.
 *
 * The back office is whatever system the integration serves (ERP, OMS, PIM, CRM), so its
 * API is the integration's choice; this client speaks a plain resource API that most can
 * offer or put behind a small adapter:
 *   PUT    {BACKOFFICE_BASE_URL}{resource}/{id}   upsert, JSON body (the back office's own vocabulary)
 *   DELETE {BACKOFFICE_BASE_URL}{resource}/{id}
 * resources: products, customers, customer-groups, orders, stock
 * authenticated with the `x-api-key` header (BACKOFFICE_API_KEY).
 * Override the `send` step of a handler to call a different API.
 */
import { callTarget, DEFAULT_TARGET_TIMEOUT_MS, HttpMethod, TargetResponse } from '../kernel/call-target';
import { baseUrl, Params, requiredInput, targetTimeout } from '../kernel/inputs';

export type BackofficeResource = 'products' | 'customers' | 'customer-groups' | 'orders' | 'stock';

export interface BackofficeClientOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
}

export class BackofficeClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #apiKey: string | undefined;

  constructor(opts: BackofficeClientOptions) {
    this.baseUrl = baseUrl(opts.baseUrl);
    this.#apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TARGET_TIMEOUT_MS;
  }

  request(method: HttpMethod, path: string, body?: unknown): Promise<TargetResponse> {
    const headers: Record<string, string> = {};
    if (this.#apiKey !== undefined) headers['x-api-key'] = this.#apiKey;
    return callTarget({
      target: 'the back office',
      method,
      url: this.baseUrl + path,
      headers,
      body,
      timeoutMs: this.timeoutMs,
    });
  }

  upsert(resource: BackofficeResource, id: string | number, body: unknown) {
    return this.request('PUT', `${resource}/${encodeURIComponent(String(id))}`, body);
  }

  remove(resource: BackofficeResource, id: string | number) {
    return this.request('DELETE', `${resource}/${encodeURIComponent(String(id))}`);
  }
}

export function backofficeClientFromParams(params: Params): BackofficeClient {
  return new BackofficeClient({
    baseUrl: requiredInput(params, 'BACKOFFICE_BASE_URL', 'where the back-office API is'),
    apiKey: requiredInput(params, 'BACKOFFICE_API_KEY', 'the back-office API key, sent as x-api-key'),
    timeoutMs: targetTimeout(params, DEFAULT_TARGET_TIMEOUT_MS),
  });
}
