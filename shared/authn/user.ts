/**
 * Who a request acts as, as kube's user.Info. functions/context.ts re-exports the same shape;
 * it is declared here so the pure authorization code in shared/ needs nothing from functions/.
 */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Users and groups kube-apiserver gives meaning to. */
export const ANONYMOUS_USER = 'system:anonymous';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
/** Members are allowed everything, whatever RBAC objects say (upstream's privileged group). */
export const SYSTEM_MASTERS = 'system:masters';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';

const SA_PREFIX = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/** The groups every ServiceAccount of a namespace is in (serviceaccount.MakeGroupNames). */
export function serviceAccountGroups(namespace: string): string[] {
  return [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`];
}

/** `system:serviceaccount:<ns>:<name>` split apart, or undefined for any other user name. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/** The user a ServiceAccount credential stands for (bound tokens and legacy Secret tokens alike). */
export function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  return {
    username: serviceAccountUsername(namespace, name),
    ...(uid ? { uid } : {}),
    groups: [...serviceAccountGroups(namespace), ALL_AUTHENTICATED],
  };
}

export function anonymousUser(): UserInfo {
  return { username: ANONYMOUS_USER, groups: [ALL_UNAUTHENTICATED] };
}

export function isMaster(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_MASTERS);
}
