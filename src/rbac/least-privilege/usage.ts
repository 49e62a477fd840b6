/**
 * What each subject did, folded as the log streams by: per scope (namespace, or `""` for
 * cluster-wide and non-resource requests), per (apiGroup, resource[/subresource]), per verb, the
 * object names seen — only as many as a resourceNames list can hold (`nameLimit`; beyond that,
 * "many"), plus, exactly, those that some rule of the current RBAC lists in its resourceNames
 * (`rbacNames`, for the never-used report). Memory grows with the number of distinct
 * subjects × scopes × resources × verbs, never with the number of requests or of objects named.
 */
import type { Inventory } from '../../inventory/index.js';
import { asServerSees, isNonResourceRequest, readPolicyRule, type RbacRequest, type ResourceRequest, type ResourceTable } from '../index.js';
import { timeBefore, type AuditRequest } from './audit.js';

/** Default names remembered per (scope, resource, verb): one more than the longest resourceNames list generated. */
export const NAME_TRACK_LIMIT = 6;
const DENIED_SAMPLE_NAMES = 3;

export interface VerbUsage {
  count: number;
  /** Distinct names requested; null when more than the collector's name limit. */
  names: Set<string> | null;
  /** The names requested that some rule of the current RBAC lists in resourceNames (all of them), when the collector was given those. */
  rbacNames?: Set<string>;
  /** Some request of this verb had no name (a collection). */
  nameless: boolean;
}

export interface ResourceUsage {
  apiGroup: string;
  resource: string;
  subresource: string;
  verbs: Map<string, VerbUsage>;
}

export interface DeniedUsage {
  request: RbacRequest;
  count: number;
  /** A few of the names asked for. */
  names: string[];
  /** The first `authorization.k8s.io/reason` seen, if any. */
  reason?: string;
  code?: number;
  firstSeen: { file: string; line: number };
}

export interface SubjectUsage {
  username: string;
  /** Every group the log showed for this user (union). */
  groups: Set<string>;
  requests: number;
  allowed: number;
  denied: number;
  /** Authorized, then rejected by admission with 403: counted as used. */
  rejectedAfterAuthorization: number;
  /** Namespace (`""`: cluster-wide) → `group\0resource/sub` → usage. */
  scopes: Map<string, Map<string, ResourceUsage>>;
  /** Non-resource URL → verb → count. */
  urls: Map<string, Map<string, number>>;
  deniedRequests: Map<string, DeniedUsage>;
  /** Earliest and latest `requestReceivedTimestamp` of its requests, as written. */
  from?: string;
  to?: string;
}

export class UsageCollector {
  readonly subjects = new Map<string, SubjectUsage>();
  private readonly only: string | undefined;
  private readonly resources: ResourceTable | undefined;
  private readonly nameLimit: number;
  /** Names listed in resourceNames by some rule of the current RBAC; undefined when it is not known. */
  readonly rbacNames: ReadonlySet<string> | undefined;

  /**
   * `only`: keep this user name and drop the rest. `resources`: scope requests as the API server
   * does (asServerSees). `nameLimit`: names remembered per verb and resource (default 6).
   * `rbacNames`: every name the current RBAC lists in resourceNames (see `rbacResourceNames`).
   */
  constructor(options: { only?: string; resources?: ResourceTable; nameLimit?: number; rbacNames?: ReadonlySet<string> } = {}) {
    this.only = options.only;
    this.resources = options.resources;
    this.nameLimit = options.nameLimit ?? NAME_TRACK_LIMIT;
    this.rbacNames = options.rbacNames;
  }

