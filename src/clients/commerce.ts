/**
 * Adobe Commerce REST client for the handlers (back office → Commerce direction).
 *
 * Authentication, chosen from the inputs like the starter kit does:
 * - OAuth 1.0a integration tokens (COMMERCE_CONSUMER_KEY/_SECRET, COMMERCE_ACCESS_TOKEN/_SECRET):
 *   every request is signed HMAC-SHA256 over method + URL (the JSON body is not part of the
 *   signature base string, as Commerce expects), with the `oauth-1.0a` package.
 * - otherwise, when OAUTH_CLIENT_ID is set: an IMS bearer token (server-to-server
 *   credentials, for Commerce as a Cloud Service).
 *
 * Why not `@adobe/aio-commerce-lib-auth`: it does the same signing with the same
 * `oauth-1.0a` package, but depends on `@adobe/aio-lib-ims` (which itself pulls
 * `@adobe/aio-lib-state`, `-core-config`, `-ims-jwt`, `-ims-oauth`, form-data, lru-cache) plus
 * `@adobe/aio-lib-core-config`, `@npmcli/package-json`, `consola`, `dotenv`, `valibot`, ...
 * into every handler bundle for ~20 lines of signing; the handlers stay lean without it.
 * `@adobe/aio-commerce-lib-api` builds on it (and on `ky`), so the same applies.
 */
import crypto from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { RetryableError } from '../kernel/errors';
import { callTarget, DEFAULT_TARGET_TIMEOUT_MS, HttpMethod, TargetResponse } from '../kernel/call-target';
import { baseUrl, optionalInput, Params, requiredInput, targetTimeout } from '../kernel/inputs';
import { ImsTokenSource, imsTokenFromParams } from './ims';

export interface CommerceAuth {
  readonly kind: 'oauth1' | 'ims';
  headers(method: HttpMethod, url: string): Promise<Record<string, string>>;
}

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export function oauth1Auth(c: OAuth1Credentials): CommerceAuth {
  const oauth = new OAuth({
    consumer: { key: c.consumerKey, secret: c.consumerSecret },
    signature_method: 'HMAC-SHA256',
    hash_function: (base, key) => crypto.createHmac('sha256', key).update(base).digest('base64'),
  });
  const token = { key: c.accessToken, secret: c.accessTokenSecret };
  return {
    kind: 'oauth1',
    headers: async (method, url) => ({ ...oauth.toHeader(oauth.authorize({ url, method }, token)) }),
  };
}

export function bearerAuth(tokens: ImsTokenSource): CommerceAuth {
  return {
    kind: 'ims',
    headers: async () => ({ authorization: `Bearer ${await tokens.token()}` }),
  };
}

const OAUTH1_INPUTS = [
  'COMMERCE_CONSUMER_KEY',
  'COMMERCE_CONSUMER_SECRET',
  'COMMERCE_ACCESS_TOKEN',
  'COMMERCE_ACCESS_TOKEN_SECRET',
] as const;

/** OAuth 1.0a when COMMERCE_CONSUMER_KEY is set (then all four are required), else IMS. */
export function commerceAuthFromParams(params: Params): CommerceAuth {
  if (optionalInput(params, 'COMMERCE_CONSUMER_KEY') !== undefined) {
    const [consumerKey, consumerSecret, accessToken, accessTokenSecret] = OAUTH1_INPUTS.map((n) =>
      requiredInput(params, n, 'Commerce OAuth 1.0a integration credentials'),
    ) as [string, string, string, string];
    return oauth1Auth({ consumerKey, consumerSecret, accessToken, accessTokenSecret });
  }
  if (optionalInput(params, 'OAUTH_CLIENT_ID') !== undefined) {
    return bearerAuth(imsTokenFromParams(params));
  }
  throw new RetryableError(
    500,
    'missing Commerce credentials: set COMMERCE_CONSUMER_KEY, COMMERCE_CONSUMER_SECRET, COMMERCE_ACCESS_TOKEN, COMMERCE_ACCESS_TOKEN_SECRET (OAuth 1.0a integration) or OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET (IMS)',
    {
      code: 'missing_input',
      details: [{ path: '/COMMERCE_CONSUMER_KEY', message: 'required unless OAUTH_CLIENT_ID is set' }],
    },
  );
}

