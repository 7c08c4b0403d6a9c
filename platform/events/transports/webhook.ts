/** A webhook target: one POST, Adobe's timeout (10 s), no redirects followed. */
import { DeliveryFailed, type DeliveryRequest, type TargetResponse, type Transport } from './transport';

export function webhookTransport(url: string, timeoutMs: number): Transport {
  return {
    target: url,
    signed: true,
    async send(req: DeliveryRequest): Promise<TargetResponse> {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: req.headers,
          body: req.body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        return {
          status: res.status,
          headers: Object.fromEntries(res.headers.entries()),
          body: await res.text(),
          activationId: null,
        };
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        if (err.name === 'TimeoutError' || err.name === 'AbortError')
          throw new DeliveryFailed({ kind: 'timeout', afterMs: timeoutMs });
        throw new DeliveryFailed({ kind: 'no-response', reason: err.cause?.code ?? err.message });
      }
    },
  };
}
