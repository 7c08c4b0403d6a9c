/**
 * The environment the delivery tests share: a State server that `@adobe/aio-lib-state` is
 * pointed at through AIO_STATE_ENDPOINT (read when the library loads, which src/state does
 * lazily on first use), a Commerce server checking OAuth 1.0a, a back-office server.
 */
import crypto from 'node:crypto';
import { startBackofficeServer } from './backoffice-server';
import { startCommerceServer } from './commerce-server';
import { startStateServer } from './state-server';

export async function startDeliverEnv(opts: { commerce?: Parameters<typeof startCommerceServer>[0] } = {}) {
  const namespace = '1234567-testapp-stage';
  const auth = `${crypto.randomUUID()}:${crypto.randomBytes(16).toString('hex')}`;
  const backofficeKey = crypto.randomBytes(12).toString('hex');
  const state = await startStateServer({ namespace, auth });
  const commerce = await startCommerceServer(opts.commerce);
  const backoffice = await startBackofficeServer({ apiKey: backofficeKey });
  const saved = { ...process.env };
  // the local platform passes AIO_STATE_ENDPOINT with a trailing slash; so do we
  Object.assign(process.env, { AIO_STATE_ENDPOINT: `${state.url}/`, __OW_NAMESPACE: namespace, __OW_API_KEY: auth });
  return {
    namespace,
    auth,
    state,
    commerce,
    backoffice,
    /** every input a handler reads, pointing at these servers */
    inputs(): Record<string, string> {
      return {
        ...commerce.inputs(),
        BACKOFFICE_BASE_URL: backoffice.baseUrl,
        BACKOFFICE_API_KEY: backofficeKey,
        TARGET_TIMEOUT_MS: '5000',
        LOG_LEVEL: 'error',
      };
    },
    async close() {
      process.env = saved;
      await Promise.all([state.close(), commerce.close(), backoffice.close()]);
    },
  };
}

export type DeliverEnv = Awaited<ReturnType<typeof startDeliverEnv>>;
