/**
 * TODO(shared log): switch to src/log.ts once it is on this branch.
 */
import aioLogger from '@adobe/aio-lib-core-logging';

export interface ConsumerLogger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function defaultLogger(params: Record<string, unknown>): ConsumerLogger {
  const level = typeof params.LOG_LEVEL === 'string' && params.LOG_LEVEL !== '' ? params.LOG_LEVEL : 'info';
  return aioLogger('consumer', { level }) as unknown as ConsumerLogger;
}
