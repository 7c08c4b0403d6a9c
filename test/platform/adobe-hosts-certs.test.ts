/**
 * The local CA of the Adobe-host routing (platform/proxy/certs.ts): created once, kept
 * across restarts, each host's certificate issued by it for that name, a missing one
 * re-issued by the same CA, every file 0600.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCerts } from '../../platform/proxy/certs';
import { tempDir } from './helpers';

const HOSTS = ['api.adobe.io', 'eventsingress.adobe.io'];

test('the CA and the hosts’ certificates are made once, kept, and re-issued when missing', async () => {
  const dir = path.join(tempDir('adobe-certs-'), 'adobe-hosts');
  const first = await ensureCerts(dir, HOSTS);
  const ca = new crypto.X509Certificate(first.caCert);
  expect(ca.ca).toBe(true);
  for (const host of HOSTS) {
    const leaf = new crypto.X509Certificate(first.byHost.get(host)?.cert ?? '');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.checkHost(host)).toBe(host);
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.verify(ca.publicKey)).toBe(true);
  }
  for (const f of fs.readdirSync(dir)) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);

  // a restart keeps them
  const again = await ensureCerts(dir, HOSTS);
  expect(again.caCert).toBe(first.caCert);
  expect(again.byHost.get('api.adobe.io')?.cert).toBe(first.byHost.get('api.adobe.io')?.cert);

  // a missing certificate is issued again, by the same CA; the others stay
  fs.rmSync(path.join(dir, 'api.adobe.io.pem'));
  const third = await ensureCerts(dir, HOSTS);
  expect(third.caCert).toBe(first.caCert);
  const reissued = new crypto.X509Certificate(third.byHost.get('api.adobe.io')?.cert ?? '');
  expect(reissued.checkIssued(ca)).toBe(true);
  expect(third.byHost.get('eventsingress.adobe.io')?.cert).toBe(first.byHost.get('eventsingress.adobe.io')?.cert);
}, 60_000);
