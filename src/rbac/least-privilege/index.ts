/**
 * Least privilege from audit logs: what each subject actually did (streamed from the log), the
 * smallest Roles/ClusterRoles that allow it, and what the current RBAC grants it that it never used.
 */
import { ResourceTable, PRIVILEGED_GROUP, type RbacIndex, type Subject } from '../index.js';
import { readAuditLogs, type AuditReadSummary, type AuditSource } from './audit.js';
import { bindingSubject, compare, DEFAULT_MAX_RESOURCE_NAMES, leastPrivilege, type LeastPrivilegeSet } from './generate.js';
import { unusedPermissions, type UnusedPermission } from './unused.js';
import { UsageCollector, type DeniedUsage, type SubjectUsage } from './usage.js';

export { readAuditLogs, convertEvent, auditErrorLabel, MAX_ERRORS, type AuditRequest, type AuditSource, type AuditReadSummary, type AuditLineError } from './audit.js';
export { UsageCollector, NAME_TRACK_LIMIT, rbacResourceNames, type SubjectUsage, type ResourceUsage, type VerbUsage, type DeniedUsage } from './usage.js';
export {
  leastPrivilege, manifestObjects, roleObject, bindingObject, ruleObject, bindingSubject, generatedName, resourceNamesFor,
  DEFAULT_MAX_RESOURCE_NAMES, NAMELESS_VERBS, RBAC_API_GROUP,
  type LeastPrivilegeSet, type GeneratedRole, type GeneratedBinding, type GeneratedRule, type GenerateOptions,
} from './generate.js';
export { unusedPermissions, riskOf, RISK_ORDER, type Risk, type UnusedPermission } from './unused.js';
export { renderYaml, renderTable, renderJson, renderSideReport, renderUnusedTable, yamlDocument, yamlString } from './render.js';

export interface LeastPrivilegeOptions {
  sources: AuditSource[];
  /** Only this user name (`system:serviceaccount:NS:NAME` for a ServiceAccount). */
  subject?: string;
  /** The current RBAC: for the never-used report, and to scope requests with its CRDs. */
  index?: RbacIndex;
  /** Every name the current RBAC lists in resourceNames (`rbacResourceNames(inventory)`): makes the never-used report exact for name-limited rules. */
  rbacNames?: ReadonlySet<string>;
  maxResourceNames?: number;
  onProgress?: (bytes: number, lines: number) => void;
}

export interface SubjectReport {
  username: string;
  subject: Subject;
  groups: string[];
  requests: number;
  allowed: number;
  denied: number;
  rejectedAfterAuthorization: number;
  from?: string;
  to?: string;
  /** Member of system:masters: the API server allowed it everything before RBAC was asked. */
  privilegedGroup?: string;
  set: LeastPrivilegeSet;
  /** Denied requests, most frequent first: not granted. */
  deniedRequests: DeniedUsage[];
  /** Never-used grants of the current RBAC, worst first; undefined without RBAC input. */
  unused?: UnusedPermission[];
}

export interface LeastPrivilegeReport {
  log: AuditReadSummary;
  subjects: SubjectReport[];
  /** Whether the current RBAC was given (the unused report needs it). */
  rbac: boolean;
}

export async function analyzeLeastPrivilege(options: LeastPrivilegeOptions): Promise<LeastPrivilegeReport> {
  const resources = options.index?.resources ?? new ResourceTable();
  const max = options.maxResourceNames ?? DEFAULT_MAX_RESOURCE_NAMES;
  const collector = new UsageCollector({
    ...(options.subject !== undefined ? { only: options.subject } : {}),
    resources,
    nameLimit: max + 1,
    ...(options.rbacNames ? { rbacNames: options.rbacNames } : {}),
  });
  const log = await readAuditLogs(options.sources, { onRequest: (r) => collector.add(r), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  if (options.subject !== undefined && !collector.subjects.has(options.subject)) {
    // no request in the log: it needs nothing, and everything it is granted is unused
    collector.subjects.set(options.subject, emptyUsage(options.subject));
  }
  const subjects = [...collector.subjects.values()]
    .sort((a, b) => compare(a.username, b.username))
    .map((usage) => subjectReport(usage, options));
  return { log, subjects, rbac: options.index !== undefined };
}

function subjectReport(usage: SubjectUsage, options: LeastPrivilegeOptions): SubjectReport {
  const set = leastPrivilege(usage, options.maxResourceNames !== undefined ? { maxResourceNames: options.maxResourceNames } : {});
  const report: SubjectReport = {
    username: usage.username,
    subject: bindingSubject(usage.username),
    groups: [...usage.groups].sort(compare),
    requests: usage.requests,
    allowed: usage.allowed,
    denied: usage.denied,
    rejectedAfterAuthorization: usage.rejectedAfterAuthorization,
    set,
    deniedRequests: [...usage.deniedRequests.values()].sort((a, b) => b.count - a.count),
  };
  if (usage.from !== undefined) report.from = usage.from;
  if (usage.to !== undefined) report.to = usage.to;
  if (usage.groups.has(PRIVILEGED_GROUP)) report.privilegedGroup = PRIVILEGED_GROUP;
  if (options.index) {
    const permissions = options.index.permissions({ name: usage.username, groups: [...usage.groups] });
    report.unused = unusedPermissions(permissions, usage, options.index.resources, options.rbacNames !== undefined);
  }
  return report;
}

function emptyUsage(username: string): SubjectUsage {
  return { username, groups: new Set(), requests: 0, allowed: 0, denied: 0, rejectedAfterAuthorization: 0, scopes: new Map(), urls: new Map(), deniedRequests: new Map() };
}
