/**
 * Run the batch file target: `npm run sink:batch -- --dir ./batches [--port 3240]
 * [--max-bytes 52428800] [--max-age-ms 300000] [--ends-at 2026-12-31T23:59:59Z] [--token T]`.
 * Then register its URL with I/O Events as a `webhook_batch` (or `webhook`) registration for
 * the events to collect (see the README, "Beyond the starter kit"). Settings may also come from the environment:
 * BATCH_SINK_DIR, BATCH_SINK_PORT, BATCH_MAX_BYTES, BATCH_MAX_AGE_MS, BATCH_ENDS_AT, BATCH_SINK_TOKEN.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriter, LocalDirectoryStorage, startBatchSink } from '../src/outbound/batch';

const HELP = `batch sink: collects I/O Events deliveries into NDJSON files with manifests

  --dir DIR           where files go (BATCH_SINK_DIR, default ./batches)
  --port N            port to listen on (BATCH_SINK_PORT, default 3240; 0 = any)
  --host H            interface (default 127.0.0.1)
  --max-bytes N       close a file before it exceeds N bytes (BATCH_MAX_BYTES, default 52428800 = 50 MB)
  --max-age-ms N      close a file N ms after its first event (BATCH_MAX_AGE_MS, default 300000 = 5 min)
  --ends-at ISO       temporary target: stop at this time (BATCH_ENDS_AT)
  --token T           require ?token=T on every request (BATCH_SINK_TOKEN)
  --help`;

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'max-bytes': { type: 'string' },
      'max-age-ms': { type: 'string' },
      'ends-at': { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const env = process.env;
  const num = (v: string | undefined, name: string, dflt: number): number => {
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${v}"`);
    return n;
  };
  const dir = path.resolve(values.dir ?? env.BATCH_SINK_DIR ?? 'batches');
  const endsRaw = values['ends-at'] ?? env.BATCH_ENDS_AT;
  const endsAt = endsRaw ? Date.parse(endsRaw) : undefined;
  if (endsRaw && !Number.isFinite(endsAt)) throw new Error(`--ends-at must be an ISO date-time, got "${endsRaw}"`);
  const writer = new BatchWriter({
    storage: new LocalDirectoryStorage(dir),
    maxBytes: num(values['max-bytes'] ?? env.BATCH_MAX_BYTES, '--max-bytes', 50 * 1024 * 1024),
    maxAgeMs: num(values['max-age-ms'] ?? env.BATCH_MAX_AGE_MS, '--max-age-ms', 5 * 60 * 1000),
    onClose: (m) => process.stdout.write(`closed ${m.file}: ${m.count} events, ${m.bytes} bytes, reason ${m.reason}\n`),
  });
  const token = values.token ?? env.BATCH_SINK_TOKEN;
  const sink = await startBatchSink({
    writer,
    port: num(values.port ?? env.BATCH_SINK_PORT, '--port', 3240),
    host: values.host ?? '127.0.0.1',
    ...(token ? { token } : {}),
    ...(endsAt !== undefined ? { endsAt } : {}),
  });
  process.stdout.write(
    `batch sink listening: ${sink.url} → ${dir} (files close at ${writer.maxBytes} bytes or ${writer.maxAgeMs} ms)\n`,
  );
  const stop = () => {
    void sink.close(true).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

run().catch((err: unknown) => {
  process.stderr.write(`batch sink: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
