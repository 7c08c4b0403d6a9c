/**
 * What both stand-ins (Commerce and back-office) do around each request: the
 * `x-local-stand-in` header, the failure switch (`POST /{system}/_control/fail`), the log of
 * writes in `cm_requests`, and answering the handler's value as JSON.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../core/types';
import { PlatformError } from '../core/errors';
import type { CommerceStore, Json } from './store';
import { commerceError } from './rest/route';

export const STAND_IN_HEADER = 'x-local-stand-in';

export type StandInSystem = 'commerce' | 'backoffice';

interface Failure {
  status: number;
  delayMs: number;
  count: number;
  /** also fail reads (by default only writes fail, so users can still look) */
  reads: boolean;
}

export interface StandIn {
  /** `POST /{system}/_control/fail {status, delayMs, count, reads?}` */
  control(system: StandInSystem): (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** a route handler: header, failure switch, request log, the value answered as JSON */
  wrap(
    system: StandInSystem,
    write: boolean,
    fn: (req: FastifyRequest, p: Record<string, string>) => unknown,
  ): (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** An integer field of the failure switch within [min, max], or a 400 naming it. */
function intField(b: Json, field: string, def: number, min: number, max: number): number {
  const v = b[field] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw commerceError(400, `"${field}" must be an integer from ${min} to ${max}.`, { fieldName: field });
  return v;
}

/** The failure switch's body: `status` an HTTP status, `delayMs` up to 10 minutes, `reads` a boolean. */
function failureOf(body: unknown): Failure {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Json;
  if (b.reads !== undefined && typeof b.reads !== 'boolean')
    throw commerceError(400, '"reads" must be true or false.', { fieldName: 'reads' });
  return {
    status: intField(b, 'status', 500, 100, 599),
    delayMs: intField(b, 'delayMs', 0, 0, 600_000),
    count: intField(b, 'count', 1, 0, 1_000_000),
    reads: b.reads === true,
  };
}

export function standIn(store: CommerceStore, log: Logger): StandIn {
  const failures: Record<string, Failure | undefined> = {};

  /** the next injected failure for this request, after its delay (undefined: none, or delay only) */
  const injectedFailure = async (system: StandInSystem, write: boolean): Promise<PlatformError | undefined> => {
    const f = failures[system];
    if (!f || f.count <= 0 || !(write || f.reads)) return undefined;
    f.count--;
    if (f.count === 0) failures[system] = undefined;
    if (f.delayMs > 0) await new Promise((r) => setTimeout(r, f.delayMs));
    return f.status >= 400
      ? commerceError(f.status, `${system} stand-in: failure injected by /${system}/_control/fail`)
      : undefined;
  };

  return {
    control: (system) => async (req, reply) => {
      const f = failureOf(req.body);
      failures[system] = f.count > 0 ? f : undefined;
      log.info(`${system} stand-in: failure switch set`, { ...f });
      return reply.header(STAND_IN_HEADER, system).send({ [system]: 'stand-in', failNext: f });
    },
    wrap: (system, write, fn) => async (req, reply) => {
      reply.header(STAND_IN_HEADER, system);
      const path = req.url.split('?')[0] ?? req.url;
      const record = (status: number): void => {
        if (write)
          store.logRequest({
            system,
            method: req.method,
            path,
            body: req.body === undefined ? null : JSON.stringify(req.body).slice(0, 65536),
            status,
          });
      };
      const failure = await injectedFailure(system, write);
      let out: unknown;
      try {
        if (failure) throw failure;
        out = fn(req, req.params as Record<string, string>);
      } catch (e) {
        // refused requests are logged with the status they get; the error handler answers them
        if (e instanceof PlatformError) record(e.status);
        throw e;
      }
      record(200);
      // Commerce answers scalars as JSON too (e.g. a shipment id is "12", true for deletes)
      return reply
        .code(200)
        .type('application/json')
        .send(JSON.stringify(out === undefined ? true : out));
    },
  };
}
