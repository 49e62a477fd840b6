import type { SourcePosition } from '../core/finding.js';

/** One rule of a Role or ClusterRole (rbac/v1 PolicyRule); absent lists are empty. */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

/** A subject of a binding, as written (ServiceAccount namespace not yet defaulted). */
export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

/** Who makes a request: a user name and its groups (the API server's user.Info). */
export interface UserInfo {
  name: string;
  groups?: string[];
}

/** A request for an API resource (the authorizer's attributes with IsResourceRequest() true). */
export interface ResourceRequest {
  verb: string;
  /** `""` for the core group. */
  apiGroup: string;
  resource: string;
  subresource?: string;
  /** `""` or absent for requests without a name (list, watch of a collection, create, deletecollection). */
  name?: string;
  /** `""` or absent for cluster-wide requests. */
  namespace?: string;
}

/** A request for a URL that is not an API resource (`/healthz`, `/metrics`, `/version`…). */
export interface NonResourceRequest {
  verb: string;
  nonResourceURL: string;
}

export type RbacRequest = ResourceRequest | NonResourceRequest;

/** A can-i question: the request and who makes it (implicit groups are added, see `userInfo`). */
export type CanIQuery = RbacRequest & { user: string | UserInfo };

export function isNonResourceRequest(request: RbacRequest): request is NonResourceRequest {
  return typeof (request as NonResourceRequest).nonResourceURL === 'string';
}

export type BindingKind = 'RoleBinding' | 'ClusterRoleBinding';
export type RoleKind = 'Role' | 'ClusterRole';

export interface BindingRef {
  kind: BindingKind;
  name: string;
  /** Set for RoleBindings. */
  namespace?: string;
  source: SourcePosition;
}

export interface RoleRefInfo {
  kind: RoleKind;
  name: string;
  /** Set for Roles. */
  namespace?: string;
  source?: SourcePosition;
  /** True for a ClusterRole whose rules were recomputed from its aggregationRule. */
  aggregated: boolean;
}

export interface RuleInfo {
  /** Index of the rule in the role's (effective, possibly aggregated) rules. */
  index: number;
  rule: PolicyRule;
  /** The rule in YAML flow style, e.g. `{apiGroups: [""], resources: [pods/exec], verbs: [create]}`. */
  text: string;
  /** For a rule of an aggregated ClusterRole: the ClusterRole it was aggregated from. */
  aggregatedFrom?: string;
}

/** Why a request is allowed: binding → role → rule, and the binding subject that matched. */
export interface Grant {
  binding: BindingRef;
  /** The binding's subject that applies (ServiceAccount namespace defaulted). */
  subject: Subject;
  role: RoleRefInfo;
  rule: RuleInfo;
  /** Where the binding grants: `*` for a ClusterRoleBinding, else the RoleBinding's namespace. */
  scope: string;
}

/** A rule that came close to allowing a request, and what it lacks. */
export interface NearMiss {
  binding: BindingRef;
  role: RoleRefInfo;
  rule: RuleInfo;
  /** One phrase per failed condition, e.g. `verb delete not in [get, list, watch]`. */
  mismatches: string[];
}

export type DenyReason =
  | { code: 'no-bindings'; message: string }
  | { code: 'no-matching-rule'; message: string; bindings: BindingRef[]; closest: NearMiss[] };

export interface Decision {
  allowed: boolean;
  /** The request the decision is about, its namespace set the way the API server sees it. */
  request: RbacRequest;
  user: Required<UserInfo>;
  /** Set when a privileged group (system:masters) allows the request before RBAC is asked. */
  privilegedGroup?: string;
  /** Every grant that allows it; the first is the one the API server's visit order meets first. */
  grants: Grant[];
  /** When not allowed (and explained): why. RBAC then has no opinion (another authorizer could still allow). */
  reason?: DenyReason;
  /** Grants that would allow the same request elsewhere, but not here (other namespace, RoleBinding for a cluster-scoped resource…). */
  elsewhere: { grant: Grant; why: string }[];
  /** Broken bindings of this user in scope (missing role…): they grant nothing. */
  brokenBindings: Diagnostic[];
}

export interface WhoCanEntry {
  /** The binding's subject (ServiceAccount namespace defaulted). Groups are not expanded. */
  subject: Subject;
  grants: Grant[];
}

export interface WhoCanResult {
  request: RbacRequest;
  /** True when RoleBindings of every namespace were considered (`-A`). */
  allNamespaces: boolean;
  entries: WhoCanEntry[];
  /** Groups the API server allows everything before RBAC is asked. */
  privilegedGroups: string[];
}

export interface EffectiveRule {
  rule: RuleInfo;
  binding: BindingRef;
  subject: Subject;
  role: RoleRefInfo;
  /** Parts of the rule that cannot take effect through this binding (RoleBinding: non-resource URLs, cluster-scoped resources). */
  notes: string[];
}

export interface NamespacePermissions {
  /** `*` for cluster-wide grants (ClusterRoleBindings), else a namespace. */
  namespace: string;
  rules: EffectiveRule[];
}

export interface PermissionsResult {
  user: Required<UserInfo>;
  privilegedGroup?: string;
  namespaces: NamespacePermissions[];
  /** Broken bindings of this user (missing role…). */
  brokenBindings: Diagnostic[];
}

export type DiagnosticCode =
  | 'missing-role'
  | 'unsupported-role-ref'
  | 'invalid-role-ref'
  | 'service-account-without-namespace'
  | 'unsupported-subject'
  | 'invalid-subject'
  | 'invalid-rule'
  | 'duplicate-object'
  | 'invalid-aggregation-selector'
  | 'aggregation-cycle'
  | 'aggregated-rules-replaced';

/** Something about the RBAC objects that a reader should know: a binding that grants nothing, a rule the API server would reject… */
export interface Diagnostic {
  severity: 'error' | 'warning' | 'info';
  code: DiagnosticCode;
  message: string;
  object: { kind: string; name: string; namespace?: string };
  position: SourcePosition;
}
