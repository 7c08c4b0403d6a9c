/**
 * customer-commerce/handler: applies Commerce customer events to the back office through the generic pipeline
 * (idempotency → validate → loop breaker → transform → send). To change one step of one
 * event, pass it here, e.g. `createHandler({ package: 'customer-commerce', steps: { '<event code>': { transform: (ctx) => ... } } })`.
 */
import { createHandler } from '../../../src/deliver/handler';

export const main = createHandler({ package: 'customer-commerce' });
