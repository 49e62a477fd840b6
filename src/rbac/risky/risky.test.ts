// The KW-RBAC checks on test/fixtures/rbac-risky: one firing grant and near misses per check,
// the bootstrap policy, built-in roles, attribution to workloads, scopes and evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from '../../core/finding.js';
import { Inventory, loadInventory, normalize, parseManifests } from '../../inventory/index.js';
import { buildRbacIndex } from '../index.js';
import { alternatives, analysisContext, analyzeRiskyGrants, RISKY_CHECKS, riskyGrantMetas, type RiskyGrantsResult } from './index.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/rbac-risky', import.meta.url));
const fixture = (...names: string[]): string[] => names.map((n) => path.join(fixtures, n));

async function analyze(files: string[], options: Parameters<typeof analyzeRiskyGrants>[2] = {}): Promise<RiskyGrantsResult> {
  const loaded = await loadInventory(files);
  assert.deepEqual(loaded.errors, []);
  return analyzeRiskyGrants(loaded.inventory, undefined, options);
}

const main = await analyze(fixture('risky.yaml', 'workloads.yaml', 'bootstrap.yaml', 'tampered.yaml'));

/** `KIND NS/NAME` of every finding of a check (subjects and workloads alike). */
function who(result: RiskyGrantsResult, id: string): string[] {
  return result.findings.filter((f) => f.checkId === id).map((f) => `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}`).sort();
}

function findingOf(result: RiskyGrantsResult, id: string, resource: string): Finding {
  const f = result.findings.find((x) => x.checkId === id && `${x.resource.kind} ${x.resource.namespace ? `${x.resource.namespace}/` : ''}${x.resource.name}` === resource);
  assert.ok(f, `${id} on ${resource}: not found among ${who(result, id).join(', ')}`);
  return f;
}

/** The checks reported for one resource. */
function checksOf(result: RiskyGrantsResult, resource: string): string[] {
  return result.findings.filter((f) => `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}` === resource).map((f) => f.checkId).sort();
}

test('the catalogue: 35 checks, KW-RBAC-001…035, category access, described, with references and aliases', () => {
  const metas = riskyGrantMetas();
  assert.equal(metas.length, 35);
  assert.deepEqual(metas.map((m) => m.id), Array.from({ length: 35 }, (_, i) => `KW-RBAC-${String(i + 1).padStart(3, '0')}`));
  for (const m of metas) {
    assert.equal(m.category, 'access');
    assert.ok(m.description.length > 40 && m.rationale.length > 40 && m.remediation.length > 20, m.id);
    assert.ok(m.references.length > 0 && m.references.every((r) => r.startsWith('https://')), m.id);
  }
  const byId = new Map(metas.map((m) => [m.id, m]));
  assert.deepEqual(byId.get('KW-RBAC-001')!.aliases.filter((a) => a.framework === 'CIS').map((a) => a.id), ['5.1.1']);
  assert.ok(byId.get('KW-RBAC-007')!.aliases.some((a) => a.framework === 'KSV' && a.id === 'KSV-0041'));
  assert.match(byId.get('KW-RBAC-025')!.description, /rbac-police `approve_csrs`/, 'tools without a framework are named in the description');
  for (const cis of ['5.1.1', '5.1.2', '5.1.3', '5.1.4', '5.1.5', '5.1.8', '5.1.9', '5.1.10', '5.1.11', '5.1.12', '5.1.13']) {
    assert.ok(metas.some((m) => m.aliases.some((a) => a.framework === 'CIS' && a.id === cis)), `CIS ${cis} is covered`);
  }
});

test('every request of the catalogue names a resource the evaluator knows (no guessed group)', () => {
  const ctx = analysisContext(new Inventory([]));
  for (const check of RISKY_CHECKS) {
    if (check.match.type !== 'permission') continue;
    for (const pattern of check.match.patterns) {
      for (const requirement of pattern.allOf) {
        for (const set of requirement.anyOf) {
          for (const resource of set.resources.filter((r) => r !== '@any')) {
            const { warnings } = ctx.index.request({ verb: set.verbs[0]!, resource });
            assert.deepEqual(warnings, [], `${check.meta.id} ${resource}`);
          }
          assert.ok(alternatives(ctx, set).length > 0);
        }
      }
    }
  }
});

