/**
 * ingestion/commercetools: commercetools subscription payloads (Messages and
 * ResourceCreated/Updated/Deleted change notifications) in, catalog events published to
 * I/O Events out, routed by typeId + inclusion filter (src/sources/commercetools). Web
 * action with `raw-http: true` so signatures are checked over the exact bytes sent;
 * authenticated like ingestion/webhook.
 */
import { ingestCommercetools, type CommercetoolsResult } from '../../../src/ingest/sources/commercetools';
import type { RawHttpParams } from '../../../src/ingest/sources/backoffice';

export function main(params: RawHttpParams): Promise<CommercetoolsResult> {
  return ingestCommercetools(params);
}
