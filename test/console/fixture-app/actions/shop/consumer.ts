// Receives I/O Events deliveries (CloudEvent fields merged into params) and logs them.
interface Params {
  type?: string;
  id?: string;
  data?: { value?: { sku?: string }; sku?: string };
  [k: string]: unknown;
}
export async function main(params: Params): Promise<Record<string, unknown>> {
  const sku = params.data?.value?.sku ?? params.data?.sku;
  console.log(`consumer: received ${params.type ?? '?'} id=${params.id ?? '?'} sku=${sku ?? '-'}`);
  console.log('consumer: routed to product/handler (fixture: nothing to send)');
  return {
    statusCode: 200,
    body: { type: params.type, response: { success: true, message: `processed ${sku ?? ''}` } },
  };
}