test('each check fires on the subject its fixture grants it to', () => {
  const expected: Record<string, string[]> = {
    'KW-RBAC-001': ['ServiceAccount kube-system/evil', 'ServiceAccount kube-system/job-controller', 'User ks-admin', 'User root-alice', 'User system:kube-scheduler'],
    'KW-RBAC-002': ['User shop-owner'],
    'KW-RBAC-004': ['Group system:unauthenticated'],
    'KW-RBAC-005': ['Group system:authenticated'],
    'KW-RBAC-006': ['Deployment shop/legacy', 'ServiceAccount shop/default'],
    'KW-RBAC-007': ['Deployment monitoring/collector', 'ServiceAccount monitoring/collector', 'User core-admin', 'User ks-secrets'],
    'KW-RBAC-008': ['User shop-secrets'],
    'KW-RBAC-009': ['User core-admin', 'User secret-writer'],
    'KW-RBAC-010': ['User core-admin', 'User token-minter'],
    'KW-RBAC-011': ['User dev-token'],
    'KW-RBAC-012': ['User core-admin', 'User ks-deployer'],
    'KW-RBAC-013': ['User shop-deployer'],
    'KW-RBAC-014': ['User core-admin', 'User pod-patcher'],
    'KW-RBAC-015': ['User dev-pod-patcher'],
    'KW-RBAC-016': ['User core-admin', 'User exec-all'],
    'KW-RBAC-017': ['User dev-attach'],
    'KW-RBAC-018': ['User core-admin', 'User debugger'],
    'KW-RBAC-019': ['Pod shop/ci-runner', 'ServiceAccount shop/ci', 'User binder', 'User ks-binder'],
    'KW-RBAC-020': ['User dev-binder'],
    'KW-RBAC-021': ['User escalator'],
    'KW-RBAC-022': ['User dev-escalator'],
    'KW-RBAC-023': ['User core-admin', 'User impersonator'],
    'KW-RBAC-024': ['User dev-impersonator'],
    'KW-RBAC-025': ['User csr-admin'],
    'KW-RBAC-026': ['User approver'],
    'KW-RBAC-027': ['User core-admin', 'User node-proxy'],
    'KW-RBAC-028': ['User webhook-admin'],
    'KW-RBAC-029': ['User aws-auth-editor', 'User core-admin'],
    'KW-RBAC-030': ['User core-admin', 'User pod-thief'],
    'KW-RBAC-031': ['User core-admin', 'User pv-maker'],
    'KW-RBAC-032': ['User core-admin', 'User svc-status'],
    'KW-RBAC-033': ['User core-admin', 'User pod-status'],
    'KW-RBAC-034': ['User core-admin', 'User node-status'],
    'KW-RBAC-035': ['User rb-editor'],
  };
  for (const [id, subjects] of Object.entries(expected)) assert.deepEqual(who(main, id), subjects, id);
  assert.deepEqual(who(main, 'KW-RBAC-003'), ['User core-admin', 'User wild-dev']);
});

test('near misses do not fire', () => {
  // get limited to named Secrets: neither the cluster-wide nor the namespace check
  assert.deepEqual(checksOf(main, 'User named-secret-reader'), []);
  // explicit verbs are not a wildcard; every core resource is not every group
  assert.deepEqual(checksOf(main, 'User explicit-dev'), []);
  assert.ok(!checksOf(main, 'User core-admin').includes('KW-RBAC-001'));
  // subresources are not their parent, and the parent does not cover them
  assert.deepEqual(checksOf(main, 'User scaler'), []);
  assert.deepEqual(checksOf(main, 'User log-reader'), []);
  // bind limited to view; escalate without a way to write roles; approval limited to kubelet serving
  assert.deepEqual(checksOf(main, 'User view-binder'), []);
  assert.deepEqual(checksOf(main, 'User escalate-only'), []);
  assert.deepEqual(checksOf(main, 'User kubelet-approver'), []);
  // a RoleBinding never grants a cluster-scoped resource
  assert.deepEqual(checksOf(main, 'User dev-node-proxy'), []);
  // ConfigMaps of another namespace; delete without moving nodes
  assert.deepEqual(checksOf(main, 'User shop-configmaps'), []);
  assert.deepEqual(checksOf(main, 'User pod-deleter'), []);
  // a token for one named account; reading webhooks; claims, a Service, reading bindings
  assert.deepEqual(checksOf(main, 'User one-token'), []);
  assert.deepEqual(checksOf(main, 'User webhook-reader'), []);
  assert.deepEqual(checksOf(main, 'User harmless'), []);
  // pods does not cover pods/ephemeralcontainers
  assert.ok(!checksOf(main, 'User pod-patcher').includes('KW-RBAC-018'));
});

