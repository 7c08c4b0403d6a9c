/**
 * customer-group-backoffice/handler: applies back-office customer-group events (published by ingestion/webhook) to Commerce through the generic pipeline
 * (idempotency → validate → loop breaker → transform → send). To change one step of one
 * event, pass it here, e.g. `createHandler({ package: 'customer-group-backoffice', steps: { '<event code>': { transform: (ctx) => ... } } })`.
 */
import { createHandler } from '../../../src/deliver/handler';

export const main = createHandler({ package: 'customer-group-backoffice' });
