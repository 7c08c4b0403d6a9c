/**
 * The one retry rule, as Adobe I/O Events applies it to a delivery's HTTP status: 2xx is a
 * success; 429 and 5xx other than 505 are retried on the schedule; every other status is
 * final. (A timeout or no response at all is also retried; that is not a status.)
 *
 * The app uses the same rule in reverse: when it means "retry", it answers a status this
 * rule retries, so that what the handler intends is what I/O Events does.
 */
export type StatusOutcome = 'success' | 'retry' | 'final';

export function outcomeOfStatus(status: number): StatusOutcome {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429) return 'retry';
  if (status >= 500 && status < 600 && status !== 505) return 'retry';
  return 'final';
}

export function isRetryableStatus(status: number): boolean {
  return outcomeOfStatus(status) === 'retry';
}