/** Commerce REST payload types for the calls the handlers make (the subset we send). */
export interface CommerceProduct {
  sku: string;
  name?: string;
  price?: number;
  attribute_set_id?: number;
  status?: number;
  visibility?: number;
  type_id?: string;
  weight?: number;
  custom_attributes?: { attribute_code: string; value: unknown }[];
}
export interface CommerceCustomer {
  id?: number;
  email: string;
  firstname: string;
  lastname: string;
  group_id?: number;
  website_id?: number;
}
export interface CommerceCustomerGroup {
  id?: number;
  code: string;
  tax_class_id: number;
}
export interface CommerceStatusHistory {
  comment: string;
  status?: string;
  is_customer_notified: 0 | 1;
  is_visible_on_front: 0 | 1;
}
export interface CommerceShipmentRequest {
  items: { order_item_id: number; qty: number }[];
  tracks?: { track_number: string; title: string; carrier_code: string }[];
  comment?: { comment: string; is_visible_on_front: 0 | 1 };
  notify?: boolean;
  arguments?: { extension_attributes?: { source_code?: string } };
}
export interface CommerceShipmentEntity {
  entity_id: number;
  order_id: number;
  items: { entity_id?: number; order_item_id: number; qty: number }[];
  tracks: { entity_id?: number; order_id: number; track_number: string; title: string; carrier_code: string }[];
  comments: { entity_id?: number; is_customer_notified: 0 | 1; comment: string; is_visible_on_front: 0 | 1 }[];
  extension_attributes?: { source_code?: string };
}
export interface CommerceSourceItem {
  sku: string;
  source_code: string;
  quantity: number;
  status: 0 | 1;
}

export interface CommerceClientOptions {
  baseUrl: string;
  auth: CommerceAuth;
  timeoutMs?: number;
}

export class CommerceClient {
  readonly baseUrl: string;
  readonly auth: CommerceAuth;
  readonly timeoutMs: number;

  constructor(opts: CommerceClientOptions) {
    this.baseUrl = baseUrl(opts.baseUrl);
    this.auth = opts.auth;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TARGET_TIMEOUT_MS;
  }

  /** `path` is relative to COMMERCE_BASE_URL and starts with `V1/`. */
  async request(method: HttpMethod, path: string, body?: unknown): Promise<TargetResponse> {
    const url = this.baseUrl + path;
    const headers = await this.auth.headers(method, url);
    return callTarget({ target: 'Commerce', method, url, headers, body, timeoutMs: this.timeoutMs });
  }

  createProduct(product: CommerceProduct) {
    return this.request('POST', 'V1/products', { product });
  }
  updateProduct(product: CommerceProduct) {
    return this.request('PUT', `V1/products/${seg(product.sku)}`, { product });
  }
  deleteProduct(sku: string) {
    return this.request('DELETE', `V1/products/${seg(sku)}`);
  }

  createCustomer(customer: CommerceCustomer) {
    return this.request('POST', 'V1/customers', { customer });
  }
  updateCustomer(id: number | string, customer: CommerceCustomer) {
    return this.request('PUT', `V1/customers/${seg(id)}`, { customer });
  }
  deleteCustomer(id: number | string) {
    return this.request('DELETE', `V1/customers/${seg(id)}`);
  }

  createCustomerGroup(group: CommerceCustomerGroup) {
    return this.request('POST', 'V1/customerGroups', { group });
  }
  updateCustomerGroup(id: number | string, group: CommerceCustomerGroup) {
    return this.request('PUT', `V1/customerGroups/${seg(id)}`, { group });
  }
  deleteCustomerGroup(id: number | string) {
    return this.request('DELETE', `V1/customerGroups/${seg(id)}`);
  }

  addOrderComment(orderId: number | string, statusHistory: CommerceStatusHistory) {
    return this.request('POST', `V1/orders/${seg(orderId)}/comments`, { statusHistory });
  }
  createShipment(orderId: number | string, shipment: CommerceShipmentRequest) {
    return this.request('POST', `V1/order/${seg(orderId)}/ship`, shipment);
  }
  updateShipment(entity: CommerceShipmentEntity) {
    return this.request('POST', 'V1/shipment', { entity });
  }

  updateSourceItems(sourceItems: CommerceSourceItem[]) {
    return this.request('POST', 'V1/inventory/source-items', { sourceItems });
  }
}

function seg(v: string | number): string {
  return encodeURIComponent(String(v));
}

/** Client from action inputs: COMMERCE_BASE_URL (e.g. https://shop.example.com/rest/) + auth. */
export function commerceClientFromParams(params: Params): CommerceClient {
  return new CommerceClient({
    baseUrl: requiredInput(
      params,
      'COMMERCE_BASE_URL',
      'where the Commerce REST API is, e.g. https://shop.example.com/rest/',
    ),
    auth: commerceAuthFromParams(params),
    timeoutMs: targetTimeout(params, DEFAULT_TARGET_TIMEOUT_MS),
  });
}
