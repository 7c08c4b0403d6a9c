/**
 * What the app (actions/, src/) and the local platform (platform/) agree on. The lowest
 * layer: it imports nothing, and it is the only part of src/ that platform/ may import.
 */
export type { CloudEvent, PublishedEvent } from './cloudevent';
export { isRetryableStatus, outcomeOfStatus, type StatusOutcome } from './retry';
