/**
 * The Commerce REST endpoints the handlers use, under `/commerce/rest/V1/...` (and with a
 * store code, `/commerce/rest/{storeCode}/V1/...`), one file per resource.
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../../core/types';
import type { CommerceStore } from '../store';
import type { StandIn } from '../stand-in';
import type { Emit } from '../eventing';
import { checkCommerceAuth, guardControl } from '../auth';
import type { Route } from './route';
import { registerProducts } from './products';
import { registerCustomers } from './customers';
import { registerCustomerGroups } from './customer-groups';
import { registerOrders } from './orders';
import { registerStock } from './stock';
import { registerEventing } from './eventing';

export function registerCommerceRest(
  scope: FastifyInstance,
  ctx: PlatformContext,
  store: CommerceStore,
  standIn: StandIn,
  emit: Emit,
): void {
  scope.post('/commerce/_control/fail', guardControl(ctx, standIn.control('commerce')));
  const C: Route = (method, path, fn) => {
    const handler = standIn.wrap('commerce', method !== 'GET', (req, p) => {
      checkCommerceAuth(req, ctx);
      return fn(req, p);
    });
    // Commerce also accepts a store code before V1 (rest/default/V1, rest/all/V1)
    for (const prefix of ['/commerce/rest/V1', '/commerce/rest/:storeCode/V1'])
      scope.route({ method, url: `${prefix}${path}`, handler });
  };
  registerProducts(C, store, emit);
  registerCustomers(C, store, emit);
  registerCustomerGroups(C, store, emit);
  registerOrders(C, store, emit);
  registerStock(C, store, emit);
  registerEventing(C, store);
}
