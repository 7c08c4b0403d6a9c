/** What `platform start` prints once the platform listens: where everything is, a curl to try. */
import fs from 'node:fs';
import path from 'node:path';
import type { RunningPlatform } from '../core/server';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** A sample event the app provides, for the ready-to-paste curl. */
function findSample(projectDir: string, env: Record<string, string>): string | undefined {
  const candidates = [
    ...(env.PLATFORM_SAMPLE_EVENT_FILE ? [env.PLATFORM_SAMPLE_EVENT_FILE] : []),
    'scripts/samples/ingestion-webhook.json',
    'samples/ingestion-webhook.json',
    'test/fixtures/ingestion-webhook.json',
    'scripts/onboarding/config/sample-event.json',
  ];
  for (const c of candidates) {
    const f = path.join(projectDir, c);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

export function summary(p: RunningPlatform): string {
  const { config } = p;
  const actions = p.ctx.runtime.actions();
  const lines: string[] = [];
  lines.push('');
  lines.push(`Local Adobe I/O platform on ${config.baseUrl}`);
  lines.push(`  namespace  ${config.namespace}`);
  lines.push(`  auth       ${config.auth}   (AIO_RUNTIME_AUTH)`);
  lines.push(`  console    ${config.baseUrl}/console`);
  lines.push(`  data dir   ${config.dataDir}`);
  lines.push('');
  if (actions.length === 0) {
    lines.push('  no actions (no app.config.yaml with runtimeManifest packages in the project dir)');
  } else {
    const w = Math.max(...actions.map((a) => a.fullName.length), 6);
    lines.push(`  ${pad('action', w)}  url`);
    for (const a of actions) {
      const url =
        a.webUrl ?? `POST ${config.baseUrl}/api/v1/namespaces/${config.namespace}/actions/${a.fullName}?blocking=true`;
      lines.push(`  ${pad(a.fullName, w)}  ${url}`);
    }
  }
  lines.push('');
  // `aio` prints http URLs (aio app deploy, aio app get-url) only for a localhost API host
  const aioHost = config.baseUrl.replace('//127.0.0.1:', '//localhost:');
  lines.push(
    `  aio rt:  AIO_RUNTIME_APIHOST=${aioHost} AIO_RUNTIME_NAMESPACE=${config.namespace} AIO_RUNTIME_AUTH=${config.auth} aio rt action list`,
  );
  const ingestion = actions.find((a) => a.web && /ingestion|webhook/i.test(a.fullName));
  if (ingestion?.webUrl) {
    const sample = findSample(config.projectDir, config.env);
    const key = config.env.INGESTION_API_KEY;
    const rel = sample ? path.relative(process.cwd(), sample) || sample : undefined;
    lines.push('');
    lines.push('  Post a sample event to the webhook:');
    // without a sample file: the starter kit's webhook payload, with a new uid per paste
    // (the uid becomes the event id, and a repeated id is rightly delivered only once)
    const data = rel
      ? ` --data @${rel}`
      : ` --data '{"data":{"uid":"sample-'"$(date +%s)"'","event":"be-observer.catalog_product_create",` +
        `"value":{"sku":"SAMPLE-1","name":"Sample product","price":1,"description":"A sample product"}}}'`;
    lines.push(
      `  curl -sS -X POST '${ingestion.webUrl}' -H 'content-type: application/json'${key ? ` -H 'x-api-key: ${key}'` : ''}${data}`,
    );
  }
  const token = config.env.COMMERCE_ACCESS_TOKEN;
  // the product the sample event creates, edited on the Commerce side (the other direction)
  if (ingestion?.webUrl && token && config.env.COMMERCE_BASE_URL === `${config.baseUrl}/commerce/rest/`) {
    lines.push('');
    lines.push('  Edit a product in the Commerce stand-in, as an admin (it reaches the back office):');
    lines.push(
      `  curl -sS -X PUT '${config.baseUrl}/commerce/rest/V1/products/SAMPLE-1' -H 'content-type: application/json' -H 'authorization: Bearer ${token}' --data '{"product":{"name":"Renamed in Commerce"}}'`,
    );
    lines.push(`  then: ${config.baseUrl}/console/#/entity?entity=SAMPLE-1`);
  }
  lines.push('');
  return lines.join('\n');
}
