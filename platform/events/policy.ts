/**
 * Adobe I/O Events delivery policy, as pure functions (no I/O, no clock):
 * - which outcome of a delivery attempt is a success, a retry or final;
 * - when the next attempt happens (1, 2, 4, 8 minutes, then every 15 minutes, up to 24 hours);
 * - the health of a registration (ACTIVE / UNSTABLE / DISABLED).
 *
 * The delivery engine calls these; tests check them without a server.
 */
import { outcomeOfStatus, type StatusOutcome } from '../../src/contract';

/** What one attempt produced: an HTTP status, or no response at all. */
export type AttemptResult =
  { kind: 'status'; status: number } | { kind: 'timeout' } | { kind: 'no-response'; reason: string };

export type Outcome = StatusOutcome;

/**
 * Adobe's rule: a status follows the one retry rule (src/contract: 2xx success, 429 and
 * 5xx other than 505 retried, any other status final); a timeout and no response
 * (connection refused, reset, DNS, TLS) are retried.
 */
export function classifyOutcome(result: AttemptResult): Outcome {
  return result.kind === 'status' ? outcomeOfStatus(result.status) : 'retry';
}

export const MINUTE_MS = 60_000;
/** Delays before the first four retries, in minutes. */
export const INITIAL_DELAYS_MIN: readonly number[] = [1, 2, 4, 8];
/** Delay between later retries, in minutes. */
export const STEADY_DELAY_MIN = 15;
/** No retry is scheduled later than this after the first attempt. */
export const RETRY_HORIZON_MS = 24 * 60 * MINUTE_MS;

/**
 * Delay (real-time ms, before scaling) before retry number `failedAttempts` (1 = the retry
 * after the first failed attempt), or null when the schedule is exhausted (dead letter).
 * The cumulative delay never exceeds 24 hours: 1+2+4+8 minutes, then 95 × 15 minutes,
 * that is 99 retries, 100 attempts in all.
 */
export function retryDelayMs(failedAttempts: number): number | null {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) {
    throw new RangeError(`failedAttempts must be an integer >= 1, got ${failedAttempts}`);
  }
  const delayMin = (n: number): number => INITIAL_DELAYS_MIN[n - 1] ?? STEADY_DELAY_MIN;
  let cumulative = 0;
  for (let n = 1; n <= failedAttempts; n++) cumulative += delayMin(n) * MINUTE_MS;
  if (cumulative > RETRY_HORIZON_MS) return null;
  return delayMin(failedAttempts) * MINUTE_MS;
}

/** The whole schedule (real-time ms after the previous attempt), for docs and tests. */
export function retrySchedule(): number[] {
  const out: number[] = [];
  for (let n = 1; ; n++) {
    const d = retryDelayMs(n);
    if (d === null) return out;
    out.push(d);
  }
}

/** The next attempt time, scaled by the platform's time scale, or null for dead letter. */
export function nextAttemptAt(now: number, failedAttempts: number, timeScale: number): number | null {
  const d = retryDelayMs(failedAttempts);
  if (d === null) return null;
  return now + Math.max(0, Math.round(d * timeScale));
}

export type Health = 'ACTIVE' | 'UNSTABLE' | 'DISABLED';

export interface HealthRule {
  /** attempts needed in the window before a registration can be disabled */
  minAttempts: number;
  /** failure ratio (0..1) at or above which it is disabled */
  disableRatio: number;
}

export const ADOBE_HEALTH_RULE: HealthRule = { minAttempts: 10, disableRatio: 0.8 };

/**
 * Health of a registration from the outcomes of its recent attempts (oldest first, already
 * limited to the window by the caller): DISABLED after at least 10 attempts of which at
 * least 80% failed; UNSTABLE when the latest attempt failed; ACTIVE otherwise.
 * DISABLED is sticky: the caller keeps it until the registration is re-enabled by hand.
 */
export function registrationHealth(recent: readonly boolean[], rule: HealthRule = ADOBE_HEALTH_RULE): Health {
  const attempts = recent.length;
  return healthOf(attempts, recent.filter((ok) => !ok).length, recent[attempts - 1] !== false, rule);
}

/** The same rule from counts: attempts in the window, failures among them, whether the latest succeeded. */
export function healthOf(attempts: number, failures: number, latestOk: boolean, rule = ADOBE_HEALTH_RULE): Health {
  if (attempts === 0) return 'ACTIVE';
  if (attempts >= rule.minAttempts && failures / attempts >= rule.disableRatio) return 'DISABLED';
  if (!latestOk) return 'UNSTABLE';
  return 'ACTIVE';
}

/** Adobe's `webhook_status` field for a health. */
export function webhookStatusFor(health: Health): string {
  switch (health) {
    case 'ACTIVE':
      return 'verified';
    case 'UNSTABLE':
      return 'unstable';
    case 'DISABLED':
      return 'disabled';
  }
}
