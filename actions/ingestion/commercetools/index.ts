/**
 * ingestion/commercetools: commercetools subscription payloads (Messages and
 * ResourceCreated/Updated/Deleted change notifications) in, catalog events published to
 * I/O Events out, routed by typeId + inclusion filter (src/ingest/sources/commercetools). Web
 * action with `raw-http: true` so signatures are checked over the exact bytes sent;
 * authenticated like ingestion/webhook.
 */
import { ingestAction } from '../../../src/ingest/pipeline';
import { commercetoolsSource } from '../../../src/ingest/sources/commercetools';

export const main = ingestAction(commercetoolsSource());
