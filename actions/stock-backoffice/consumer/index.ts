/**
 * stock-backoffice/consumer: receives back-office stock events (published by ingestion/webhook) from I/O Events and routes each to its handler through the
 * routing table (the catalog + ROUTES_OVERRIDE), answering with the handler's status.
 */
import { catalogConsumer } from '../../../src/deliver/consumer';

export const main = catalogConsumer('stock-backoffice');
