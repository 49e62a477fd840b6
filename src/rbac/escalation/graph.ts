/**
 * The escalation graph: identity → identity edges, each labelled with the grants it uses (binding →
 * role → rule). An edge says "whoever is FROM can become (or act as) TO": impersonation, binding or
 * escalating roles, running a pod as a ServiceAccount, requesting or reading its token, exec through
 * the kubelet, issuing a certificate. Every permission is asked of the RBAC evaluator.
 *
 * Besides Users, Groups and ServiceAccounts the graph has a few nodes that stand for a choice:
 * `cluster-admin` (full access cluster-wide: the usual target), "any ServiceAccount of N", "the
 * ServiceAccounts of the pods of N", "the token Secrets of N", "any user", "any group". Edges out of
 * them are free (no permission used) and never count as a step, nor do group memberships.
 */
import type { Inventory } from '../../inventory/index.js';
import { PRIVILEGED_GROUP, splitServiceAccountUsername, userInfo, type Grant, type RbacIndex, type Subject } from '../index.js';
import {
  analysisContext, evaluatePattern, flat, identityKeys, identityOf, matchKey, requirementHolders, subjectOfUser,
  type Holding, type Pattern, type RbacAnalysisContext, type RbacAnalysisOptions, type RequestSet,
} from '../risky/index.js';

export type NodeKind = 'User' | 'Group' | 'ServiceAccount' | 'cluster-admin' | 'any-service-account' | 'workload-accounts' | 'token-secrets' | 'any-user' | 'any-group';

export interface EscalationNode {
  id: string;
  kind: NodeKind;
  /** `ServiceAccount shop/api`, `cluster-admin`, `any ServiceAccount of namespace dev`… */
  label: string;
  /** For Users, Groups and ServiceAccounts. */
  subject?: Subject;
  /** For the namespace nodes (`*`: every namespace). */
  namespace?: string;
  /** Added by a question about a subject the input does not name: not listed by `reaching`. */
  queried?: boolean;
}

export type EdgeKind =
  | 'holds' | 'impersonate' | 'bind' | 'escalate' | 'create-pods' | 'token-request' | 'read-secrets' | 'nodes-proxy' | 'exec' | 'issue-certificate'
  | 'member-of' | 'privileged-group' | 'one-of';

export interface EscalationEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** A step uses a permission (and counts); membership and the choice out of a virtual node do not. */
  step: boolean;
  /** What FROM does, e.g. `creates a pod in namespace kube-system running as any of its ServiceAccounts`. */
  action: string;
  grants: Grant[];
  /** Every grant of the step is part of the Kubernetes bootstrap policy. */
  bootstrap: boolean;
}

export const CLUSTER_ADMIN = 'cluster-admin';

/** The grants of a free edge: none, one shared empty list. */
const NO_GRANTS: Grant[] = [];

export function subjectNodeId(subject: Subject): string {
  return subject.kind === 'ServiceAccount' ? `ServiceAccount:${subject.namespace ?? ''}/${subject.name}` : `${subject.kind}:${subject.name}`;
}

function subjectLabel(subject: Subject): string {
  return flat(subject.kind === 'ServiceAccount' ? `ServiceAccount ${subject.namespace ?? ''}/${subject.name}` : `${subject.kind} ${subject.name}`);
}

