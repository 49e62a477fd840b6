import { serviceAccountUsername, splitServiceAccountUsername, userInfo, type Subject, type UserInfo } from '../index.js';

// Subjects as the analysis keys and names them, and who a subject stands for when asked as a user.

/** `Kind\0namespace\0name`: one key per subject. */
export function subjectKey(subject: Subject): string {
  return `${subject.kind}\u0000${subject.namespace ?? ''}\u0000${subject.name}`;
}

/** The key under which the evaluator matches the subject to users: `u:` user name (ServiceAccounts as theirs), `g:` group. */
export function matchKey(subject: Subject): string | undefined {
  if (subject.kind === 'User') return `u:${subject.name}`;
  if (subject.kind === 'Group') return `g:${subject.name}`;
  if (subject.kind === 'ServiceAccount' && subject.namespace) return `u:${serviceAccountUsername(subject.namespace, subject.name)}`;
  return undefined;
}

/**
 * Who a subject stands for when asked as a user: a User or ServiceAccount itself; for a Group, a
 * member with no other group than those every member has (`system:serviceaccounts:NS` members are
 * service accounts, so also in `system:serviceaccounts`).
 */
export function identityOf(subject: Subject): Required<UserInfo> {
  if (subject.kind === 'ServiceAccount' && subject.namespace) return userInfo(serviceAccountUsername(subject.namespace, subject.name));
  if (subject.kind === 'Group') {
    const groups = [subject.name];
    if (subject.name.startsWith('system:serviceaccounts:')) groups.push('system:serviceaccounts');
    return userInfo({ name: `kubeward:member-of:${subject.name}`, groups });
  }
  return userInfo(subject.name);
}

/** The match keys a user is found under: its name and each of its groups. */
export function identityKeys(user: Required<UserInfo>): string[] {
  return [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
}

/** `ServiceAccount shop/api`, `User alice`, `Group system:authenticated`. */
export function subjectText(subject: Subject): string {
  return subject.kind === 'ServiceAccount' ? `ServiceAccount ${subject.namespace ?? ''}/${subject.name}` : `${subject.kind} ${subject.name}`;
}

/** The subject a user name stands for: a ServiceAccount for `system:serviceaccount:NS:NAME`, else a User. */
export function subjectOfUser(name: string): Subject {
  const sa = splitServiceAccountUsername(name);
  return sa ? { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace } : { kind: 'User', name };
}
