/**
 * How a delivery reaches its target. A transport answers the target's response, or throws
 * a DeliveryFailed saying what happened instead: a timeout, no response (with the reason:
 * connection refused, reset, DNS, the runtime not loaded...), or a status the target's
 * platform answered by an error (e.g. 404 for an unknown action).
 */

export interface DeliveryRequest {
  headers: Record<string, string>;
  body: string;
  /** the CloudEvent id of the (first) event delivered, recorded on the activation it causes */
  eventId: string;
}

export interface TargetResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  activationId: string | null;
}

export type TransportFailure =
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'no-response'; reason: string }
  | { kind: 'status'; status: number; message: string };

export class DeliveryFailed extends Error {
  constructor(readonly failure: TransportFailure) {
    super(
      failure.kind === 'timeout'
        ? `timed out after ${failure.afterMs} ms`
        : failure.kind === 'no-response'
          ? `no response: ${failure.reason}`
          : failure.message,
    );
    this.name = 'DeliveryFailed';
  }
}

export interface Transport {
  /** what traces show as the target: the URL, or `action:pkg/name` */
  readonly target: string;
  /**
   * whether the delivery carries Adobe's signatures: a target that receives the request can
   * verify them; a non-web action cannot (Adobe checks them in the web sequence in front of it)
   */
  readonly signed: boolean;
  send(req: DeliveryRequest): Promise<TargetResponse>;
}
