import { createLogger, Logger } from '../../kernel/log';

export type ConsumerLogger = Logger;

export function defaultLogger(pkg: string) {
  return (params: Record<string, unknown>): Logger => createLogger(`${pkg}/consumer`, params.LOG_LEVEL);
}
