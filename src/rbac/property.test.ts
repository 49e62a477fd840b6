// Properties over generated RBAC objects and requests:
//  1. can-i and who-can never disagree (a user can exactly when who-can lists a subject that is the user or one of its groups);
//  2. can-i agrees with a naive oracle written straight from rbac.go (VisitRulesFor over the raw objects, no index);
//  3. every grant can-i gives allows the request and is in scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inventoryFromYaml } from '../../test/support.js';
import { buildRbacIndex, type RbacRequest, type Subject, type UserInfo } from './index.js';

const NAMESPACES = ['ns1', 'ns2'];
const VERBS = ['get', 'list', 'create', '*'];
const GROUPS = ['', 'apps', '*'];
const RESOURCES = ['pods', 'pods/exec', 'deployments', 'deployments/scale', 'nodes', 'secrets', '*', '*/scale'];
const URLS = ['/healthz', '/healthz/ready', '/api', '/apis/x', '/healthz/*', '/api*', '*'];
const USERS = ['u1', 'system:serviceaccount:ns1:sa', 'system:serviceaccount:ns2:sa', 'system:anonymous'];
const SUBJECT_USERS = ['u1', 'u2', 'system:serviceaccount:ns1:sa'];
const SUBJECT_GROUPS = ['g1', 'system:authenticated', 'system:unauthenticated', 'system:serviceaccounts', 'system:serviceaccounts:ns1'];
const LABELS = ['agg-a', 'agg-b'];

interface RawRule { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] }
interface RawObject { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; rules?: RawRule[]; aggregationRule?: { clusterRoleSelectors: { matchLabels: Record<string, string> }[] }; roleRef?: { apiGroup: string; kind: string; name: string }; subjects?: Subject[] }

const sub = <T>(xs: readonly T[], min = 1): fc.Arbitrary<T[]> => fc.subarray([...xs], { minLength: min });
// fast-check favours small values (empty arrays): a wildcard now and then keeps grants frequent enough to test
const subOrStar = (xs: readonly string[]): fc.Arbitrary<string[]> => fc.oneof({ weight: 3, arbitrary: sub(xs) }, { weight: 1, arbitrary: fc.constant(['*']).map((x) => [...x]) });
const resourceRule: fc.Arbitrary<RawRule> = fc.record({
  verbs: subOrStar(VERBS),
  apiGroups: subOrStar(GROUPS),
  resources: subOrStar(RESOURCES),
  resourceNames: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: sub(['a', 'b']) }),
});
const urlRule: fc.Arbitrary<RawRule> = fc.record({ verbs: sub(VERBS), nonResourceURLs: sub(URLS) });
const subject: fc.Arbitrary<Subject> = fc.oneof(
  fc.record({ kind: fc.constant('User'), name: fc.constantFrom(...SUBJECT_USERS) }),
  fc.record({ kind: fc.constant('Group'), name: fc.constantFrom(...SUBJECT_GROUPS) }),
  fc.record({ kind: fc.constant('ServiceAccount'), name: fc.constant('sa') }, { requiredKeys: ['kind', 'name'] }).chain((s) =>
    fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }).map((namespace) => (namespace ? { ...s, namespace } : s))),
);

