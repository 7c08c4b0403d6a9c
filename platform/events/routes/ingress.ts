/**
 * Adobe I/O Events ingress: `POST {base}/ingress` with a CloudEvent 1.0
 * (`application/cloudevents+json`), what `@adobe/aio-lib-events` publishEvent sends.
 * Checks the token, that the provider (`source` = `urn:uuid:{providerId}`) and the event
 * code exist, stores the event durably, then answers 200 `OK`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PlatformError } from '../../core/errors';
import { isStoreFault, STORE_FAULT_RETRY_AFTER_S } from '../../store/faults';
import { parseCloudEvent } from '../cloud-event';
import { requireImsAuth } from '../ims-auth';
import type { IngestResult } from '../ingest';
import type { EventsRouteDeps } from './deps';

export function registerIngress(
  app: FastifyInstance,
  deps: Pick<EventsRouteDeps, 'providers' | 'engine' | 'tokenCheck'>,
): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    requireImsAuth(req, deps.tokenCheck);
    const ce = parseCloudEvent(req.body);
    const m = /^urn:uuid:(.+)$/.exec(ce.source);
    const providerId = m?.[1] ?? ce.source;
    const provider = deps.providers.getProvider(providerId);
    if (!provider) {
      throw new PlatformError(
        400,
        'unknown_provider',
        `source ${ce.source} does not name a known provider (expected urn:uuid:{providerId})`,
        { field: 'source' },
      );
    }
    if (!deps.providers.getEventMetadata(provider.id, ce.type)) {
      throw new PlatformError(
        400,
        'unknown_event_code',
        `event code ${ce.type} is not defined for provider ${provider.label} (${provider.id})`,
        { field: 'type' },
      );
    }
    let stored: IngestResult;
    try {
      stored = await deps.engine.ingestCommitted(ce, provider.id);
    } catch (e) {
      // disk full, read-only, I/O error: nothing was stored, the sender must try again later
      if (!isStoreFault(e)) throw e;
      throw new PlatformError(
        503,
        'store_unavailable',
        `the event store cannot write (${e.code}); nothing was stored, send again later`,
        {
          headers: { 'retry-after': String(STORE_FAULT_RETRY_AFTER_S) },
        },
      );
    }
    return reply.code(200).header('x-adobe-event-id', stored.eventId).type('text/plain').send('OK');
  };
  app.post('/ingress', handler);
  app.post('/ingress/', handler);
}
