/**
 * `node --import tsx bench/rbac.ts`: the RBAC evaluator on a generated cluster of 2,000 roles
 * (1,600 Roles in 200 namespaces, 400 ClusterRoles of which 3 aggregate 30 others) and 10,000
 * bindings (8,500 RoleBindings, 1,500 ClusterRoleBindings), 1–3 subjects each (3,000 users, 100
 * groups, 20 ServiceAccounts per namespace); system:authenticated gets discovery only.
 * `BENCH_DUMP=FILE` also writes the generated YAML to FILE.
 * Prints index build time (target < 1 s), can-i per query (< 1 ms), who-can per query (< 20 ms),
 * peak RSS. Figures are printed, never asserted.
 */
import { Inventory, normalize, parseManifests } from '../src/inventory/index.js';
import { buildRbacIndex, type RbacRequest } from '../src/rbac/index.js';
import { random, pick, some } from './random.js';

const NAMESPACES = 200;
const ROLES_PER_NAMESPACE = 8;
const CLUSTER_ROLES = 400;
const ROLE_BINDINGS = 8500;
const CLUSTER_ROLE_BINDINGS = 1500;


const RESOURCES: [string, string][] = [
  ['', 'pods'], ['', 'pods/exec'], ['', 'pods/log'], ['', 'secrets'], ['', 'configmaps'], ['', 'services'], ['', 'serviceaccounts'],
  ['', 'persistentvolumeclaims'], ['', 'events'], ['apps', 'deployments'], ['apps', 'deployments/scale'], ['apps', 'statefulsets'],
  ['apps', 'daemonsets'], ['batch', 'jobs'], ['batch', 'cronjobs'], ['networking.k8s.io', 'ingresses'], ['networking.k8s.io', 'networkpolicies'],
  ['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'rolebindings'], ['coordination.k8s.io', 'leases'], ['example.com', 'widgets'],
];
const CLUSTER_RESOURCES: [string, string][] = [['', 'nodes'], ['', 'namespaces'], ['', 'persistentvolumes'], ['rbac.authorization.k8s.io', 'clusterroles'], ['storage.k8s.io', 'storageclasses']];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `team-${i}`);

function rules(clusterScoped: boolean): string {
  const out: string[] = [];
  for (let i = 0, n = 3 + Math.floor(random() * 6); i < n; i++) {
    const roll = random();
    if (roll < 0.05) out.push(`  - {apiGroups: ["*"], resources: ["*/scale"], verbs: [get, update]}`);
    else if (clusterScoped && roll < 0.1) out.push(`  - {nonResourceURLs: ["/metrics", "/debug/*"], verbs: [get]}`);
    else {
      const pool = clusterScoped && roll < 0.3 ? CLUSTER_RESOURCES : RESOURCES;
      const [group] = pick(pool);
      const resources = some(pool.filter(([g]) => g === group).map(([, r]) => r), 4);
      const names = random() < 0.1 ? `, resourceNames: [obj-${Math.floor(random() * 10)}]` : '';
      out.push(`  - {apiGroups: ["${group}"], resources: [${resources.join(', ')}], verbs: [${some(VERBS, 4).join(', ')}]${names}}`);
    }
  }
  return out.join('\n');
}

function subject(namespace: string | undefined): string {
  const roll = random();
  if (roll < 0.45) return `{kind: User, name: user-${Math.floor(random() * 3000)}}`;
  if (roll < 0.7) return `{kind: Group, name: group-${Math.floor(random() * 100)}}`;
  const ns = namespace && random() < 0.8 ? undefined : pick(namespaces);
  return `{kind: ServiceAccount, name: sa-${Math.floor(random() * 20)}${ns ? `, namespace: ${ns}` : ''}}`;
}