const objects: fc.Arbitrary<RawObject[]> = fc.record({
  clusterRoles: fc.array(fc.record({
    labels: sub(LABELS, 0),
    rules: fc.array(fc.oneof({ weight: 3, arbitrary: resourceRule }, { weight: 1, arbitrary: urlRule }), { minLength: 1, maxLength: 3 }),
    aggregate: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...LABELS) }),
  }), { minLength: 2, maxLength: 4 }),
  roles: fc.array(fc.record({ namespace: fc.constantFrom(...NAMESPACES), rules: fc.array(resourceRule, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 4 }),
  bindings: fc.array(fc.record({
    scope: fc.constantFrom('cluster', 'role-namespace', 'role-namespace', 'ns1', 'ns2'),
    roleKind: fc.constantFrom('Role', 'ClusterRole', 'ClusterRole'),
    role: fc.nat(4), // an index that may name no role: a missing role
    subjects: fc.array(subject, { minLength: 1, maxLength: 3 }),
  }), { minLength: 2, maxLength: 10 }),
}).map(({ clusterRoles, roles, bindings }) => {
  const out: RawObject[] = [];
  clusterRoles.forEach((r, i) => out.push({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
    metadata: { name: `c${i}`, labels: Object.fromEntries(r.labels.map((l) => [l, 'true'])) },
    rules: r.rules,
    ...(r.aggregate ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [r.aggregate]: 'true' } }] } } : {}),
  }));
  roles.forEach((r, i) => out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `r${i}`, namespace: r.namespace }, rules: r.rules }));
  bindings.forEach((b, i) => {
    // mostly a RoleBinding in the namespace of the Role it names; sometimes elsewhere, or a ClusterRoleBinding
    const namespace = b.scope === 'cluster' ? undefined : b.scope === 'role-namespace' ? (roles[b.role]?.namespace ?? 'ns1') : b.scope;
    out.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
      metadata: namespace ? { name: `b${i}`, namespace } : { name: `b${i}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: b.roleKind, name: `${b.roleKind === 'Role' ? 'r' : 'c'}${b.role}` },
      subjects: b.subjects,
    });
  });
  return out;
});

const request: fc.Arbitrary<RbacRequest> = fc.oneof(
  fc.record({
    verb: fc.constantFrom('get', 'list', 'create', 'get', 'delete'),
    apiGroup: fc.constantFrom('', 'apps'),
    resource: fc.constantFrom('pods', 'deployments', 'nodes', 'secrets'),
    subresource: fc.constantFrom('', '', '', 'exec', 'scale'),
    name: fc.constantFrom('', '', 'a', 'c'),
    namespace: fc.constantFrom('', ...NAMESPACES),
  }),
  fc.record({ verb: fc.constantFrom('get', 'post'), nonResourceURL: fc.constantFrom('/healthz', '/healthz/ready', '/api', '/apis/x', '/other') }),
);

const user: fc.Arbitrary<UserInfo> = fc.record({
  name: fc.constantFrom(...USERS),
  groups: fc.oneof({ weight: 6, arbitrary: sub(['g1', 'g2'], 0) }, { weight: 1, arbitrary: sub(['g1', 'system:masters', 'system:unauthenticated']) }),
});

// --- the oracle: rbac.go and evaluation_helpers.go, transcribed without any index ---

function implicitGroups(u: UserInfo): { name: string; groups: string[] } {
  const groups = [...(u.groups ?? [])];
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(u.name);
  if (m) groups.push('system:serviceaccounts', `system:serviceaccounts:${m[1]}`);
  if (u.name === 'system:anonymous') groups.push('system:unauthenticated');
  else if (!groups.includes('system:unauthenticated')) groups.push('system:authenticated');
  return { name: u.name, groups };
}

function oracleAllows(objs: RawObject[], u: UserInfo, req: RbacRequest): boolean {
  const me = implicitGroups(u);
  if (me.groups.includes('system:masters')) return true;
  const clusterRoleRules = aggregatedRules(objs);
  const has = (xs: string[] | undefined, x: string): boolean => (xs ?? []).some((v) => v === '*' || v === x);
  const allows = (r: RawRule): boolean => {
    if (!has(r.verbs, req.verb)) return false;
    if ('nonResourceURL' in req) return (r.nonResourceURLs ?? []).some((p) => p === '*' || p === req.nonResourceURL || (p.endsWith('*') && req.nonResourceURL.startsWith(p.replace(/\*+$/, ''))));
    const combined = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
    return has(r.apiGroups, req.apiGroup)
      && (r.resources ?? []).some((x) => x === '*' || x === combined || (!!req.subresource && x === `*/${req.subresource}`))
      && (!(r.resourceNames ?? []).length || (r.resourceNames ?? []).includes(req.name ?? ''));
  };
  const applies = (s: Subject, ns: string): boolean => s.kind === 'User' ? s.name === me.name
    : s.kind === 'Group' ? me.groups.includes(s.name)
      : s.kind === 'ServiceAccount' && !!(s.namespace || ns) && me.name === `system:serviceaccount:${s.namespace || ns}:${s.name}`;
  const rulesOf = (kind: string, name: string, ns: string): RawRule[] => kind === 'ClusterRole'
    ? clusterRoleRules.get(name) ?? []
    : objs.find((o) => o.kind === 'Role' && o.metadata.name === name && o.metadata.namespace === ns)?.rules ?? [];
  // the namespace of the request as the API server's request info has it: core nodes are cluster-scoped
  // (there is no `nodes` in apps: an unknown resource keeps its namespace)
  const ns = 'nonResourceURL' in req || (req.resource === 'nodes' && req.apiGroup === '') ? '' : (req.namespace ?? '');
  for (const b of objs) {
    if (b.kind === 'ClusterRoleBinding' && b.subjects!.some((s) => applies(s, '')) && rulesOf(b.roleRef!.kind, b.roleRef!.name, '').some(allows)) return true;
    if (b.kind === 'RoleBinding' && ns && b.metadata.namespace === ns && b.subjects!.some((s) => applies(s, ns)) && rulesOf(b.roleRef!.kind, b.roleRef!.name, ns).some(allows)) return true;
  }
  return false;
}

/** Aggregation as sets: iterate the union until nothing changes. */
function aggregatedRules(objs: RawObject[]): Map<string, RawRule[]> {
  const roles = objs.filter((o) => o.kind === 'ClusterRole');
  const rules = new Map(roles.map((r) => [r.metadata.name, r.aggregationRule ? [] : r.rules ?? []]));
  for (let changed = true; changed;) {
    changed = false;
    for (const r of roles) {
      if (!r.aggregationRule) continue;
      const sel = r.aggregationRule.clusterRoleSelectors[0]!.matchLabels;
      const next = roles.filter((o) => o !== r && Object.entries(sel).every(([k, v]) => o.metadata.labels?.[k] === v)).flatMap((o) => rules.get(o.metadata.name)!);
      const key = (xs: RawRule[]): string => [...new Set(xs.map((x) => JSON.stringify(x)))].sort().join();
      if (key(next) !== key(rules.get(r.metadata.name)!)) {
        rules.set(r.metadata.name, next);
        changed = true;
      }
    }
  }
  return rules;
}

function clean(req: RbacRequest): RbacRequest {
  if ('nonResourceURL' in req) return req;
  const out: RbacRequest = { verb: req.verb, apiGroup: req.apiGroup, resource: req.resource };
  if (req.subresource) out.subresource = req.subresource;
  if (req.name) out.name = req.name;
  if (req.namespace) out.namespace = req.namespace;
  return out;
}

test('can-i, who-can and the oracle never disagree; every grant allows the request in scope', () => {
  fc.assert(
    fc.property(objects, fc.array(fc.tuple(user, request), { minLength: 1, maxLength: 15 }), (objs, queries) => {
      const ix = buildRbacIndex(inventoryFromYaml(objs.map((o) => JSON.stringify(o)).join('\n---\n')));
      for (const [u, raw] of queries) {
        const req = clean(raw);
        const decision = ix.canI({ ...req, user: u });
        const me = implicitGroups(u);
        assert.equal(decision.allowed, oracleAllows(objs, u, req), `oracle: ${JSON.stringify({ u, req })}`);

        const who = ix.whoCan(req);
        const listed = who.entries.some((e) => e.subject.kind === 'User' ? e.subject.name === me.name
          : e.subject.kind === 'Group' ? me.groups.includes(e.subject.name)
            : me.name === `system:serviceaccount:${e.subject.namespace}:${e.subject.name}`);
        const privileged = me.groups.some((g) => who.privilegedGroups.includes(g));
        assert.equal(decision.allowed, listed || privileged, `who-can: ${JSON.stringify({ u, req })}`);
        assert.equal(decision.grants.length > 0, listed, `grants vs who-can: ${JSON.stringify({ u, req })}`);

        for (const grant of decision.grants) {
          const r = grant.rule.rule;
          assert.ok(r.verbs.includes('*') || r.verbs.includes(req.verb));
          if (grant.scope !== '*') assert.equal(grant.scope, (decision.request as { namespace?: string }).namespace);
        }
        // -A lists at least everyone who-can lists for one namespace
        const all = new Set(ix.whoCan(req, { allNamespaces: true }).entries.map((e) => JSON.stringify(e.subject)));
        for (const e of who.entries) assert.ok(all.has(JSON.stringify(e.subject)));
      }
    }),
    { numRuns: 300 },
  );
});
