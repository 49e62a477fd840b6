/**
 * `node --import tsx bench/rbac-analysis.ts`: the risky-grant checks (KW-RBAC-*) and the escalation
 * graph on a generated cluster of 2,000 roles (1,600 Roles in 200 namespaces, 400 ClusterRoles of
 * which 3 aggregate 30 others) and 10,000 bindings (8,500 RoleBindings, 1,500 ClusterRoleBindings;
 * a few to cluster-admin, edit and admin), 1–3 subjects each (3,000 users, 100 groups, 20
 * ServiceAccounts per namespace), with 2,000 ServiceAccount objects, 600 Deployments and 200 legacy
 * token Secrets to attribute grants and chains to. Roles mix ordinary rules with the risky ones
 * the checks look for (secrets, pods, exec, bind, escalate, impersonate, tokens, nodes/proxy…).
 *
 * Measures, on the parsed inventory: the full analysis (index build, every KW-RBAC check with
 * evidence and workload attribution, the escalation graph, and every subject's shortest chain to
 * cluster-admin): target < 2 s; and the process's peak RSS: target < 300 MB. `BENCH_DUMP=FILE`
 * writes the generated YAML. Figures are printed, never asserted.
 */
import { Inventory, normalize, parseManifests } from '../src/inventory/index.js';
import { analyzeRiskyGrants } from '../src/rbac/risky/index.js';
import { analyzeEscalations } from '../src/rbac/escalation/index.js';
import { random, pick, some } from './random.js';

const NAMESPACES = 200;
const ROLES_PER_NAMESPACE = 8;
const CLUSTER_ROLES = 400;
const ROLE_BINDINGS = 8500;
const CLUSTER_ROLE_BINDINGS = 1500;
const ACCOUNTS_PER_NAMESPACE = 20;
/** ServiceAccount objects per namespace (bindings name 20; the others exist only as subjects). */
const ACCOUNT_OBJECTS_PER_NAMESPACE = 10;
const DEPLOYMENTS_PER_NAMESPACE = 3;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);


const RESOURCES: [string, string][] = [
  ['', 'pods'], ['', 'pods/log'], ['', 'configmaps'], ['', 'services'], ['', 'serviceaccounts'], ['', 'persistentvolumeclaims'], ['', 'events'],
  ['apps', 'deployments'], ['apps', 'deployments/scale'], ['apps', 'statefulsets'], ['batch', 'jobs'], ['batch', 'cronjobs'],
  ['networking.k8s.io', 'ingresses'], ['networking.k8s.io', 'networkpolicies'], ['coordination.k8s.io', 'leases'], ['example.com', 'widgets'],
];
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete'];
/** Rules the checks look for, one in ten rules. */
const RISKY = [
  '{apiGroups: [""], resources: [secrets], verbs: [get, list]}',
  '{apiGroups: [""], resources: [secrets], resourceNames: [obj-1], verbs: [get]}',
  '{apiGroups: [""], resources: [pods], verbs: [create]}',
  '{apiGroups: [""], resources: [pods/exec], verbs: [create]}',
  '{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}',
  '{apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate]}',
  '{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create, get, patch]}',
  '{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind, escalate, update]}',
  '{apiGroups: [""], resources: [configmaps], verbs: ["*"]}',
  '{apiGroups: [""], resources: [pods/status, services/status], verbs: [patch]}',
];
const CLUSTER_RISKY = [
  '{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}',
  '{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}',
  '{apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}',
  '{apiGroups: [""], resources: [users], resourceNames: [user-7], verbs: [impersonate]}',
  '{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [create]}',
  '{apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [patch]}',
  '{apiGroups: [""], resources: [persistentvolumes], verbs: [create]}',
  '{apiGroups: [""], resources: [nodes, nodes/status], verbs: [patch]}',
];
const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `team-${i}`);

function rules(clusterScoped: boolean): string {
  const out: string[] = [];
  for (let i = 0, n = 3 + Math.floor(random() * 6); i < n; i++) {
    const roll = random();
    if (roll < 0.1) out.push(`  - ${pick(clusterScoped && random() < 0.5 ? CLUSTER_RISKY : RISKY)}`);
    else {
      const [group] = pick(RESOURCES);
      const resources = some(RESOURCES.filter(([g]) => g === group).map(([, r]) => r), 4);
      out.push(`  - {apiGroups: ["${group}"], resources: [${resources.join(', ')}], verbs: [${some(random() < 0.7 ? READ : WRITE, 3).join(', ')}]}`);
    }
  }
  return out.join('\n');
}