test('a RoleBinding to a ClusterRole that is risky only cluster-wide is reported at namespace scope', () => {
  assert.deepEqual(checksOf(main, 'User shop-secrets'), ['KW-RBAC-008']);
  assert.deepEqual(checksOf(main, 'User shop-deployer'), ['KW-RBAC-013']);
  assert.deepEqual(checksOf(main, 'User ks-deployer'), ['KW-RBAC-012'], 'the same ClusterRole in kube-system is the privileged check');
  assert.match(findingOf(main, 'KW-RBAC-008', 'User shop-secrets').message, /in namespace shop: RoleBinding shop\/shop-secrets/);
  assert.match(findingOf(main, 'KW-RBAC-007', 'User ks-secrets').message, /in namespace kube-system/);
  assert.match(findingOf(main, 'KW-RBAC-007', 'ServiceAccount monitoring/collector').message, /cluster-wide: ClusterRoleBinding collector-secrets/);
});

test('full admin says it all: no other check repeats what cluster-admin already grants', () => {
  assert.deepEqual(checksOf(main, 'User root-alice'), ['KW-RBAC-001']);
  assert.deepEqual(checksOf(main, 'User ks-admin'), ['KW-RBAC-001']);
  assert.deepEqual(checksOf(main, 'User shop-owner'), ['KW-RBAC-002']);
});

test('the bootstrap policy is expected; look-alikes and added subjects are not', async () => {
  for (const subject of ['Group system:masters', 'User system:kube-scheduler', 'ServiceAccount kube-system/clusterrole-aggregation-controller', 'ServiceAccount kube-system/daemon-set-controller']) {
    assert.deepEqual(checksOf(main, subject).filter((id) => id !== 'KW-RBAC-001' || subject !== 'User system:kube-scheduler'), [], subject);
  }
  // the scheduler's own bootstrap grants (pods/status, delete pods) are not reported; the extra binding is
  assert.deepEqual(checksOf(main, 'User system:kube-scheduler'), ['KW-RBAC-001']);
  assert.match(findingOf(main, 'KW-RBAC-001', 'User system:kube-scheduler').message, /ClusterRoleBinding scheduler-extra/);
  // public-info-viewer to system:unauthenticated is bootstrap; the pod-lister binding is not
  assert.doesNotMatch(findingOf(main, 'KW-RBAC-004', 'Group system:unauthenticated').message, /public-info-viewer/);
  // named like a controller binding, without the label / with another roleRef
  assert.match(findingOf(main, 'KW-RBAC-001', 'ServiceAccount kube-system/evil').message, /ClusterRoleBinding system:controller:evil/);
  assert.match(findingOf(main, 'KW-RBAC-001', 'ServiceAccount kube-system/job-controller').message, /ClusterRoleBinding system:controller:job-controller/);

  const tampered = await analyze(fixture('tampered-admin/cluster-admin.yaml'));
  assert.deepEqual(who(tampered, 'KW-RBAC-001'), ['User mallory'], 'a subject added to the bootstrap cluster-admin binding');

  const all = await analyze(fixture('bootstrap.yaml'), { includeBootstrap: true });
  assert.ok(who(all, 'KW-RBAC-001').includes('Group system:masters'), 'includeBootstrap reports the bootstrap grants too');
  assert.ok(who(all, 'KW-RBAC-021').includes('ServiceAccount kube-system/clusterrole-aggregation-controller'));
});

