/**
 * A runtime action target ("package/action"), with Adobe's timeout (60 s). A web action
 * gets the delivery as an HTTP request, signed like a webhook's (it can verify the
 * signatures itself). A non-web action (the app's consumers) is wrapped the way Adobe wraps
 * it in a web sequence (signature check, then the action): its params are what a web action
 * would get and its result, rendered as HTTP, decides the status. Here the platform itself
 * plays that sequence, so there is no signature to check: such a delivery is not signed,
 * and its params carry the other `x-adobe-*` headers (event id, code, delivery id, retry
 * count, provider), which is what consumers read (neither the app's nor the starter kit's
 * read a signature header).
 */
import { renderWebResult } from '../../core/activation-http';
import type { ActionInfo, Runtime } from '../../core/types';
import { DeliveryFailed, type DeliveryRequest, type TargetResponse, type Transport } from './transport';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new DeliveryFailed({ kind: 'timeout', afterMs: ms })), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(asFailure(e));
      },
    );
  });
}

/** an error of the runtime: a status when it carries one (unknown action...), else no response */
function asFailure(e: unknown): DeliveryFailed {
  if (e instanceof DeliveryFailed) return e;
  const err = (e instanceof Error ? e : new Error(String(e))) as Error & {
    statusCode?: unknown;
    cause?: { code?: string };
  };
  if (typeof err.statusCode === 'number')
    return new DeliveryFailed({ kind: 'status', status: err.statusCode, message: err.message });
  return new DeliveryFailed({ kind: 'no-response', reason: err.cause?.code ?? err.message });
}

async function invoke(
  rt: Runtime,
  action: string,
  info: ActionInfo | undefined,
  req: DeliveryRequest,
): Promise<TargetResponse> {
  if (info && !info.web) {
    const params = {
      ...(JSON.parse(req.body) as Record<string, unknown>),
      __ow_method: 'post',
      __ow_headers: req.headers,
      __ow_path: '',
    };
    const rec = await rt.invoke(action, params, { eventId: req.eventId });
    const out = renderWebResult(rec, 'http', 'delivery');
    return {
      status: out.statusCode,
      headers: out.headers,
      body: typeof out.body === 'string' ? out.body : out.body.toString('base64'),
      activationId: rec.activationId || null,
    };
  }
  const res = await rt.invokeWeb(
    action,
    { method: 'POST', headers: req.headers, body: req.body, path: '' },
    { eventId: req.eventId },
  );
  return { status: res.statusCode, headers: res.headers, body: res.body, activationId: res.activationId || null };
}

export function runtimeActionTransport(
  action: string,
  runtime: () => Runtime | undefined,
  timeoutMs: number,
): Transport {
  const rt = runtime();
  const info = rt?.actions().find((a) => a.fullName === action);
  return {
    target: `action:${action}`,
    signed: info?.web !== false,
    async send(req: DeliveryRequest): Promise<TargetResponse> {
      if (!rt) throw new DeliveryFailed({ kind: 'no-response', reason: 'the runtime is not available' });
      try {
        return await withTimeout(invoke(rt, action, info, req), timeoutMs);
      } catch (e) {
        throw asFailure(e);
      }
    },
  };
}