function generate(): string {
  const docs: string[] = [];
  const rbac = 'apiVersion: rbac.authorization.k8s.io/v1';
  for (const [name, label, selects] of [['admin', 'none', 'aggregate-to-admin'], ['edit', 'aggregate-to-admin', 'aggregate-to-edit'], ['view', 'aggregate-to-edit', 'aggregate-to-view']] as const) {
    docs.push(`${rbac}\nkind: ClusterRole\nmetadata: {name: ${name}, labels: {${label}: "true"}}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {${selects}: "true"}}]}\nrules: []`);
  }
  for (let i = 0; i < CLUSTER_ROLES - 4; i++) {
    const labels = i < 30 ? `, labels: {${pick(['aggregate-to-admin', 'aggregate-to-edit', 'aggregate-to-view'])}: "true"}` : '';
    docs.push(`${rbac}\nkind: ClusterRole\nmetadata: {name: cluster-role-${i}${labels}}\nrules:\n${rules(true)}`);
  }
  for (const ns of namespaces) {
    for (let i = 0; i < ROLES_PER_NAMESPACE; i++) docs.push(`${rbac}\nkind: Role\nmetadata: {name: role-${i}, namespace: ${ns}}\nrules:\n${rules(false)}`);
  }
  // what every authenticated user may do, as in a real cluster: discovery only
  docs.push(`${rbac}\nkind: ClusterRole\nmetadata: {name: discovery}\nrules:\n  - {nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /version], verbs: [get]}`);
  docs.push(`${rbac}\nkind: ClusterRoleBinding\nmetadata: {name: discovery}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: discovery}\nsubjects: [{kind: Group, name: system:authenticated}]`);
  const clusterRoleNames = ['admin', 'edit', 'view', ...Array.from({ length: CLUSTER_ROLES - 4 }, (_, i) => `cluster-role-${i}`)];
  for (let i = 0; i < ROLE_BINDINGS; i++) {
    const ns = pick(namespaces);
    const ref = random() < 0.6 ? `{apiGroup: rbac.authorization.k8s.io, kind: Role, name: role-${Math.floor(random() * ROLES_PER_NAMESPACE)}}` : `{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${pick(clusterRoleNames)}}`;
    docs.push(`${rbac}\nkind: RoleBinding\nmetadata: {name: binding-${i}, namespace: ${ns}}\nroleRef: ${ref}\nsubjects: [${some([0, 1, 2], 3).map(() => subject(ns)).join(', ')}]`);
  }
  for (let i = 0; i < CLUSTER_ROLE_BINDINGS - 1; i++) {
    docs.push(`${rbac}\nkind: ClusterRoleBinding\nmetadata: {name: cluster-binding-${i}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${pick(clusterRoleNames)}}\nsubjects: [${some([0, 1, 2], 3).map(() => subject(undefined)).join(', ')}]`);
  }
  return `${docs.join('\n---\n')}\n`;
}

function randomRequest(): RbacRequest {
  const roll = random();
  if (roll < 0.05) return { verb: 'get', nonResourceURL: pick(['/metrics', '/debug/pprof', '/healthz']) };
  if (roll < 0.15) {
    const [apiGroup, resource] = pick(CLUSTER_RESOURCES);
    return { verb: pick(VERBS), apiGroup, resource };
  }
  const [apiGroup, combined] = pick(RESOURCES);
  const [resource, subresource] = combined.split('/') as [string, string | undefined];
  return { verb: pick(VERBS), apiGroup, resource, ...(subresource ? { subresource } : {}), ...(random() < 0.3 ? { name: `obj-${Math.floor(random() * 10)}` } : {}), namespace: random() < 0.9 ? pick(namespaces) : '' };
}

function randomUser(): string | { name: string; groups: string[] } {
  if (random() < 0.3) return `system:serviceaccount:${pick(namespaces)}:sa-${Math.floor(random() * 20)}`;
  return { name: `user-${Math.floor(random() * 3000)}`, groups: Array.from({ length: Math.floor(random() * 4) }, () => `group-${Math.floor(random() * 100)}`) };
}

function time<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

const stats = (xs: number[]): { mean: number; p50: number; p99: number; max: number } => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, p50: sorted[Math.floor(xs.length / 2)]!, p99: sorted[Math.floor(xs.length * 0.99)]!, max: sorted.at(-1)! };
};

const [text, genMs] = time(generate);
if (process.env.BENCH_DUMP) (await import("node:fs")).writeFileSync(process.env.BENCH_DUMP, text);
const [inventory, parseMs] = time(() => new Inventory(parseManifests(text, 'bench.yaml', 'file').objects.map((o, i) => normalize(o, String(i)))));
const [index, buildMs] = time(() => buildRbacIndex(inventory));

