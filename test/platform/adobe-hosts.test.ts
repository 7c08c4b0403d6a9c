/**
 * Adobe's production hosts routed to the platform for the processes it starts
 * (platform/proxy): an action and a post-app-deploy hook that hard-code
 * ims-na1.adobelogin.com, api.adobe.io and eventsingress.adobe.io reach the local IMS,
 * events API and ingress through Adobe's own clients; other hosts are tunneled untouched;
 * the routing is off with PLATFORM_ROUTE_ADOBE_HOSTS=false.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import type { RunningPlatform } from '../../platform/core/server';
import { runHook } from '../../platform/cli/hook';
import { routedSettings } from '../../platform/proxy/hosts';
import { startTestPlatform, tempDir } from './helpers';

const APP = path.join(__dirname, '..', 'fixtures', 'adobe-hosts-app');

/** CONNECT through the proxy, then a TLS handshake; resolves the certificate the client saw */
function connectThrough(proxyUrl: string, host: string, port: number, ca?: string): Promise<tls.PeerCertificate> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const raw = net.connect(Number(proxy.port), proxy.hostname, () => {
      raw.write(`CONNECT ${host}:${port} HTTP/1.1\r\nhost: ${host}:${port}\r\n\r\n`);
    });
    raw.once('error', reject);
    raw.once('data', (chunk) => {
      if (!/^HTTP\/1\.1 200/.test(chunk.toString())) return reject(new Error(chunk.toString()));
      const servername = net.isIP(host) ? undefined : host;
      const s = tls.connect(
        { socket: raw, ...(servername ? { servername } : {}), rejectUnauthorized: false, ...(ca ? { ca } : {}) },
        () => {
          const cert = s.getPeerCertificate();
          const authorized = s.authorized;
          s.end();
          resolve(Object.assign(cert, { authorizedByCa: authorized }));
        },
      );
      s.once('error', reject);
    });
  });
}

describe("Adobe's hosts routed to the platform", () => {
  let p: RunningPlatform & { dataDir: string };
  let resultFile: string;

  beforeAll(async () => {
    resultFile = path.join(tempDir('adobe-hosts-'), 'hook.json');
    p = await startTestPlatform({
      projectDir: APP,
      env: {
        HOOK_RESULT_FILE: resultFile,
        // the starter kit's env.dist, copied as the app's .env
        OAUTH_BASE_URL: 'https://ims-na1.adobelogin.com/ims/token/',
        IO_MANAGEMENT_BASE_URL: 'https://api.adobe.io/events/',
        OAUTH_TECHNICAL_ACCOUNT_ID: '',
        OAUTH_TECHNICAL_ACCOUNT_EMAIL: '',
        // where aio-lib-ims keeps its contexts outside an action: not the user's ~/.config/aio
        AIO_CONFIG_FILE: path.join(path.dirname(resultFile), 'aio-config'),
      },
    });
  }, 120_000);
  afterAll(async () => p?.close());

  test('the processes it starts get HTTPS_PROXY and the local CA; keys are 0600', () => {
    const env = p.ctx.childEnv ?? {};
    expect(env.HTTPS_PROXY).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.https_proxy).toBe(env.HTTPS_PROXY);
    expect(env.NO_PROXY).toContain('127.0.0.1');
    const dir = path.join(p.dataDir, 'adobe-hosts');
    // the local CA (with the CA file the platform's own environment trusts, if any)
    const ca = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8').trim();
    expect(fs.readFileSync(env.NODE_EXTRA_CA_CERTS ?? '', 'utf8')).toContain(ca);
    for (const f of ['ca-key.pem', 'ca.pem', 'api.adobe.io-key.pem', 'eventsingress.adobe.io.pem']) {
      expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    }
  });

  test('an action reaches IMS, the events API and the ingress at their production hosts', async () => {
    const act = await p.ctx.runtime.invoke('adobe/call', {});
    expect(act.response.result).toMatchObject({ imsStatus: 200, published: 'OK' });
    const providerId = String(act.response.result.providerId);
    const res = await fetch(`${p.url}/events/providers/${providerId}`, { headers: await auth(p) });
    const stored = (await res.json()) as { id: string };
    expect(stored.id).toBe(providerId);
  }, 60_000);

  test('the post-app-deploy hook reaches them too (a JavaScript hook: its export is called, as aio does)', async () => {
    const code = await runHook(p, './hooks/call-adobe.js');
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    expect(result).toMatchObject({ imsStatus: 200, published: 'OK', namespace: p.config.namespace });
    expect(code).toBe(0);
    // and `$AIO_RUNTIME_NAMESPACE` in an action's inputs reads the platform's namespace
    expect(p.config.env.AIO_RUNTIME_NAMESPACE).toBe(p.config.namespace);
  }, 60_000);

  test("settings naming Adobe's hosts reach the platform through the global fetch too (env.dist as .env)", async () => {
    const act = await p.ctx.runtime.invoke('adobe/kit', {});
    expect(act.response.result).toMatchObject({ providersStatus: 200 });
    expect(p.config.env.IO_MANAGEMENT_BASE_URL).toBe(`${p.url}/events/`);
    expect(p.config.env.OAUTH_BASE_URL).toBe(`${p.url}/ims/token/`);
  }, 60_000);

  test('a server-to-server credential gets a local technical account, as aio-lib-ims requires', async () => {
    const code = await runHook(p, './hooks/kit-hook.js');
    const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    expect(result).toMatchObject({ providersStatus: 200 });
    expect(result.technicalAccount[0]).toMatch(/@techacct\.adobe\.com$/);
    expect(result.technicalAccount[1]).toMatch(/^[^@\s]+@techacct\.adobe\.com$/);
    expect(code).toBe(0);
  }, 60_000);

  test("Adobe's hosts are answered with the local CA's certificate", async () => {
    const ca = fs.readFileSync(path.join(p.dataDir, 'adobe-hosts', 'ca.pem'), 'utf8');
    const cert = (await connectThrough(
      p.ctx.childEnv!.HTTPS_PROXY!,
      'api.adobe.io',
      443,
      ca,
    )) as tls.PeerCertificate & {
      authorizedByCa: boolean;
    };
    expect(cert.subject.CN).toBe('api.adobe.io');
    expect(cert.authorizedByCa).toBe(true);
  });

  test('any other host is tunneled untouched: the client sees that server’s own certificate', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ownCert = selfSigned(privateKey, publicKey);
    const server = https.createServer({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: ownCert });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const seen = await connectThrough(p.ctx.childEnv!.HTTPS_PROXY!, '127.0.0.1', port);
      expect(seen.fingerprint256).toBe(new crypto.X509Certificate(ownCert).fingerprint256);
      // and an Adobe host on another port is not intercepted either (nothing listens there)
      await expect(connectThrough(p.ctx.childEnv!.HTTPS_PROXY!, 'api.adobe.invalid', 443)).rejects.toThrow(/502/);
    } finally {
      server.close();
    }
  });
});

