/** Batch file targets: the writer (NDJSON files + manifests), its storage, and the sink that I/O Events feeds. */
export { BatchWriter, DEFAULT_MAX_AGE_MS, DEFAULT_MAX_BYTES } from './writer';
export type { BatchEvent, BatchWriterOptions, CloseReason, Manifest } from './writer';
export { LocalDirectoryStorage } from './storage';
export type { BatchStorage } from './storage';
export { startBatchSink } from './sink';
export type { BatchSink, BatchSinkOptions } from './sink';
