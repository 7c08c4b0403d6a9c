// Receives I/O Events deliveries (CloudEvent fields merged into params) and logs them;
// answers 200, or the status in `data.respond`.
interface Params {
  type?: string;
  id?: string;
  data?: { value?: { sku?: string }; sku?: string; respond?: number };
  [k: string]: unknown;
}
export async function main(params: Params): Promise<Record<string, unknown>> {
  const sku = params.data?.value?.sku ?? params.data?.sku;
  console.log(`consumer: received ${params.type ?? '?'} id=${params.id ?? '?'} sku=${sku ?? '-'}`);
  console.log('consumer: routed to product/handler (fixture: nothing to send)');
  // `data.respond` picks the HTTP status to answer (a consumer telling I/O Events to retry)
  if (typeof params.data?.respond === 'number') {
    return { statusCode: params.data.respond, body: { error: `answering ${params.data.respond} as asked` } };
  }
  return {
    statusCode: 200,
    body: { type: params.type, response: { success: true, message: `processed ${sku ?? ''}` } },
  };
}