// warm up, then measure
for (let i = 0; i < 2000; i++) index.canI({ ...randomRequest(), user: randomUser() });
const canITimes: number[] = [];
const bareTimes: number[] = [];
let allowed = 0;
for (let i = 0; i < 20000; i++) {
  const query = { ...randomRequest(), user: randomUser() };
  const [decision, ms] = time(() => index.canI(query));
  if (decision.allowed) allowed++;
  canITimes.push(ms);
  bareTimes.push(time(() => index.canI(query, { explain: false }))[1]);
}
for (let i = 0; i < 50; i++) index.whoCan(randomRequest());
const whoTimes: number[] = [];
let subjects = 0;
for (let i = 0; i < 500; i++) {
  const request = randomRequest();
  const [result, ms] = time(() => index.whoCan(request));
  subjects += result.entries.length;
  whoTimes.push(ms);
}
const worst = ([
  [{ verb: 'get', apiGroup: '', resource: 'pods' }, { allNamespaces: true }],
  [{ verb: 'list', apiGroup: '', resource: 'secrets' }, { allNamespaces: true }],
  [{ verb: 'get', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }, { allNamespaces: true }],
] as const).map(([request, options]) => {
  const runs = Array.from({ length: 20 }, () => time(() => index.whoCan(request, options)));
  return { request: `${request.verb} ${request.resource}${'subresource' in request ? `/${request.subresource}` : ''} -A`, subjects: runs[0]![0].entries.length, ms: stats(runs.map((r) => r[1])).p50 };
});

const rss = process.resourceUsage().maxRSS / 1024;
const row = (what: string, value: string, target: string, ok: boolean): string => `${what.padEnd(44)} ${value.padStart(12)}   target ${target.padEnd(9)} ${ok ? 'OK' : 'MISSED'}`;
const c = stats(canITimes);
const w = stats(whoTimes);
console.log(`kubeward rbac bench — node ${process.version}; ${index.stats.roles + index.stats.clusterRoles} roles (${index.stats.aggregatedClusterRoles} aggregated ClusterRoles), ${index.stats.bindings + index.stats.clusterRoleBindings} bindings, ${(text.length / 1e6).toFixed(1)} MB of YAML`);
console.log(`${'(generate YAML; parse + normalize)'.padEnd(44)} ${`${genMs.toFixed(0)} ms; ${parseMs.toFixed(0)} ms`.padStart(12)}`);
console.log(row('index build', `${buildMs.toFixed(0)} ms`, '< 1000 ms', buildMs < 1000));
console.log(row('can-i per query (mean of 20,000)', `${(c.mean * 1000).toFixed(1)} µs`, '< 1 ms', c.mean < 1));
console.log(`${'  p50 / p99 / max'.padEnd(44)} ${`${(c.p50 * 1000).toFixed(0)} / ${(c.p99 * 1000).toFixed(0)} / ${(c.max * 1000).toFixed(0)} µs`.padStart(12)}   (${allowed} of 20,000 allowed)`);
const b = stats(bareTimes);
console.log(row('can-i, explain: false (mean of 20,000)', `${(b.mean * 1000).toFixed(1)} µs`, '< 1 ms', b.mean < 1));
console.log(`${'  p50 / p99 / max'.padEnd(44)} ${`${(b.p50 * 1000).toFixed(0)} / ${(b.p99 * 1000).toFixed(0)} / ${(b.max * 1000).toFixed(0)} µs`.padStart(12)}`);
console.log(row('who-can per query (mean of 500)', `${w.mean.toFixed(2)} ms`, '< 20 ms', w.mean < 20));
console.log(`${'  p50 / p99 / max'.padEnd(44)} ${`${w.p50.toFixed(2)} / ${w.p99.toFixed(2)} / ${w.max.toFixed(2)} ms`.padStart(12)}   (${(subjects / 500).toFixed(0)} subjects per answer on average)`);
for (const x of worst) console.log(row(`who-can ${x.request} (${x.subjects} subjects)`, `${x.ms.toFixed(2)} ms`, '< 20 ms', x.ms < 20));
console.log(row('peak RSS', `${rss.toFixed(0)} MB`, '—', true));
