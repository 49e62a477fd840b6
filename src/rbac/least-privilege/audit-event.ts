import { ANONYMOUS, splitServiceAccountUsername, type NonResourceRequest, type RbacRequest, type ResourceRequest, type UserInfo } from '../index.js';
import type { AuditRequest } from './audit.js';

// One audit Event turned into the requests the authorizer decided: the user (impersonation
// unwrapped into its own checks), the request, allowed or denied.

const DECISION = 'authorization.k8s.io/decision';
const REASON = 'authorization.k8s.io/reason';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** A converted event: its requests, or a request that never authenticated (401, skipped). */
export type Converted = { requests: AuditRequest[]; unauthenticated?: false } | { requests?: undefined; unauthenticated: true };

/** The fields of an audit.k8s.io/v1 Event read here (all untrusted). */
export interface AuditEvent {
  kind?: unknown;
  apiVersion?: unknown;
  auditID?: unknown;
  stage?: unknown;
  requestURI?: unknown;
  verb?: unknown;
  user?: unknown;
  impersonatedUser?: unknown;
  objectRef?: unknown;
  responseStatus?: unknown;
  annotations?: unknown;
  requestReceivedTimestamp?: unknown;
  stageTimestamp?: unknown;
}

/** One event → the requests the authorizer decided (the request itself, plus impersonation checks), or why it cannot be read. */
export function convertEvent(event: AuditEvent, file: string, line: number): Converted | { error: string } {
  const status = isObject(event.responseStatus) ? event.responseStatus : undefined;
  const code = typeof status?.code === 'number' ? status.code : undefined;
  // a request that failed authentication (401, or no user name yet at RequestReceived) never reached the authorizer
  if (code === 401) return { unauthenticated: true };
  if (event.user !== undefined && event.user !== null && !isObject(event.user)) return { error: 'user is not an object' };
  const user = isObject(event.user) ? event.user : {};
  const username = user.username;
  if (username === undefined || username === null || username === '') return { unauthenticated: true };
  if (typeof username !== 'string') return { error: 'user.username is not a string' };
  const verb = event.verb;
  if (typeof verb !== 'string' || !verb) return { error: 'missing verb' };
  if (verb.includes('*')) return { error: `verb ${JSON.stringify(verb)}: a request never has a wildcard verb` };
  const groups = stringList(user.groups, 'user.groups');
  if ('error' in groups) return groups;

  let request: RbacRequest;
  if (event.objectRef !== undefined && event.objectRef !== null) {
    if (!isObject(event.objectRef)) return { error: 'objectRef is not an object' };
    const ref = event.objectRef;
    const fields: Record<string, string> = {};
    for (const key of ['resource', 'subresource', 'apiGroup', 'namespace', 'name'] as const) {
      const v = ref[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') return { error: `objectRef.${key} is not a string` };
      fields[key] = v;
    }
    if (!fields.resource) return { error: 'objectRef without resource' };
    for (const key of ['resource', 'subresource', 'apiGroup'] as const) {
      if (fields[key]?.includes('*')) return { error: `objectRef.${key} ${JSON.stringify(fields[key])}: a request never names a wildcard` };
      if (fields[key]?.includes('/')) return { error: `objectRef.${key} ${JSON.stringify(fields[key])} contains /` };
    }
    const r: ResourceRequest = { verb, apiGroup: fields.apiGroup ?? '', resource: fields.resource };
    if (fields.subresource) r.subresource = fields.subresource;
    if (fields.namespace) r.namespace = fields.namespace;
    // a create of a collection is authorized without a name (the log may fill it in from the object)
    if (fields.name && !(verb === 'create' && !fields.subresource)) r.name = fields.name;
    request = r;
  } else {
    if (typeof event.requestURI !== 'string' || !event.requestURI) return { error: 'neither objectRef nor requestURI' };
    const path = urlPath(event.requestURI);
    if (!path.startsWith('/')) return { error: `requestURI ${JSON.stringify(event.requestURI)} is not a path` };
    request = { verb, nonResourceURL: path } satisfies NonResourceRequest;
  }

  const annotations = isObject(event.annotations) ? event.annotations : {};
  const decision = annotations[DECISION];
  const reason = typeof annotations[REASON] === 'string' ? annotations[REASON] : undefined;
  const allowed = decision === 'forbid' ? false : decision === 'allow' ? true : code !== 403;
  const time = str(event.requestReceivedTimestamp) ?? str(event.stageTimestamp);
  const base = { file, line, ...(time !== undefined ? { time } : {}) };

  const out: AuditRequest[] = [];
  let effective: Required<UserInfo> = { name: username, groups: groups.value };
  if (event.impersonatedUser !== undefined && event.impersonatedUser !== null) {
    const imp = impersonation(event.impersonatedUser, effective, base);
    if ('error' in imp) return imp;
    out.push(...imp.checks);
    effective = imp.user;
  }
  const main: AuditRequest = { user: effective, request, allowed, ...base };
  if (code !== undefined) main.code = code;
  if (reason) main.reason = reason;
  if (allowed && code === 403) main.rejectedAfterAuthorization = true;
  out.push(main);
  return { requests: out };
}

/**
 * The `impersonate` checks the impersonation filter made (all allowed: the log records the
 * impersonated user only once they pass) and the user the request then ran as. Groups the filter
 * adds by itself (system:authenticated; the ServiceAccount groups when none are asked for) were
 * not checked and are not listed.
 */
function impersonation(value: unknown, impersonator: Required<UserInfo>, base: { file: string; line: number; time?: string }): { checks: AuditRequest[]; user: Required<UserInfo> } | { error: string } {
  if (!isObject(value)) return { error: 'impersonatedUser is not an object' };
  const name = value.username;
  if (typeof name !== 'string' || !name) return { error: 'impersonatedUser.username is not a string' };
  const groups = stringList(value.groups, 'impersonatedUser.groups');
  if ('error' in groups) return groups;
  const checks: AuditRequest[] = [];
  const check = (request: ResourceRequest): void => void checks.push({ user: impersonator, request, allowed: true, impersonation: true, ...base });
  const sa = splitServiceAccountUsername(name);
  if (sa) check({ verb: 'impersonate', apiGroup: '', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name });
  else check({ verb: 'impersonate', apiGroup: '', resource: 'users', name });
  const implicit = new Set(['system:authenticated', ...(sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`] : [])]);
  if (name === ANONYMOUS) implicit.add('system:unauthenticated');
  for (const group of groups.value) if (!implicit.has(group)) check({ verb: 'impersonate', apiGroup: '', resource: 'groups', name: group });
  if (typeof value.uid === 'string' && value.uid) check({ verb: 'impersonate', apiGroup: AUTHENTICATION_GROUP, resource: 'uids', name: value.uid });
  if (isObject(value.extra)) {
    for (const [key, values] of Object.entries(value.extra)) {
      for (const v of Array.isArray(values) ? values : []) {
        if (typeof v === 'string') check({ verb: 'impersonate', apiGroup: AUTHENTICATION_GROUP, resource: 'userextras', subresource: key, name: v });
      }
    }
  }
  return { checks, user: { name, groups: groups.value } };
}

/** The path of a request URI, decoded as Go's url.URL.Path is. */
function urlPath(uri: string): string {
  const q = uri.search(/[?#]/);
  const raw = q === -1 ? uri : uri.slice(0, q);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function stringList(value: unknown, what: string): { value: string[] } | { error: string } {
  if (value === undefined || value === null) return { value: [] };
  if (!Array.isArray(value) || value.some((g) => typeof g !== 'string')) return { error: `${what} is not a list of strings` };
  return { value: value as string[] };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * Whether timestamp `a` is before `b`. The API server writes RFC 3339 in UTC with a fixed number of
 * fraction digits, which compare as strings; anything else is compared by Date.parse (unparsable
 * timestamps are never before anything).
 */
export function timeBefore(a: string, b: string): boolean {
  if (a.length === b.length && a.charCodeAt(a.length - 1) === 90 && b.charCodeAt(b.length - 1) === 90 && a.charCodeAt(10) === 84 && b.charCodeAt(10) === 84) return a < b;
  const x = Date.parse(a);
  const y = Date.parse(b);
  return !Number.isNaN(x) && (Number.isNaN(y) || x < y);
}
