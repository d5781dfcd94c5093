import type { Hono } from 'hono';
import { ApiError } from '../../shared/status.js';
import type { AppEnv } from '../context.js';

/**
 * Flotilla authenticates bearer tokens only (the platform shows the worker no client
 * certificate), so it signs no CertificateSigningRequest. karmadactl register asks for one to
 * get the agent a client certificate; instead of a bare 404 it is told what to use.
 */
export const CSR_REFUSAL =
  'this control plane does not issue client certificates (it authenticates bearer tokens only), so karmadactl register cannot be used here; ' +
  "register the cluster with 'flotilla register URL --token TOKEN --discovery-token-ca-cert-hash sha256:HASH --cluster-name NAME --cluster-kubeconfig FILE' " +
  "(a token from 'flotilla token create --print-register-command')";

export function registerCertificateSigningRequests(app: Hono<AppEnv>): void {
  app.post('/apis/certificates.k8s.io/:version/certificatesigningrequests', () => {
    throw new ApiError(403, 'Forbidden', `certificatesigningrequests.certificates.k8s.io is forbidden: ${CSR_REFUSAL}`, {
      group: 'certificates.k8s.io',
      kind: 'certificatesigningrequests',
    });
  });
}
