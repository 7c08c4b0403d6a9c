/**
 * ingestion/webhook: back-office systems POST `{"data": {"uid", "event", "value"}}`; the
 * event is authenticated, validated against the catalog and published to I/O Events as a
 * CloudEvent whose id is derived from uid + event code (src/ingest/sources/backoffice.ts).
 * Web action with `raw-http: true` so the signature is checked over the exact bytes sent.
 */
import { ingestAction } from '../../../src/ingest/pipeline';
import { backofficeSource } from '../../../src/ingest/sources/backoffice';

export type { Published } from '../../../src/ingest/sources/backoffice';

export const main = ingestAction(backofficeSource);