describe("settings naming Adobe's hosts", () => {
  test('only https URLs of the routed hosts on port 443 are rewritten, to where the proxy routes them', () => {
    const base = 'http://127.0.0.1:4000';
    expect(
      routedSettings(
        {
          IO_MANAGEMENT_BASE_URL: 'https://api.adobe.io/events/',
          OAUTH_BASE_URL: 'https://IMS-NA1.adobelogin.com/ims/token/',
          IO_EVENTS_INGRESS_URL: 'https://eventsingress.adobe.io',
          ON_443: 'https://api.adobe.io:443/events/x?y=1',
          OTHER_PORT: 'https://api.adobe.io:8443/events/',
          PLAIN_HTTP: 'http://api.adobe.io/events/',
          OTHER_HOST: 'https://api.adobe.io.example.com/events/',
          STAGE: 'https://ims-na1-stg1.adobelogin.com/ims/token/',
          NOT_A_URL: 'api.adobe.io',
        },
        base,
      ),
    ).toEqual({
      IO_MANAGEMENT_BASE_URL: `${base}/events/`,
      OAUTH_BASE_URL: `${base}/ims/token/`,
      IO_EVENTS_INGRESS_URL: `${base}/ingress`,
      ON_443: `${base}/events/x?y=1`,
    });
  });
});

describe('PLATFORM_ROUTE_ADOBE_HOSTS=false', () => {
  test('turns the routing off: no proxy, no certificates, settings as written', async () => {
    const p = await startTestPlatform({
      projectDir: APP,
      env: { PLATFORM_ROUTE_ADOBE_HOSTS: 'false', IO_MANAGEMENT_BASE_URL: 'https://api.adobe.io/events/' },
    });
    try {
      expect(p.ctx.childEnv?.HTTPS_PROXY).toBeUndefined();
      expect(p.config.env.IO_MANAGEMENT_BASE_URL).toBe('https://api.adobe.io/events/');
      expect(fs.existsSync(path.join(p.dataDir, 'adobe-hosts'))).toBe(false);
    } finally {
      await p.close();
    }
  }, 60_000);
});

async function auth(p: RunningPlatform): Promise<Record<string, string>> {
  const env = p.config.env;
  const res = await fetch(`${p.url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.OAUTH_CLIENT_ID ?? '',
      client_secret: env.OAUTH_CLIENT_SECRET ?? '',
    }),
  });
  const tok = (await res.json()) as { access_token: string };
  return { authorization: `Bearer ${tok.access_token}`, 'x-api-key': env.OAUTH_CLIENT_ID ?? '' };
}

/** a self-signed certificate for 127.0.0.1, made with node-forge as the platform's CA is */
function selfSigned(privateKey: crypto.KeyObject, publicKey: crypto.KeyObject): string {
  const forge = require('node-forge') as typeof import('node-forge');
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'someone-else' }]);
  cert.setIssuer([{ name: 'commonName', value: 'someone-else' }]);
  cert.sign(
    forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    forge.md.sha256.create(),
  );
  return forge.pki.certificateToPem(cert);
}
