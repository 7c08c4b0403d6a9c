/**
 * ingestion/webhook: back-office systems POST `{"data": {"uid", "event", "value"}}`; the
 * event is authenticated, validated against the catalog and published to I/O Events as a
 * CloudEvent whose id is derived from uid + event code. Web action with `raw-http: true`
 * so the signature is checked over the exact bytes sent.
 */
import { createLogger, requestLine } from '../../../src/kernel/log';
import { prepare, type RawHttpParams } from '../../../src/ingest/sources/backoffice';
import { publish, publishConfigFrom } from '../../../src/clients/io-events';
import { errorResponse, successResponse, type ErrorResult, type SuccessResult } from '../../../src/kernel/responses';
import { toActionError } from '../../../src/kernel/errors';
import { rejectReplay, rememberAccepted, signedMessageOf } from '../../../src/ingest/auth/replay';

export interface Published {
  success: true;
  message: string;
  id: string;
}

export async function main(params: RawHttpParams): Promise<SuccessResult<Published> | ErrorResult> {
  const log = createLogger('ingestion-webhook', params.LOG_LEVEL);
  const started = Date.now();
  let code: string | undefined;
  let id: string | undefined;
  let uid: string | undefined;
  try {
    const prepared = prepare(params);
    code = prepared.event.type;
    id = prepared.event.id;
    uid = prepared.envelope.uid;
    const signedMsg = signedMessageOf(params);
    if (signedMsg) await rejectReplay(signedMsg);
    const cfg = publishConfigFrom(params);
    await publish(cfg, prepared.event);
    if (signedMsg) await rememberAccepted(signedMsg).catch((e: unknown) => log.warn(`could not remember webhook-id: ${e instanceof Error ? e.message : String(e)}`));
    log.info(requestLine({ action: 'ingestion/webhook', event: code, uid, id, status: 200, ms: Date.now() - started }));
    return successResponse(code, { success: true, message: 'Event published successfully', id });
  } catch (err) {
    const e = toActionError(err);
    const line = requestLine({ action: 'ingestion/webhook', event: code, uid, id, status: e.statusCode, code: e.code, ms: Date.now() - started });
    if (e.statusCode >= 500) log.error(`${line} error=${JSON.stringify(e.message)}${e.cause instanceof Error ? ` cause=${JSON.stringify(e.cause.message.split('\n')[0])}` : ''}`);
    else log.info(line);
    return errorResponse(e);
  }
}
