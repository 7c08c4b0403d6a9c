/** The public keys of delivery signatures, at the paths each delivery's `x-adobe-public-key{1,2}-path` names. */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from '../../../core/errors';
import { PUBLIC_KEY_PREFIX } from '../../signing';
import type { LocalDeps } from './local-route';

export function registerPublicKeys(app: FastifyInstance, d: Pick<LocalDeps, 'signer'>): void {
  app.get(`${PUBLIC_KEY_PREFIX}:file`, async (req, reply) => {
    const pem = d.signer.publicKeyByFile((req.params as Record<string, string>).file ?? '');
    if (!pem) throw new PlatformError(404, 'not_found', 'no such public key');
    return reply.type('application/x-pem-file').send(pem);
  });
}