test('built-in ClusterRoles the input lacks are added, and evidence says so', async () => {
  const alone = await analyze(fixture('risky.yaml'));
  const f = findingOf(alone, 'KW-RBAC-001', 'User root-alice');
  assert.equal(f.severity, 'critical');
  assert.equal(f.title, 'Full administrative access cluster-wide or in kube-system');
  assert.match(f.message, /^User root-alice can do anything .* cluster-wide: ClusterRoleBinding root-alice \(.*risky\.yaml:4\) → ClusterRole cluster-admin → rules\[0\]$/);
  const [binding, rule] = f.evidence;
  assert.equal(binding!.path, 'subjects[0]');
  assert.deepEqual(binding!.value, { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'root-alice' });
  assert.equal(path.basename(binding!.position!.file), 'risky.yaml');
  assert.equal(binding!.position!.line, 9);
  assert.equal(rule!.path, 'rules[0]');
  assert.equal(rule!.position, undefined, 'no position in the input for a built-in role');
  assert.match(rule!.detail!, /ClusterRole cluster-admin \(Kubernetes default, not in the input\) rules\[0\]/);
});

test('evidence: binding subject and role rule, with positions in the files', () => {
  const f = findingOf(main, 'KW-RBAC-029', 'User aws-auth-editor');
  // a User has no object: the resource is the subject, placed at the binding that grants it
  assert.deepEqual([f.resource.apiVersion, f.resource.kind, f.resource.name, path.basename(f.resource.source!.file), f.resource.source!.line], ['rbac.authorization.k8s.io/v1', 'User', 'aws-auth-editor', 'risky.yaml', 551]);
  assert.deepEqual(f.evidence.map((e) => [e.path, path.basename(e.position!.file), e.position!.line]), [['subjects[0]', 'risky.yaml', 556], ['rules[0]', 'risky.yaml', 548]]);
  assert.equal(f.evidence[0]!.detail, 'RoleBinding kube-system/aws-auth-editor binds User aws-auth-editor to Role kube-system/aws-auth-editor in namespace kube-system');
  assert.deepEqual(f.evidence[1]!.value, { apiGroups: [''], resources: ['configmaps'], resourceNames: ['aws-auth'], verbs: ['get', 'update'] });
  // a ServiceAccount subject is the ServiceAccount object when the input has it
  const sa = findingOf(main, 'KW-RBAC-007', 'ServiceAccount monitoring/collector');
  assert.equal(path.basename(sa.resource.source!.file), 'workloads.yaml');
});

test('a combination held partly through a group: create RoleBindings itself, bind through system:serviceaccounts:shop', () => {
  const f = findingOf(main, 'KW-RBAC-019', 'ServiceAccount shop/ci');
  assert.match(f.message, /in namespace kube-system: RoleBinding kube-system\/ci-rolebindings/);
  const details = f.evidence.map((e) => e.detail ?? '');
  assert.ok(details.some((d) => d.startsWith('RoleBinding kube-system/ci-rolebindings binds ServiceAccount shop/ci')));
  assert.ok(details.some((d) => d.startsWith('RoleBinding kube-system/shop-accounts-bind binds Group system:serviceaccounts:shop')));
  // the group alone holds only bind: not reported
  assert.ok(!who(main, 'KW-RBAC-019').includes('Group system:serviceaccounts:shop'));
});

test('bind is asked in the namespace of the binding: a RoleBinding delegates binding ClusterRoles there', () => {
  const ks = findingOf(main, 'KW-RBAC-019', 'User ks-binder');
  assert.match(ks.message, /in namespace kube-system/);
  assert.ok(ks.evidence.some((e) => /rules\[0\]: \{apiGroups: \[rbac\.authorization\.k8s\.io\], resources: \[clusterroles\], verbs: \[bind\]\}/.test(e.detail ?? '')));
  assert.match(findingOf(main, 'KW-RBAC-020', 'User dev-binder').message, /in namespace dev/);
});

