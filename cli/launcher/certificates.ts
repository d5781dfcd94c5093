// The local CA and the API server's serving certificate.
//
// The CA is made once per data dir and kept: every kubeconfig trusts it, so replacing it
// would break them all. The serving certificate is cheap and is reissued from the CA when it
// is missing, no longer matches the CA, lacks a SAN we serve on, or is close to expiring.
//
// @peculiar/x509 builds the certificates on WebCrypto (Node's built-in), so no `openssl`
// binary is needed; it wants the reflect-metadata polyfill loaded first (tsyringe inside).

import type * as X509Module from '@peculiar/x509';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './files.js';

// Loaded with require: through tsx's ESM hooks its many small CommonJS modules load slowly.
const load = createRequire(import.meta.url);
load('reflect-metadata');
const x509 = load('@peculiar/x509') as typeof X509Module;
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const CA_LIFETIME_DAYS = 3650;
const SERVING_LIFETIME_DAYS = 365;
const RENEW_BEFORE_DAYS = 30;
/** What clients dial: Miniflare listens on 127.0.0.1; `localhost` for people who type it. */
export const SERVING_SANS = [
  { type: 'ip', value: '127.0.0.1' },
  { type: 'dns', value: 'localhost' },
] as const;

export interface CertificatePaths {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
}

export interface Certificates {
  caCertPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  /** SHA-256 of the CA certificate, hex: lets a user check which CA a kubeconfig trusts. */
  caFingerprint: string;
  caCreated: boolean;
  servingIssued: boolean;
}

export async function ensureCertificates(paths: CertificatePaths): Promise<Certificates> {
  const ca = (await loadCa(paths)) ?? (await createCa(paths));
  const serving = await loadServing(paths, ca);
  const issued = serving ?? (await issueServing(paths, ca));
  return {
    caCertPem: ca.cert.toString('pem') + '\n',
    servingCertPem: issued.certPem,
    servingKeyPem: issued.keyPem,
    caFingerprint: Buffer.from(await ca.cert.getThumbprint('SHA-256')).toString('hex'),
    caCreated: ca.created,
    servingIssued: serving === undefined,
  };
}

interface Ca {
  cert: X509Module.X509Certificate;
  key: CryptoKey;
  created: boolean;
}

async function loadCa(paths: CertificatePaths): Promise<Ca | undefined> {
  const haveCert = existsSync(paths.caCert);
  const haveKey = existsSync(paths.caKey);
  if (!haveCert && !haveKey) return undefined;
  const startOver = `Delete ${paths.caCert} and ${paths.caKey} to make a new CA (existing kubeconfigs then stop working).`;
  if (!haveCert || !haveKey) {
    throw new Error(`the CA is incomplete: ${haveCert ? paths.caKey : paths.caCert} is missing. ${startOver}`);
  }
  try {
    const certPem = readFileSync(paths.caCert, 'utf8');
    const keyPem = readFileSync(paths.caKey, 'utf8');
    const cert = new x509.X509Certificate(certPem);
    const spki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    if (!Buffer.from(cert.publicKey.rawData).equals(spki)) throw new Error('the key does not match the certificate');
    if (cert.notAfter.getTime() < Date.now()) throw new Error(`it expired on ${cert.notAfter.toISOString()}`);
    return { cert, key: await importKey(keyPem), created: false };
  } catch (err) {
    throw new Error(`the CA in ${paths.caCert} is unusable: ${(err as Error).message}. ${startOver}`);
  }
}

async function createCa(paths: CertificatePaths): Promise<Ca> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=flotilla-ca-${randomBytes(4).toString('hex')}, O=Flotilla`,
    // Back-dated so a client whose clock is a little behind does not see "not yet valid".
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY),
    signingAlgorithm: ALG,
    keys: keys as CryptoKeyPair,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // Key first: a cert without its key would look like a damaged CA at the next start.
  writePrivate(paths.caKey, await exportKeyPem(keys.privateKey));
  writePublic(paths.caCert, cert.toString('pem') + '\n');
  return { cert, key: keys.privateKey, created: true };
}

interface Serving {
  certPem: string;
  keyPem: string;
}

async function loadServing(paths: CertificatePaths, ca: Ca): Promise<Serving | undefined> {
  if (!existsSync(paths.servingCert) || !existsSync(paths.servingKey)) return undefined;
  try {
    const certPem = readFileSync(paths.servingCert, 'utf8');
    const keyPem = readFileSync(paths.servingKey, 'utf8');
    const cert = new x509.X509Certificate(certPem);
    if (!(await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true }))) return undefined;
    if (cert.notAfter.getTime() - Date.now() < RENEW_BEFORE_DAYS * DAY) return undefined;
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    const names = new Set(san?.names.toJSON().map((n) => `${n.type}:${n.value}`) ?? []);
    if (!SERVING_SANS.every((n) => names.has(`${n.type}:${n.value}`))) return undefined;
    const spki = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    if (!Buffer.from(cert.publicKey.rawData).equals(spki)) return undefined;
    return { certPem, keyPem };
  } catch {
    return undefined;
  }
}

async function issueServing(paths: CertificatePaths, ca: Ca): Promise<Serving> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=karmada-apiserver, O=Flotilla',
    issuer: ca.cert.subject,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(Math.min(now + SERVING_LIFETIME_DAYS * DAY, ca.cert.notAfter.getTime())),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(SERVING_SANS.map((n) => ({ ...n })), false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  const serving = { certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey) };
  writePrivate(paths.servingKey, serving.keyPem);
  writePublic(paths.servingCert, serving.certPem);
  return serving;
}

/** A positive 127-bit serial: RFC 5280 wants it unique per CA and at most 20 bytes. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']) as Promise<CryptoKey>;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

const writePrivate = (file: string, content: string): void => writeFileAtomic(file, content, 0o600);
const writePublic = (file: string, content: string): void => writeFileAtomic(file, content, 0o644);
