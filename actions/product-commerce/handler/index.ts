/**
 * product-commerce/handler: applies Commerce product events to the back office through the generic pipeline
 * (idempotency → validate → loop breaker → transform → send). To change one step of one
 * event, pass it here, e.g. `createHandler({ package: 'product-commerce', steps: { '<event code>': { transform: (ctx) => ... } } })`.
 */
import { createHandler } from '../../../src/deliver/handler';

export const main = createHandler({ package: 'product-commerce' });
