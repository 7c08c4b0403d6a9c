export * from './store';
export * from './keys';
export * from './idempotency';
export * from './loop-breaker';
