/**
 * Consumer → handler: one blocking invocation through the `openwhisk` client (it reads
 * __OW_API_HOST / __OW_API_KEY), reduced to what the consumer needs to decide a status.
 *
 * How the client reports things (node_modules/openwhisk/lib): with `blocking: true` the REST
 * API answers the activation record, 200 when the action returned normally (whatever
 * `statusCode` its result carries), 502 when the action threw, returned an `{error}` result or
 * ran out of time (the client rejects with an OpenWhiskError whose `error` is the
 * record, so the handler's result is still there), 202 `{activationId}` when the action
 * outlived the platform's blocking wait (resolved as that object). Without `result: true`
 * we keep the record, and with it the handler's activation id for the log line.
 */
import openwhisk from 'openwhisk';

export type InvokeOutcome =
  /** the handler ran to completion and returned `result` (any statusCode) */
  | { kind: 'returned'; result: unknown; activationId?: string }
  /** the handler threw, returned an {error} result, or hit its time limit (502) */
  | { kind: 'failed'; result: unknown; activationId?: string; timedOut: boolean }
  /** still running when the blocking wait ended (202) */
  | { kind: 'pending'; activationId?: string }
  /** the platform refused or could not be reached (404 no such action, 401, 429, 5xx, network) */
  | { kind: 'unreachable'; status?: number; message: string };

export type Invoker = (action: string, params: Record<string, unknown>) => Promise<InvokeOutcome>;

let client: ReturnType<typeof openwhisk> | undefined;
let clientKey = '';

/** One client per warm container, re-created if the runtime hands us other credentials. */
function owClient(): ReturnType<typeof openwhisk> {
  const key = `${process.env.__OW_API_HOST ?? ''}|${process.env.__OW_API_KEY ?? ''}|${process.env.__OW_NAMESPACE ?? ''}`;
  if (!client || key !== clientKey) {
    client = openwhisk();
    clientKey = key;
  }
  return client;
}

const TIME_LIMIT = /exceeded its time limits|timed? ?out/i;

export const openwhiskInvoker: Invoker = async (action, params) => {
  let res: unknown;
  try {
    res = await owClient().actions.invoke({ name: action, blocking: true, params });
  } catch (err) {
    return fromError(err);
  }
  if (!isRecord(res)) return { kind: 'unreachable', message: 'invoke answered no activation record' };
  const activationId = typeof res.activationId === 'string' ? res.activationId : undefined;
  const response = res.response;
  if (!isRecord(response)) return { kind: 'pending', ...(activationId ? { activationId } : {}) };
  if (response.success === false) {
    return {
      kind: 'failed',
      result: response.result,
      timedOut: looksTimedOut(response),
      ...(activationId ? { activationId } : {}),
    };
  }
  return { kind: 'returned', result: response.result, ...(activationId ? { activationId } : {}) };
};

function fromError(err: unknown): InvokeOutcome {
  if (!isRecord(err)) return { kind: 'unreachable', message: 'invoke failed' };
  const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
  const record = err.error;
  // 502 application error: the activation record rides in err.error
  if (isRecord(record) && isRecord(record.response)) {
    const activationId = typeof record.activationId === 'string' ? record.activationId : undefined;
    return {
      kind: 'failed',
      result: record.response.result,
      timedOut: looksTimedOut(record.response),
      ...(activationId ? { activationId } : {}),
    };
  }
  // blocking wait exhausted: the client rejects `{activationId}` as a plain object when result:true,
  // and some platforms answer it with a 202-like body inside an error
  if (status === undefined && typeof err.activationId === 'string')
    return { kind: 'pending', activationId: err.activationId };
  const message = err instanceof Error ? err.message : 'invoke failed';
  return { kind: 'unreachable', ...(status === undefined ? {} : { status }), message };
}

function looksTimedOut(response: Record<string, unknown>): boolean {
  const result = response.result;
  const msg = isRecord(result) && typeof result.error === 'string' ? result.error : '';
  return TIME_LIMIT.test(msg);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