test('findings are attributed to every workload that runs as the subject with a token', () => {
  const f = findingOf(main, 'KW-RBAC-007', 'Deployment monitoring/collector');
  assert.equal(f.message.split(', which ')[0], 'Deployment monitoring/collector runs as ServiceAccount monitoring/collector');
  assert.match(f.message, /which can read Secrets .* cluster-wide/);
  assert.equal(f.evidence[0]!.path, 'spec.template.spec.serviceAccountName');
  assert.equal(f.evidence[0]!.value, 'collector');
  assert.equal(path.basename(f.evidence[0]!.position!.file), 'workloads.yaml');
  assert.ok(f.evidence.slice(1).some((e) => e.detail?.startsWith('ClusterRoleBinding collector-secrets binds ServiceAccount monitoring/collector')));
  // the ReplicaSet is owned by the Deployment; the CronJob mounts no token
  assert.deepEqual(checksOf(main, 'ReplicaSet monitoring/collector-7d9f'), []);
  assert.deepEqual(checksOf(main, 'CronJob monitoring/report'), []);
  // runs as default (no serviceAccountName)
  assert.match(findingOf(main, 'KW-RBAC-006', 'Deployment shop/legacy').message, /^Deployment shop\/legacy runs as ServiceAccount shop\/default, which is bound to Role shop\/configmap-reader/);
  assert.deepEqual(checksOf(main, 'Pod shop/ci-runner'), ['KW-RBAC-019']);
  // anonymous and everyone grants are about who, not about a workload
  assert.ok(main.findings.filter((f) => f.checkId === 'KW-RBAC-005').every((f) => f.resource.kind === 'Group'));
});

test('privileged namespaces are configurable', async () => {
  const result = await analyze(fixture('risky.yaml'), { privilegedNamespaces: ['kube-system', 'shop'] });
  assert.deepEqual(checksOf(result, 'User shop-deployer'), ['KW-RBAC-012']);
  assert.deepEqual(checksOf(result, 'User shop-secrets'), ['KW-RBAC-007']);
  assert.deepEqual(checksOf(result, 'User shop-owner'), ['KW-RBAC-001']);
});

test('not evaluated: bindings to roles the input lacks, and an input without bindings', async () => {
  const inventory = new Inventory(parseManifests(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: to-nowhere, namespace: dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node}
subjects: [{kind: User, name: alice}]
`, 'nowhere.yaml', 'file').objects.map((o, i) => normalize(o, String(i))));
  const result = analyzeRiskyGrants(inventory);
  assert.deepEqual(result.findings, []);
  assert.equal(result.notEvaluated.length, 1);
  assert.equal(result.notEvaluated[0]!.target, 'RoleBinding dev/to-nowhere');
  assert.match(result.notEvaluated[0]!.reason, /ClusterRole system:node not found.*not evaluated/);

  const empty = analyzeRiskyGrants(new Inventory([]));
  assert.deepEqual(empty.findings, []);
  assert.deepEqual(empty.notEvaluated.map((n) => n.target), riskyGrantMetas().map((m) => m.id));
});

test('an index built by the caller is reused when no built-in role has to be added', async () => {
  const loaded = await loadInventory(fixture('bootstrap.yaml', 'tampered.yaml'));
  const index = buildRbacIndex(loaded.inventory);
  assert.equal(analysisContext(loaded.inventory, index).index, index);
  assert.deepEqual(who(analyzeRiskyGrants(loaded.inventory, index), 'KW-RBAC-001'), ['ServiceAccount kube-system/evil', 'ServiceAccount kube-system/job-controller', 'User system:kube-scheduler']);
});

test('findings are stable: sorted by check, then subject, and identical run to run', async () => {
  const again = await analyze(fixture('risky.yaml', 'workloads.yaml', 'bootstrap.yaml', 'tampered.yaml'));
  assert.deepEqual(again.findings.map((f) => [f.checkId, f.resource.kind, f.resource.name, f.message]), main.findings.map((f) => [f.checkId, f.resource.kind, f.resource.name, f.message]));
  const subjects = main.findings.filter((f) => ['User', 'Group', 'ServiceAccount'].includes(f.resource.kind));
  const ids = subjects.map((f) => f.checkId);
  assert.deepEqual(ids, [...ids].sort());
});
