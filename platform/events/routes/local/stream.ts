/** The platform's own events API, live feed: ingests, deliveries and registration changes as server-sent events. */
import type { FastifyInstance } from 'fastify';
import { streamEvents } from '../../../core/http';
import { authorizeLocal } from '../../local-auth';
import type { LocalDeps } from './local-route';

export function registerLocalStream(app: FastifyInstance, d: Pick<LocalDeps, 'auth' | 'bus' | 'ims'>): void {
  app.get('/events/_local/stream', async (req, reply) => {
    authorizeLocal(req, d.auth, d.ims);
    streamEvents(req, reply, d.bus, [{ name: 'event' }, { name: 'delivery' }, { name: 'registration' }]);
  });
}
