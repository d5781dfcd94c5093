// kubeadm's CA pin: `sha256:` and the hex SHA-256 of the CA certificate's
// SubjectPublicKeyInfo (DER). `flotilla token create --print-register-command` prints it and
// `flotilla register` refuses a control plane whose CA does not match.

import { createHash, X509Certificate } from 'node:crypto';

export const CA_HASH_PREFIX = 'sha256:';

/** The pin of the first certificate in `pem`. */
export function caCertHash(pem: string): string {
  const cert = new X509Certificate(pem);
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return CA_HASH_PREFIX + createHash('sha256').update(spki).digest('hex');
}

/** Checks a pin's form (`sha256:` and 64 hex digits); returns it lower-cased. */
export function normalizeCaHash(pin: string): string | undefined {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(pin.trim());
  return m ? CA_HASH_PREFIX + m[1]!.toLowerCase() : undefined;
}

/** Whether the CA in `pem` matches one of `pins`. */
export function caMatchesPins(pem: string, pins: readonly string[]): boolean {
  const actual = caCertHash(pem);
  return pins.some((p) => normalizeCaHash(p) === actual);
}
