/**
 * Subjects and users: `appliesToUser` of plugin/pkg/auth/authorizer/rbac/rbac.go, the ServiceAccount
 * user and group names of k8s.io/apiserver/pkg/authentication/serviceaccount, and the groups the
 * authenticators add to every request.
 */
import type { Subject, UserInfo } from './types.js';

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS = 'system:anonymous';
/** The API server allows this group everything before any authorizer is asked. */
export const PRIVILEGED_GROUP = 'system:masters';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `MakeUsername`: `system:serviceaccount:NS:NAME`. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;
}

/** `SplitUsername`: the namespace and name of a ServiceAccount user name, or undefined when it is not a valid one. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) return undefined;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/** `MakeGroupNames`: the groups of every ServiceAccount of `namespace`. */
export function serviceAccountGroups(namespace: string): string[] {
  return [ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${namespace}`];
}

/**
 * The user as the authorizer sees it once authentication is done: a ServiceAccount user name gets
 * `system:serviceaccounts` and `system:serviceaccounts:NS` (the token authenticator), `system:anonymous`
 * gets `system:unauthenticated` (the anonymous authenticator), and every other user gets
 * `system:authenticated` unless it already has it or `system:unauthenticated` (AuthenticatedGroupAdder).
 * Idempotent; group order is kept and duplicates are dropped.
 */
export function userInfo(user: string | UserInfo): Required<UserInfo> {
  const name = typeof user === 'string' ? user : user.name;
  const groups = [...new Set(typeof user === 'string' ? [] : (user.groups ?? []))];
  const add = (group: string): void => {
    if (!groups.includes(group)) groups.push(group);
  };
  const sa = splitServiceAccountUsername(name);
  if (sa) for (const group of serviceAccountGroups(sa.namespace)) add(group);
  if (name === ANONYMOUS) add(UNAUTHENTICATED);
  else if (!groups.includes(UNAUTHENTICATED)) add(AUTHENTICATED);
  return { name, groups };
}

/**
 * The namespace a ServiceAccount subject names: its own, or else the binding's (a RoleBinding's
 * namespace; `""` for a ClusterRoleBinding). Undefined when both are empty: such a subject never matches.
 */
export function serviceAccountNamespace(subject: Subject, bindingNamespace: string): string | undefined {
  const namespace = subject.namespace ? subject.namespace : bindingNamespace;
  return namespace ? namespace : undefined;
}

/** `appliesToUser`: whether one binding subject matches the user. `bindingNamespace` is `""` for ClusterRoleBindings. */
export function appliesToUser(user: Required<UserInfo>, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = serviceAccountNamespace(subject, bindingNamespace);
      return namespace !== undefined && user.name === serviceAccountUsername(namespace, subject.name);
    }
    default:
      return false;
  }
}

/** The subject with its ServiceAccount namespace defaulted, the way it is shown and indexed. */
export function resolvedSubject(subject: Subject, bindingNamespace: string): Subject {
  if (subject.kind !== 'ServiceAccount') return { kind: subject.kind, name: subject.name };
  const namespace = serviceAccountNamespace(subject, bindingNamespace);
  return namespace === undefined ? { kind: subject.kind, name: subject.name } : { kind: subject.kind, name: subject.name, namespace };
}

/**
 * The index key under which a subject matches users: `u:` + user name (a ServiceAccount subject is
 * the user `system:serviceaccount:NS:NAME`, exactly as `MatchesUsername` compares it), `g:` + group.
 * Undefined for subjects that can never match.
 */
export function subjectIndexKey(subject: Subject, bindingNamespace: string): string | undefined {
  switch (subject.kind) {
    case 'User': return `u:${subject.name}`;
    case 'Group': return `g:${subject.name}`;
    case 'ServiceAccount': {
      const namespace = serviceAccountNamespace(subject, bindingNamespace);
      return namespace === undefined ? undefined : `u:${serviceAccountUsername(namespace, subject.name)}`;
    }
    default: return undefined;
  }
}

/** The keys a user is found under in the subject index. */
export function userIndexKeys(user: Required<UserInfo>): string[] {
  return [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
}

/** `User alice`, `Group system:authenticated`, `ServiceAccount kube-system/coredns`. */
export function subjectLabel(subject: Subject): string {
  if (subject.kind === 'ServiceAccount') return `ServiceAccount ${subject.namespace ? `${subject.namespace}/` : ''}${subject.name}`;
  return `${subject.kind} ${subject.name}`;
}

/** `User alice`, or `ServiceAccount NS/NAME` for a ServiceAccount user name. */
export function userLabel(user: Required<UserInfo>): string {
  const sa = splitServiceAccountUsername(user.name);
  return sa ? `ServiceAccount ${sa.namespace}/${sa.name}` : `User ${user.name}`;
}

const SUBJECT_ORDER: Record<string, number> = { User: 0, Group: 1, ServiceAccount: 2 };

/** Sort order of subjects: kind (User, Group, ServiceAccount), then namespace, then name. */
export function compareSubjects(a: Subject, b: Subject): number {
  return (SUBJECT_ORDER[a.kind] ?? 3) - (SUBJECT_ORDER[b.kind] ?? 3) || compareStrings(a.namespace ?? '', b.namespace ?? '') || compareStrings(a.name, b.name);
}

/** Code-unit order: stable across locales, and much faster than localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
