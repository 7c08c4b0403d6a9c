/**
 * The local certificate authority of the Adobe-host routing, and one leaf certificate per
 * routed host, signed by it. Generated at start into `<data dir>/adobe-hosts/` (files 0600)
 * and kept across restarts while they are valid and cover the same hosts; the processes the
 * platform starts trust the CA through NODE_EXTRA_CA_CERTS. Keys come from node:crypto
 * (native, generated off the event loop); node-forge builds and signs the X.509
 * certificates. The hosts' certificates share one key pair: one key generation for all.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface HostCert {
  cert: string;
  key: string;
}

export interface CertSet {
  /** path of the CA certificate (PEM): what NODE_EXTRA_CA_CERTS points at */
  caFile: string;
  caCert: string;
  byHost: Map<string, HostCert>;
}

const DAY_MS = 24 * 3600 * 1000;
/** leaf certificates are renewed when they have less than this left */
const RENEW_BEFORE_MS = 30 * DAY_MS;

interface KeyPair {
  privatePem: string;
  publicPem: string;
}

const generateKeyPair = promisify(crypto.generateKeyPair);

/** an RSA key pair, generated in libuv's thread pool (seconds on a busy machine) */
async function keyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function serial(): string {
  // DER wants the shortest positive integer: a first byte from 0x01 to 0x7f (a high bit would
  // make it negative, a zero byte is padding X.509 parsers refuse); an odd number of hex
  // digits let forge write such a zero byte
  const bytes = crypto.randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex');
}

function build(subjectCn: string, publicPem: string, days: number, extensions: object[]): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = serial();
  const now = Date.now();
  // a day back: clocks of the processes that check it may differ a little
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + days * DAY_MS);
  cert.setSubject([
    { name: 'commonName', value: subjectCn },
    { name: 'organizationName', value: 'Local Adobe I/O platform (not Adobe)' },
  ]);
  cert.setExtensions(extensions);
  return cert;
}

function createCa({ privatePem, publicPem }: KeyPair): { cert: string; key: string } {
  const cert = build('Local Adobe I/O platform CA (this machine only)', publicPem, 3650, [
    { name: 'basicConstraints', cA: true, critical: true, pathLenConstraint: 0 },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.setIssuer(cert.subject.attributes);
  cert.sign(forge.pki.privateKeyFromPem(privatePem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privatePem };
}

function createLeaf(host: string, ca: { cert: string; key: string }, { privatePem, publicPem }: KeyPair): HostCert {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const cert = build(host, publicPem, 365, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: host }] },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privatePem };
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function write(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/** still valid for a while, and issued by this CA */
function usable(certPem: string | undefined, caPem: string, minLeftMs: number): boolean {
  if (!certPem) return false;
  try {
    const cert = new crypto.X509Certificate(certPem);
    if (Date.parse(cert.validTo) - Date.now() < minLeftMs) return false;
    return cert.checkIssued(new crypto.X509Certificate(caPem));
  } catch {
    return false;
  }
}

/** the CA certificate file inside `dir` (what NODE_EXTRA_CA_CERTS points at) */
export function caFileIn(dir: string): string {
  return path.join(dir, 'ca.pem');
}

/** Load the CA and the hosts' certificates from `dir`, creating what is missing or expiring. */
export async function ensureCerts(dir: string, hosts: readonly string[]): Promise<CertSet> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFile = caFileIn(dir);
  const caKeyFile = path.join(dir, 'ca-key.pem');
  const files = hosts.map((host) => ({
    host,
    cert: path.join(dir, `${host}.pem`),
    key: path.join(dir, `${host}-key.pem`),
  }));
  let ca = { cert: read(caFile) ?? '', key: read(caKeyFile) ?? '' };
  const newCa = !ca.key || !usable(ca.cert, ca.cert || 'x', RENEW_BEFORE_MS);
  const stale = files.filter((f) => newCa || !read(f.key) || !usable(read(f.cert), ca.cert, RENEW_BEFORE_MS));
  // the keys that are needed, generated at the same time
  const [caKeys, leafKeys] = await Promise.all([
    newCa ? keyPair() : undefined,
    stale.length > 0 ? keyPair() : undefined,
  ]);
  if (caKeys) {
    ca = createCa(caKeys);
    write(caKeyFile, ca.key);
    write(caFile, ca.cert);
  }
  const byHost = new Map<string, HostCert>();
  for (const f of files) {
    let leaf = { cert: read(f.cert) ?? '', key: read(f.key) ?? '' };
    if (leafKeys && stale.includes(f)) {
      leaf = createLeaf(f.host, ca, leafKeys);
      write(f.key, leaf.key);
      write(f.cert, leaf.cert);
    }
    byHost.set(f.host, leaf);
  }
  return { caFile, caCert: ca.cert, byHost };
}
