/**
 * Adobe I/O Events ingress: `POST {base}/ingress` with a CloudEvent 1.0
 * (`application/cloudevents+json`), what `@adobe/aio-lib-events` publishEvent sends.
 * Checks the token, that the provider (`source` = `urn:uuid:{providerId}`) and the event
 * code exist, stores the event durably, then answers 200 `OK`.
 */
import type { FastifyInstance } from 'fastify';
import type { Catalog } from './catalog';
import type { CloudEvent, DeliveryEngine } from './engine';
import { ApiError, asRecord, requireImsAuth, sendError, type TokenCheck } from './http';
import { isStoreFault, STORE_FAULT_RETRY_AFTER_S } from '../store/faults';

export function parseCloudEvent(body: unknown): CloudEvent {
  let obj: unknown = body;
  if (typeof body === 'string') {
    try {
      obj = JSON.parse(body);
    } catch {
      throw new ApiError(400, 'invalid_body', 'the body is not valid JSON', 'body');
    }
  } else if (Buffer.isBuffer(body)) {
    try {
      obj = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError(400, 'invalid_body', 'the body is not valid JSON', 'body');
    }
  }
  const ce = asRecord(obj);
  if (!ce) throw new ApiError(400, 'invalid_body', 'the body must be one CloudEvent JSON object', 'body');
  for (const f of ['id', 'source', 'type', 'specversion']) {
    const v = ce[f];
    if (typeof v !== 'string' || v === '') throw new ApiError(400, 'missing_field', `CloudEvent attribute ${f} is required (a non-empty string)`, f);
  }
  if (ce.specversion !== '1.0') throw new ApiError(400, 'invalid_field', `specversion must be "1.0", got ${String(ce.specversion)}`, 'specversion');
  if (ce.datacontenttype !== undefined && typeof ce.datacontenttype === 'string' && !/json/i.test(ce.datacontenttype)) {
    throw new ApiError(400, 'invalid_field', 'only JSON data (datacontenttype application/json) is accepted', 'datacontenttype');
  }
  return ce as CloudEvent;
}

export function registerIngress(app: FastifyInstance, deps: { catalog: Catalog; engine: DeliveryEngine; tokenCheck?: TokenCheck | undefined }): void {
  const handler = async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    try {
      requireImsAuth(req, deps.tokenCheck);
      const ce = parseCloudEvent(req.body);
      const m = /^urn:uuid:(.+)$/.exec(ce.source);
      const providerId = m?.[1] ?? ce.source;
      const provider = deps.catalog.getProvider(providerId);
      if (!provider) {
        throw new ApiError(400, 'unknown_provider', `source ${ce.source} does not name a known provider (expected urn:uuid:{providerId})`, 'source');
      }
      if (!deps.catalog.getEventMetadata(provider.id, ce.type)) {
        throw new ApiError(400, 'unknown_event_code', `event code ${ce.type} is not defined for provider ${provider.label} (${provider.id})`, 'type');
      }
      const r = await deps.engine.ingestCommitted(ce, provider.id);
      return reply.code(200).header('x-adobe-event-id', r.eventId).type('text/plain').send('OK');
    } catch (e) {
      if (e instanceof ApiError) return sendError(reply, e);
      // disk full, read-only, I/O error: nothing was stored, the sender must try again later
      if (isStoreFault(e)) {
        return sendError(reply, new ApiError(503, 'store_unavailable', `the event store cannot write (${e.code}); nothing was stored, send again later`, undefined, { 'retry-after': String(STORE_FAULT_RETRY_AFTER_S) }));
      }
      throw e;
    }
  };
  app.post('/ingress', handler);
  app.post('/ingress/', handler);
}
