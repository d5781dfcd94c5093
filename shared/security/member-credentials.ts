/**
 * Where Flotilla keeps the credentials of member clusters, and why nobody but cluster-admin
 * reads them by default.
 *
 * Convention (Karmada's): a Cluster's `spec.secretRef` and `spec.impersonatorSecretRef`
 * name Secrets in the namespace `karmada-cluster`; nothing else lives there. Works (which
 * embed whole manifests, Secrets included) live in `karmada-es-<cluster>`.
 *
 * Access: the default roles never reach those Secrets. `view` grants no Secrets at all;
 * `edit` and `admin` grant Secrets, but only where they are bound: the defaults bind them
 * nowhere, so a RoleBinding in a team's namespace gives that namespace's Secrets only.
 * Binding `edit` or `admin` with a ClusterRoleBinding grants Secrets in every namespace,
 * `karmada-cluster` included: do not, bind them per namespace. Flotilla's reconcilers read
 * credentials through the store directly, not through RBAC.
 */
export const MEMBER_CREDENTIALS_NAMESPACE = 'karmada-cluster';

/** Whether a Secret is a member credential by the placement convention. */
export function isMemberCredential(namespace: string): boolean {
  return namespace === MEMBER_CREDENTIALS_NAMESPACE;
}