const WORKLOADS: RequestSet = { verbs: ['create', 'update', 'patch'], resources: ['deployments.apps', 'daemonsets.apps', 'statefulsets.apps', 'replicasets.apps', 'jobs.batch', 'cronjobs.batch', 'replicationcontrollers'] };
const PATTERNS = {
  holdsAll: { scope: 'cluster', allOf: [{ anyOf: [{ verbs: ['@any'], resources: ['@any'] }] }] },
  createPods: { scope: 'namespaced', allOf: [{ anyOf: [{ verbs: ['create'], resources: ['pods'] }, WORKLOADS] }] },
  tokenRequest: { scope: 'namespaced', allOf: [{ anyOf: [{ verbs: ['create'], resources: ['serviceaccounts/token'] }] }] },
  impersonateServiceAccounts: { scope: 'namespaced', allOf: [{ anyOf: [{ verbs: ['impersonate'], resources: ['serviceaccounts'] }] }] },
  impersonateUsers: { scope: 'cluster', allOf: [{ anyOf: [{ verbs: ['impersonate'], resources: ['users'] }] }] },
  impersonateGroups: { scope: 'cluster', allOf: [{ anyOf: [{ verbs: ['impersonate'], resources: ['groups'] }] }] },
  bindCluster: {
    scope: 'cluster',
    allOf: [
      { anyOf: [{ verbs: ['create', 'update', 'patch'], resources: ['clusterrolebindings.rbac.authorization.k8s.io'] }] },
      { anyOf: [{ verbs: ['bind'], resources: ['clusterroles.rbac.authorization.k8s.io'], names: ['cluster-admin'], bindingNamespace: true }] },
    ],
  },
  bindNamespace: {
    scope: 'namespaced',
    allOf: [
      { anyOf: [{ verbs: ['create', 'update', 'patch'], resources: ['rolebindings.rbac.authorization.k8s.io'] }] },
      { anyOf: [{ verbs: ['bind'], resources: ['clusterroles.rbac.authorization.k8s.io'], names: ['cluster-admin', 'admin', 'edit'], bindingNamespace: true }] },
    ],
  },
  escalateCluster: {
    scope: 'cluster',
    allOf: [
      { anyOf: [{ verbs: ['escalate'], resources: ['clusterroles.rbac.authorization.k8s.io'] }] },
      { anyOf: [{ verbs: ['update', 'patch'], resources: ['clusterroles.rbac.authorization.k8s.io'] }] },
    ],
  },
  escalateNamespace: {
    scope: 'namespaced',
    allOf: [
      { anyOf: [{ verbs: ['escalate'], resources: ['roles.rbac.authorization.k8s.io'] }] },
      { anyOf: [{ verbs: ['update', 'patch'], resources: ['roles.rbac.authorization.k8s.io'] }] },
    ],
  },
  readSecrets: { scope: 'namespaced', allOf: [{ anyOf: [{ verbs: ['get', 'list', 'watch'], resources: ['secrets'] }] }] },
  nodesProxy: { scope: 'cluster', allOf: [{ anyOf: [{ verbs: ['create', 'get'], resources: ['nodes/proxy'] }] }] },
  execInPods: {
    scope: 'namespaced',
    allOf: [{
      anyOf: [
        { verbs: ['create', 'get'], resources: ['pods/exec', 'pods/attach'] },
        { verbs: ['update', 'patch'], resources: ['pods/ephemeralcontainers', 'pods'] },
      ],
    }],
  },
  issueCertificate: {
    scope: 'cluster',
    allOf: [
      { anyOf: [{ verbs: ['create'], resources: ['certificatesigningrequests.certificates.k8s.io'] }] },
      { anyOf: [{ verbs: ['update', 'patch'], resources: ['certificatesigningrequests.certificates.k8s.io/approval'] }] },
      { anyOf: [{ verbs: ['approve'], resources: ['signers.certificates.k8s.io'], names: ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/*'] }] },
    ],
  },
} satisfies Record<string, Pattern>;

/** Builds the escalation graph of an inventory: nodes, edges, and queries over them. */
export class EscalationGraph {
  readonly nodes = new Map<string, EscalationNode>();
  readonly edges: EscalationEdge[] = [];
  readonly out = new Map<string, EscalationEdge[]>();
  readonly in = new Map<string, EscalationEdge[]>();
  readonly context: RbacAnalysisContext;
  private readonly edgeIndex = new Map<string, EscalationEdge>();
  /** One flat copy of each action text (many edges say the same thing). */
  private readonly texts = new Map<string, string>();

  private built = false;

  constructor(context: RbacAnalysisContext) {
    this.context = context;
    this.build();
    this.built = true;
    this.edgeIndex.clear(); // only needed while building; later edges (subjects asked about) are few
  }

  private node(id: string, make: () => EscalationNode): EscalationNode {
    let node = this.nodes.get(id);
    if (!node) this.nodes.set(id, (node = make()));
    return node;
  }

  /** The node of a User, Group or ServiceAccount (created, with its implicit group memberships, when new). */
  subjectNode(subject: Subject): EscalationNode {
    const id = subjectNodeId(subject);
    const known = this.nodes.get(id);
    if (known) return known;
    const node: EscalationNode = { id: flat(id), kind: subject.kind as NodeKind, label: subjectLabel(subject), subject };
    if (this.built) node.queried = true;
    this.nodes.set(id, node);
    // implicit groups: a ServiceAccount is in system:serviceaccounts[:NS]; every user is authenticated
    const groups = subject.kind === 'Group' ? impliedGroups(subject.name) : userInfo(identityOf(subject).name).groups;
    for (const group of groups) {
      if (group === (subject.kind === 'Group' ? subject.name : '')) continue;
      const g = this.subjectNode({ kind: 'Group', name: group });
      this.edge(id, g.id, 'member-of', false, `is a member of ${g.label}`, []);
    }
    if (subject.kind === 'Group' && subject.name === PRIVILEGED_GROUP) {
      this.edge(id, this.clusterAdmin().id, 'privileged-group', false, `members of ${PRIVILEGED_GROUP} are allowed everything by the API server, before RBAC is asked`, []);
    }
    return node;
  }

  private clusterAdmin(): EscalationNode {
    return this.node(CLUSTER_ADMIN, () => ({ id: CLUSTER_ADMIN, kind: 'cluster-admin', label: 'cluster-admin' }));
  }

  private edge(from: string, to: string, kind: EdgeKind, step: boolean, action: string, grants: Grant[]): void {
    if (from === to) return; // becoming oneself is no step
    const key = `${from}\u0000${to}\u0000${kind}`;
    const known = this.built ? this.out.get(from)?.find((e) => e.to === to && e.kind === kind) : this.edgeIndex.get(key);
    if (known) {
      if (!grants.length) return;
      if (known.grants === NO_GRANTS) known.grants = [];
      for (const g of grants) if (!known.grants.includes(g)) known.grants.push(g);
      known.bootstrap = known.grants.length > 0 && known.grants.every((g) => this.context.isBootstrapGrant(g));
      return;
    }
    let text = this.texts.get(action);
    if (text === undefined) this.texts.set(action, (text = flat(action)));
    const edge: EscalationEdge = { from, to, kind, step, action: text, grants: grants.length ? [...grants] : NO_GRANTS, bootstrap: step && grants.length > 0 && grants.every((g) => this.context.isBootstrapGrant(g)) };
    if (!this.built) this.edgeIndex.set(key, edge);
    this.edges.push(edge);
    push(this.out, from, edge);
    push(this.in, to, edge);
  }

  /** "any ServiceAccount of N" (N = `*`: of every namespace). */
  private anyAccount(namespace: string): EscalationNode {
    const id = `any-service-account:${namespace}`;
    const existed = this.nodes.has(id);
    const node = this.node(id, () => ({ id, kind: 'any-service-account', namespace, label: namespace === '*' ? 'any ServiceAccount of any namespace' : `any ServiceAccount of namespace ${namespace}` }));
    if (!existed) {
      if (namespace === '*') for (const ns of this.context.namespaces) this.edge(id, this.anyAccount(ns).id, 'one-of', false, '', []);
      else for (const name of this.context.accountsIn(namespace)) this.edge(id, this.subjectNode({ kind: 'ServiceAccount', name, namespace }).id, 'one-of', false, '', []);
    }
    return node;
  }

  /** "the ServiceAccounts of the pods running in N" (token-mounted workloads of the input). */
  private workloadAccounts(namespace: string): EscalationNode {
    const id = `workload-accounts:${namespace}`;
    const existed = this.nodes.has(id);
    const node = this.node(id, () => ({ id, kind: 'workload-accounts', namespace, label: namespace === '*' ? 'the ServiceAccounts of the pods of every namespace' : `the ServiceAccounts of the pods of namespace ${namespace}` }));
    if (!existed) {
      const workloads = this.context.workloads.filter((w) => w.tokenMounted && (namespace === '*' || w.namespace === namespace));
      if (namespace === '*') for (const ns of new Set(workloads.map((w) => w.namespace))) this.edge(id, this.workloadAccounts(ns).id, 'one-of', false, '', []);
      else {
        for (const w of workloads) {
          const sa = this.subjectNode({ kind: 'ServiceAccount', name: w.serviceAccount, namespace });
          this.edge(id, sa.id, 'one-of', false, `the token of ${w.object.kind} ${namespace}/${w.object.name}`, []);
        }
      }
    }
    return node;
  }

  /** "the service-account token Secrets of N". */
  private tokenSecrets(namespace: string): EscalationNode | undefined {
    const secrets = this.context.tokenSecrets.filter((s) => namespace === '*' || s.namespace === namespace);
    if (!secrets.length) return undefined;
    const id = `token-secrets:${namespace}`;
    const existed = this.nodes.has(id);
    const node = this.node(id, () => ({ id, kind: 'token-secrets', namespace, label: namespace === '*' ? 'the token Secrets of every namespace' : `the token Secrets of namespace ${namespace}` }));
    if (!existed) {
      if (namespace === '*') for (const ns of new Set(secrets.map((s) => s.namespace))) this.edge(id, this.tokenSecrets(ns)!.id, 'one-of', false, '', []);
      else for (const s of secrets) this.edge(id, this.subjectNode({ kind: 'ServiceAccount', name: s.serviceAccount, namespace }).id, 'one-of', false, `the token in Secret ${namespace}/${s.name}`, []);
    }
    return node;
  }

  private build(): void {
    const ctx = this.context;
    this.clusterAdmin();
    for (const b of ctx.bindings) for (const { subject } of b.subjects) this.subjectNode(subject);
    for (const [namespace, names] of ctx.serviceAccounts) for (const name of names) this.subjectNode({ kind: 'ServiceAccount', name, namespace });
    for (const name of ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts', PRIVILEGED_GROUP]) this.subjectNode({ kind: 'Group', name });

    const perPlace = (holding: Holding, each: (place: string, grants: Grant[]) => void): void => {
      for (const place of holding.where) each(place, holding.grants.filter((g) => g.scope === '*' || g.scope === place));
    };
    const from = (holding: Holding): string => this.subjectNode(holding.subject).id;

    for (const h of evaluatePattern(ctx, PATTERNS.holdsAll).values()) {
      this.edge(from(h), CLUSTER_ADMIN, 'holds', true, 'holds every permission cluster-wide (* verbs on * resources of * API groups)', h.grants);
    }
    for (const h of evaluatePattern(ctx, PATTERNS.createPods).values()) {
      perPlace(h, (ns, grants) => this.edge(from(h), this.anyAccount(ns).id, 'create-pods', true, `creates a pod (or a workload) ${where(ns)} that runs as any of its ServiceAccounts`, grants));
    }
    this.namedOrAny(PATTERNS.tokenRequest, 'token-request', (ns) => `requests a token (TokenRequest) for any ServiceAccount ${where(ns)}`, (ns, name) => `requests a token (TokenRequest) for ServiceAccount ${ns}/${name}`);
    const saImpersonators = this.namedOrAny(PATTERNS.impersonateServiceAccounts, 'impersonate', (ns) => `impersonates any ServiceAccount ${where(ns)}`, (ns, name) => `impersonates ServiceAccount ${ns}/${name}`);

    // users: any (no resourceNames) or the named ones that are nodes of the graph
    const userImpersonators = new Map<string, Grant>(saImpersonators);
    for (const h of evaluatePattern(ctx, PATTERNS.impersonateUsers).values()) {
      this.edge(from(h), this.anyOf('any-user').id, 'impersonate', true, 'impersonates any user', h.grants);
      addImpersonator(userImpersonators, h);
    }
    // a rule limited to named users: each name any rule lists (the user need not appear anywhere else)
    for (const name of [...ctx.resourceNames].sort()) {
      if (splitServiceAccountUsername(name)) continue; // impersonating a ServiceAccount's user name is checked as serviceaccounts
      for (const h of this.restricted(PATTERNS.impersonateUsers, name, '*')) {
        const node = this.subjectNode({ kind: 'User', name });
        this.edge(from(h), node.id, 'impersonate', true, `impersonates ${node.label}`, h.grants);
        addImpersonator(userImpersonators, h);
      }
    }
    // groups: the API server accepts Impersonate-Group only with an impersonated user
    const canImpersonateUser = (h: Holding): Grant | undefined => {
      for (const key of identityKeys(identityOf(h.subject))) {
        const grant = userImpersonators.get(key);
        if (grant) return grant;
      }
      return undefined;
    };
    for (const h of evaluatePattern(ctx, PATTERNS.impersonateGroups).values()) {
      const user = canImpersonateUser(h);
      if (user) this.edge(from(h), this.anyOf('any-group').id, 'impersonate', true, 'impersonates any group (with a user it may impersonate)', [...h.grants, user]);
    }
    for (const name of [...ctx.resourceNames].sort()) {
      for (const h of this.restricted(PATTERNS.impersonateGroups, name, '*')) {
        const user = canImpersonateUser(h);
        const node = this.subjectNode({ kind: 'Group', name });
        if (user) this.edge(from(h), node.id, 'impersonate', true, `impersonates ${node.label} (with a user it may impersonate)`, [...h.grants, user]);
      }
    }

    for (const h of evaluatePattern(ctx, PATTERNS.bindCluster).values()) {
      this.edge(from(h), CLUSTER_ADMIN, 'bind', true, 'binds ClusterRole cluster-admin to itself with a ClusterRoleBinding (bind + create clusterrolebindings)', h.grants);
    }
    for (const h of evaluatePattern(ctx, PATTERNS.bindNamespace).values()) {
      perPlace(h, (ns, grants) => this.edge(from(h), this.anyAccount(ns).id, 'bind', true, `binds cluster-admin, admin or edit to itself ${where(ns)} (bind + create rolebindings), then runs a pod as any of its ServiceAccounts`, grants));
    }
    for (const h of evaluatePattern(ctx, PATTERNS.escalateCluster).values()) {
      this.edge(from(h), CLUSTER_ADMIN, 'escalate', true, 'adds * to a ClusterRole bound to it (escalate + update clusterroles; every authenticated user holds system:basic-user)', h.grants);
    }
    // rewriting a Role only helps a subject bound to one: the namespaces where it (or one of its groups) has a RoleBinding to a Role
    const roleBound = new Map<string, Set<string>>();
    for (const b of ctx.bindings) {
      if (b.kind !== 'RoleBinding' || b.roleRef.kind !== 'Role') continue;
      for (const { subject } of b.subjects) {
        const key = matchKey(subject);
        if (key === undefined) continue;
        let set = roleBound.get(key);
        if (!set) roleBound.set(key, (set = new Set()));
        set.add(b.namespace);
      }
    }
    for (const h of evaluatePattern(ctx, PATTERNS.escalateNamespace).values()) {
      const bound = new Set(identityKeys(identityOf(h.subject)).flatMap((k) => [...(roleBound.get(k) ?? [])]));
      for (const ns of h.where.includes('*') ? [...bound].sort() : h.where.filter((n) => bound.has(n))) {
        const grants = h.grants.filter((g) => g.scope === '*' || g.scope === ns);
        this.edge(from(h), this.anyAccount(ns).id, 'escalate', true, `adds any rule to a Role bound to it in namespace ${ns} (escalate + update roles), then runs a pod as any of its ServiceAccounts`, grants);
      }
    }

    for (const h of evaluatePattern(ctx, PATTERNS.readSecrets).values()) {
      perPlace(h, (ns, grants) => {
        const secrets = this.tokenSecrets(ns);
        if (secrets) this.edge(from(h), secrets.id, 'read-secrets', true, `reads the service-account token Secrets ${where(ns)}`, grants);
      });
    }
    for (const secret of ctx.tokenSecrets.filter((s) => ctx.resourceNames.has(s.name))) {
      const account = this.subjectNode({ kind: 'ServiceAccount', name: secret.serviceAccount, namespace: secret.namespace });
      for (const h of this.restricted({ scope: 'namespaced', allOf: [{ anyOf: [{ verbs: ['get'], resources: ['secrets'] }] }] }, secret.name, secret.namespace)) {
        this.edge(from(h), account.id, 'read-secrets', true, `reads the token Secret ${secret.namespace}/${secret.name} of ${account.label}`, h.grants);
      }
    }

    for (const h of evaluatePattern(ctx, PATTERNS.nodesProxy).values()) {
      this.edge(from(h), this.workloadAccounts('*').id, 'nodes-proxy', true, 'runs commands in any pod of any node through the kubelet API (nodes/proxy)', h.grants);
    }
    for (const h of evaluatePattern(ctx, PATTERNS.execInPods).values()) {
      perPlace(h, (ns, grants) => this.edge(from(h), this.workloadAccounts(ns).id, 'exec', true, `runs commands in the pods ${where(ns)} (exec, attach, an ephemeral container or a new image)`, grants));
    }
    for (const h of evaluatePattern(ctx, PATTERNS.issueCertificate).values()) {
      this.edge(from(h), CLUSTER_ADMIN, 'issue-certificate', true, `issues itself a client certificate in group ${PRIVILEGED_GROUP} (create and approve a CSR for kubernetes.io/kube-apiserver-client)`, h.grants);
    }

    // "any user" / "any group" fan out to every node of the kind (system:masters included)
    if (this.nodes.has('any-user')) for (const n of [...this.nodes.values()].filter((n) => n.kind === 'User')) this.edge('any-user', n.id, 'one-of', false, '', []);
    if (this.nodes.has('any-group')) for (const n of [...this.nodes.values()].filter((n) => n.kind === 'Group')) this.edge('any-group', n.id, 'one-of', false, '', []);
    for (const list of this.out.values()) list.sort(compareEdges);
    for (const list of this.in.values()) list.sort(compareEdges);
  }

  private anyOf(kind: 'any-user' | 'any-group'): EscalationNode {
    return this.node(kind, () => ({ id: kind, kind, label: kind === 'any-user' ? 'any user' : 'any group' }));
  }

  /**
   * A per-account permission (token request, impersonation): holders without a resourceNames
   * restriction get "any ServiceAccount of N"; rules restricted to names get an edge to each named
   * account. Returns the match keys of every holder, with one grant each (for impersonation).
   */
  private namedOrAny(pattern: Pattern, kind: EdgeKind, any: (ns: string) => string, named: (ns: string, name: string) => string): Map<string, Grant> {
    const holders = new Map<string, Grant>();
    for (const h of evaluatePattern(this.context, pattern).values()) {
      for (const ns of h.where) this.edge(this.subjectNode(h.subject).id, this.anyAccount(ns).id, kind, true, any(ns), h.grants.filter((g) => g.scope === '*' || g.scope === ns));
      addImpersonator(holders, h);
    }
    for (const [namespace, names] of this.context.serviceAccounts) {
      for (const name of names) {
        if (!this.context.resourceNames.has(name)) continue;
        for (const h of this.restricted(pattern, name, namespace)) {
          this.edge(this.subjectNode(h.subject).id, this.subjectNode({ kind: 'ServiceAccount', name, namespace }).id, kind, true, named(namespace, name), h.grants);
          addImpersonator(holders, h);
        }
      }
    }
    return holders;
  }

  /** Holders of the pattern's (single) requirement for one name, through rules limited by resourceNames, in `namespace` (`*`: cluster-wide). */
  private restricted(pattern: Pattern, name: string, namespace: string): Holding[] {
    const requirement = { anyOf: pattern.allOf[0]!.anyOf.map((set) => ({ ...set, names: [name] })) };
    const out: Holding[] = [];
    for (const holder of requirementHolders(this.context, requirement, pattern.scope).values()) {
      const grants = holder.grants.filter((g) => g.rule.rule.resourceNames.length > 0 && (g.scope === '*' || g.scope === namespace));
      if (grants.length) out.push({ subject: holder.subject, where: [namespace], grants });
    }
    return out;
  }
}

function addImpersonator(map: Map<string, Grant>, h: Holding): void {
  const key = matchKey(h.subject);
  if (key !== undefined && !map.has(key) && h.grants[0]) map.set(key, h.grants[0]);
}

/** The groups every member of a group is also in. */
function impliedGroups(group: string): string[] {
  if (group === 'system:unauthenticated' || group === 'system:authenticated') return [];
  if (group.startsWith('system:serviceaccounts:')) return ['system:serviceaccounts', 'system:authenticated'];
  return ['system:authenticated'];
}

function where(namespace: string): string {
  return namespace === '*' ? 'in any namespace' : `in namespace ${namespace}`;
}

const KIND_ORDER: Record<string, number> = { holds: 0, 'privileged-group': 0 };
function compareEdges(a: EscalationEdge, b: EscalationEdge): number {
  return (KIND_ORDER[a.kind] ?? 1) - (KIND_ORDER[b.kind] ?? 1) || a.to.localeCompare(b.to) || a.from.localeCompare(b.from) || a.kind.localeCompare(b.kind);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The escalation graph of an inventory. Bootstrap grants are edges too (marked `bootstrap`): chains may pass through them. */
export function buildEscalationGraph(inventory: Inventory, index?: RbacIndex, options: Omit<RbacAnalysisOptions, 'includeBootstrap'> = {}): EscalationGraph {
  return new EscalationGraph(analysisContext(inventory, index, { ...options, includeBootstrap: true }));
}

/** Reads `system:serviceaccount:NS:NAME`, `group:NAME` / `Group:NAME`, `user:NAME`, `ServiceAccount:NS/NAME`, or a user name. */
export function parseSubject(text: string): Subject | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const m = /^(user|group|serviceaccount|sa):(.*)$/i.exec(t);
  if (m) {
    const kind = m[1]!.toLowerCase();
    const rest = m[2]!;
    if (!rest) return undefined;
    if (kind === 'user') return { kind: 'User', name: rest };
    if (kind === 'group') return { kind: 'Group', name: rest };
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1 || rest.indexOf('/', slash + 1) !== -1) return undefined;
    return { kind: 'ServiceAccount', namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
  }
  if (t.startsWith('system:serviceaccount:')) {
    const s = subjectOfUser(t);
    return s.kind === 'ServiceAccount' ? s : undefined;
  }
  return { kind: 'User', name: t };
}