function subject(namespace: string | undefined): string {
  const roll = random();
  if (roll < 0.45) return `{kind: User, name: user-${Math.floor(random() * 3000)}}`;
  if (roll < 0.65) return `{kind: Group, name: group-${Math.floor(random() * 100)}}`;
  const ns = namespace && random() < 0.8 ? undefined : pick(namespaces);
  return `{kind: ServiceAccount, name: sa-${Math.floor(random() * ACCOUNTS_PER_NAMESPACE)}${ns ? `, namespace: ${ns}` : ''}}`;
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
    for (let i = 0; i < ACCOUNT_OBJECTS_PER_NAMESPACE; i++) docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-${i}, namespace: ${ns}}`);
    for (let i = 0; i < DEPLOYMENTS_PER_NAMESPACE; i++) {
      docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-${i}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: app-${i}}}\n  template:\n    metadata: {labels: {app: app-${i}}}\n    spec:\n      serviceAccountName: sa-${Math.floor(random() * ACCOUNTS_PER_NAMESPACE)}\n      containers: [{name: app, image: "registry.example.com/app:1.${i}.0"}]`);
    }
    docs.push(`apiVersion: v1\nkind: Secret\ntype: kubernetes.io/service-account-token\nmetadata: {name: sa-0-token, namespace: ${ns}, annotations: {kubernetes.io/service-account.name: sa-0}}`);
  }
  docs.push(`${rbac}\nkind: ClusterRole\nmetadata: {name: discovery}\nrules:\n  - {nonResourceURLs: [/api, /api/*, /apis, /apis/*, /healthz, /version], verbs: [get]}`);
  docs.push(`${rbac}\nkind: ClusterRoleBinding\nmetadata: {name: discovery}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: discovery}\nsubjects: [{kind: Group, name: system:authenticated}]`);
  // cluster-admin, edit and admin are the built-in ClusterRoles: not defined here, added by the analysis
  const clusterRoleNames = ['admin', 'edit', 'view', ...Array.from({ length: CLUSTER_ROLES - 4 }, (_, i) => `cluster-role-${i}`)];
  for (let i = 0; i < ROLE_BINDINGS; i++) {
    const ns = pick(namespaces);
    const roll = random();
    const ref = roll < 0.6 ? `{apiGroup: rbac.authorization.k8s.io, kind: Role, name: role-${Math.floor(random() * ROLES_PER_NAMESPACE)}}`
      : roll < 0.61 ? '{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}'
        : `{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${pick(clusterRoleNames)}}`;
    docs.push(`${rbac}\nkind: RoleBinding\nmetadata: {name: binding-${i}, namespace: ${ns}}\nroleRef: ${ref}\nsubjects: [${some([0, 1, 2], 3).map(() => subject(ns)).join(', ')}]`);
  }
  for (let i = 0; i < CLUSTER_ROLE_BINDINGS - 1; i++) {
    const role = random() < 0.01 ? 'cluster-admin' : pick(clusterRoleNames);
    docs.push(`${rbac}\nkind: ClusterRoleBinding\nmetadata: {name: cluster-binding-${i}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${role}}\nsubjects: [${some([0, 1, 2], 3).map(() => subject(undefined)).join(', ')}]`);
  }
  return `${docs.join('\n---\n')}\n`;
}

function time<T>(fn: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

const baseRss = process.memoryUsage().rss / 1048576;
const [text, genMs] = time(generate);
if (process.env.BENCH_DUMP) (await import('node:fs')).writeFileSync(process.env.BENCH_DUMP, text);
const parse = (): Inventory => new Inventory(parseManifests(text, 'bench.yaml', 'file').objects.map((o, i) => normalize(o, String(i))));
const [first, parseMs] = time(parse);
const parsedRss = process.memoryUsage().rss / 1048576;

interface Run { total: number; risky: number; graph: number; reach: number; findings: number; attributed: number; chains: number; nodes: number; edges: number }
function analyze(inventory: Inventory): Run {
  // the risky-grant analysis builds the index (with the built-in roles the bindings reference); the escalation graph reuses it
  const [risky, riskyMs] = time(() => analyzeRiskyGrants(inventory));
  const [escalations, graphMs] = time(() => analyzeEscalations(inventory));
  const [chains, reachMs] = time(() => escalations.reaching());
  const attributed = risky.findings.filter((f) => !['User', 'Group', 'ServiceAccount'].includes(f.resource.kind)).length;
  return {
    total: riskyMs + graphMs + reachMs, risky: riskyMs, graph: graphMs, reach: reachMs,
    findings: risky.findings.length, attributed, chains: chains.length, nodes: escalations.graph.nodes.size, edges: escalations.graph.edges.length,
  };
}

// peak RSS is read after the first run: parse plus one full analysis (later runs only time fresh inventories)
const runs = [analyze(first)];
const rss = process.resourceUsage().maxRSS / 1024;
for (let i = 1; i < RUNS; i++) runs.push(analyze(parse()));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = (k: keyof Run): number => median(runs.map((r) => r[k]));
const best = Math.min(...runs.map((r) => r.total));
const row = (what: string, value: string, target: string, ok: boolean): string => `${what.padEnd(46)} ${value.padStart(12)}   target ${target.padEnd(9)} ${ok ? 'OK' : 'MISSED'}`;
const r = runs[0]!;
console.log(`kubeward rbac analysis bench — node ${process.version}; ${first.objects.length} objects (${(text.length / 1e6).toFixed(1)} MB of YAML), ${RUNS} runs (median)`);
console.log(`${'(generate YAML; parse + normalize)'.padEnd(46)} ${`${genMs.toFixed(0)} ms; ${parseMs.toFixed(0)} ms`.padStart(12)}`);
console.log(row('full analysis (index + KW-RBAC + escalations)', `${m('total').toFixed(0)} ms`, '< 2000 ms', m('total') < 2000));
console.log(`${'  first run (cold); best run'.padEnd(46)} ${`${r.total.toFixed(0)} ms; ${best.toFixed(0)} ms`.padStart(12)}`);
console.log(`${'  risky grants (index, 35 checks, evidence)'.padEnd(46)} ${`${m('risky').toFixed(0)} ms`.padStart(12)}   ${r.findings} findings (${r.attributed} on workloads)`);
console.log(`${'  escalation graph'.padEnd(46)} ${`${m('graph').toFixed(0)} ms`.padStart(12)}   ${r.nodes} nodes, ${r.edges} edges`);
console.log(`${'  every subject → cluster-admin'.padEnd(46)} ${`${m('reach').toFixed(0)} ms`.padStart(12)}   ${r.chains} subjects reach it`);
console.log(row('peak RSS (parse + one analysis)', `${rss.toFixed(0)} MB`, '< 300 MB', rss < 300));
console.log(`${'  RSS after parsing, before the analysis'.padEnd(46)} ${`${parsedRss.toFixed(0)} MB`.padStart(12)}   (node (+ tsx when run from source) alone: ${baseRss.toFixed(0)} MB)`);
