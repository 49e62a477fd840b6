/**
 * The exact RBAC evaluator: Kubernetes' RBAC authorizer over the objects of an inventory.
 * See README.md beside this file for the semantics implemented.
 */
import type { Inventory } from '../inventory/index.js';
import { buildIndexData } from './index-build.js';
import { canI, permissions, whoCan } from './queries.js';
import { parseRequest, type RequestArgs, type ResourceTable } from './resources.js';
import type { CanIQuery, Decision, Diagnostic, PermissionsResult, RbacRequest, UserInfo, WhoCanResult } from './types.js';

export interface RbacIndex {
  /**
   * Would the API server allow this request through RBAC (or its system:masters shortcut)? Every
   * grant is listed; a "no" says why, unless `explain: false` (then `reason` and `elsewhere` are left out: faster for bulk queries).
   */
  canI(query: CanIQuery, options?: { explain?: boolean }): Decision;
  /** Every subject a binding grants the request to. `allNamespaces`: RoleBindings of every namespace (namespaced resources only). */
  whoCan(request: RbacRequest, options?: { allNamespaces?: boolean }): WhoCanResult;
  /** The effective rules of a user (and its groups, implicit ones added) per namespace, `*` for cluster-wide. */
  permissions(subject: string | UserInfo): PermissionsResult;
  /** A request from kubectl-style arguments (`deployments.apps/scale`, `/healthz`…), resolved with the built-in table and the inventory's CRDs. */
  request(args: RequestArgs): { request: RbacRequest; warnings: string[] };
  /** Missing roles, rules the API server would reject, aggregation notes… */
  readonly diagnostics: readonly Diagnostic[];
  readonly resources: ResourceTable;
  readonly stats: { roles: number; clusterRoles: number; aggregatedClusterRoles: number; bindings: number; clusterRoleBindings: number };
}

/** Reads the RBAC objects of the inventory (rbac.authorization.k8s.io) and indexes them once. */
export function buildRbacIndex(inventory: Inventory): RbacIndex {
  const data = buildIndexData(inventory);
  const clusterRoles = data.roles.filter((r) => r.kind === 'ClusterRole');
  return {
    canI: (query, options) => canI(data, query, options),
    whoCan: (request, options) => whoCan(data, request, options),
    permissions: (subject) => permissions(data, subject),
    request: (args) => parseRequest(args, data.resources),
    diagnostics: data.diagnostics,
    resources: data.resources,
    stats: {
      roles: data.roles.length - clusterRoles.length,
      clusterRoles: clusterRoles.length,
      aggregatedClusterRoles: clusterRoles.filter((r) => r.aggregated).length,
      bindings: data.bindings.filter((b) => b.kind === 'RoleBinding').length,
      clusterRoleBindings: data.bindings.filter((b) => b.kind === 'ClusterRoleBinding').length,
    },
  };
}

export {
  ruleAllows, verbMatches, apiGroupMatches, resourceMatches, resourceNameMatches, nonResourceURLMatches,
  ruleMismatches, ruleText, readPolicyRule, policyRuleProblems,
} from './rules.js';
export {
  userInfo, appliesToUser, serviceAccountUsername, splitServiceAccountUsername, serviceAccountGroups, subjectLabel, userLabel,
  AUTHENTICATED, UNAUTHENTICATED, ANONYMOUS, ALL_SERVICE_ACCOUNTS, PRIVILEGED_GROUP, SERVICE_ACCOUNT_PREFIX,
} from './subjects.js';
export { readAggregationRule } from './aggregation.js';
export { ResourceTable, RbacUsageError, resolveResource, parseRequest, asServerSees, crdResources, type ResourceInfo, type ResolvedResource, type RequestArgs } from './resources.js';
export * from './types.js';