  add(entry: AuditRequest): void {
    const name = entry.user.name;
    if (this.only !== undefined && name !== this.only) return;
    let usage = this.subjects.get(name);
    if (!usage) {
      usage = { username: name, groups: new Set(), requests: 0, allowed: 0, denied: 0, rejectedAfterAuthorization: 0, scopes: new Map(), urls: new Map(), deniedRequests: new Map() };
      this.subjects.set(name, usage);
    }
    for (const g of entry.user.groups) if (!usage.groups.has(g)) usage.groups.add(g);
    usage.requests++;
    if (entry.time !== undefined) {
      if (usage.from === undefined || timeBefore(entry.time, usage.from)) usage.from = entry.time;
      if (usage.to === undefined || timeBefore(usage.to, entry.time)) usage.to = entry.time;
    }
    const request = this.resources ? asServerSees(entry.request, this.resources) : entry.request;
    if (!entry.allowed) {
      usage.denied++;
      addDenied(usage, request, entry);
      return;
    }
    usage.allowed++;
    if (entry.rejectedAfterAuthorization) usage.rejectedAfterAuthorization++;
    if (isNonResourceRequest(request)) {
      let verbs = usage.urls.get(request.nonResourceURL);
      if (!verbs) usage.urls.set(request.nonResourceURL, (verbs = new Map()));
      verbs.set(request.verb, (verbs.get(request.verb) ?? 0) + 1);
      return;
    }
    this.addResource(usage, request);
  }

  private addResource(usage: SubjectUsage, request: ResourceRequest): void {
    const scope = request.namespace ?? '';
    let resources = usage.scopes.get(scope);
    if (!resources) usage.scopes.set(scope, (resources = new Map()));
    const sub = request.subresource ?? '';
    const key = `${request.apiGroup}\u0000${request.resource}${sub ? `/${sub}` : ''}`;
    let ru = resources.get(key);
    if (!ru) resources.set(key, (ru = { apiGroup: request.apiGroup, resource: request.resource, subresource: sub, verbs: new Map() }));
    let vu = ru.verbs.get(request.verb);
    if (!vu) ru.verbs.set(request.verb, (vu = { count: 0, names: new Set(), nameless: false }));
    vu.count++;
    const name = request.name ?? '';
    if (!name) {
      vu.nameless = true;
      return;
    }
    if (vu.names && !vu.names.has(name)) {
      if (vu.names.size >= this.nameLimit) vu.names = null;
      else vu.names.add(name);
    }
    if (this.rbacNames?.has(name)) (vu.rbacNames ??= new Set()).add(name);
  }
}

function addDenied(usage: SubjectUsage, request: RbacRequest, entry: AuditRequest): void {
  let key: string;
  let shape: RbacRequest;
  if (isNonResourceRequest(request)) {
    key = `U\u0000${request.verb}\u0000${request.nonResourceURL}`;
    shape = request;
  } else {
    key = ['R', request.verb, request.apiGroup, request.resource, request.subresource ?? '', request.namespace ?? ''].join('\u0000');
    const { name: _name, ...rest } = request;
    shape = rest;
  }
  let d = usage.deniedRequests.get(key);
  if (!d) {
    d = { request: shape, count: 0, names: [], firstSeen: { file: entry.file, line: entry.line } };
    if (entry.reason) d.reason = entry.reason;
    if (entry.code !== undefined) d.code = entry.code;
    usage.deniedRequests.set(key, d);
  }
  d.count++;
  const name = isNonResourceRequest(request) ? '' : (request.name ?? '');
  if (name && d.names.length < DENIED_SAMPLE_NAMES && !d.names.includes(name)) d.names.push(name);
}

/** Every name that some Role or ClusterRole of the inventory lists in resourceNames (aggregated roles take theirs from these). */
export function rbacResourceNames(inventory: Inventory): Set<string> {
  const out = new Set<string>();
  for (const kind of ['Role', 'ClusterRole']) {
    for (const obj of inventory.ofKind(kind)) {
      const rules = obj.object.rules;
      for (const raw of Array.isArray(rules) ? rules : []) for (const name of readPolicyRule(raw).rule.resourceNames) out.add(name);
    }
  }
  return out;
}
