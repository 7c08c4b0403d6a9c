/** Reading a published CloudEvent 1.0 (JSON data only), with a 400 naming the attribute at fault. */
import type { CloudEvent } from '../../src/contract';
import { PlatformError } from '../core/errors';
import { parseJson } from '../core/http';
import { asRecord } from './fields';

const bad = (code: string, message: string, field: string): PlatformError =>
  new PlatformError(400, code, message, { field });

export function parseCloudEvent(body: unknown): CloudEvent {
  let obj: unknown = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      obj = parseJson(typeof body === 'string' ? body : body.toString('utf8'));
    } catch {
      throw bad('invalid_body', 'the body is not valid JSON', 'body');
    }
  }
  const ce = asRecord(obj);
  if (!ce) throw bad('invalid_body', 'the body must be one CloudEvent JSON object', 'body');
  for (const f of ['id', 'source', 'type', 'specversion']) {
    const v = ce[f];
    if (typeof v !== 'string' || v === '')
      throw bad('missing_field', `CloudEvent attribute ${f} is required (a non-empty string)`, f);
  }
  if (ce.specversion !== '1.0')
    throw bad('invalid_field', `specversion must be "1.0", got ${String(ce.specversion)}`, 'specversion');
  if (ce.datacontenttype !== undefined && typeof ce.datacontenttype === 'string' && !/json/i.test(ce.datacontenttype)) {
    throw bad('invalid_field', 'only JSON data (datacontenttype application/json) is accepted', 'datacontenttype');
  }
  return ce as CloudEvent;
}
