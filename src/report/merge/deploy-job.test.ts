import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getPath, parseManifests } from '../../inventory/index.js';

// deploy/node-scan-job.yaml is a template the README documents; without a cluster to `apply
// --dry-run` against, the promises of deploy/README.md are checked on the parsed objects.

const FILE = fileURLToPath(new URL('../../../deploy/node-scan-job.yaml', import.meta.url));
const README = fileURLToPath(new URL('../../../deploy/README.md', import.meta.url));
const template = readFileSync(FILE, 'utf8');

/** The template as the README's loop instantiates it. */
function instantiate(node: string): Record<string, unknown>[] {
  const text = template.replaceAll('NODE_NAME', node).replaceAll('KUBEWARD_IMAGE', 'registry.example.com/kubeward:1.0.0');
  const parsed = parseManifests(text, 'node-scan-job.yaml', 'file');
  assert.deepEqual(parsed.errors, []);
  return parsed.objects.map((o) => o.raw);
}

const get = (o: unknown, path: string): unknown => getPath(o, path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)));

test('the template holds the Namespace, ServiceAccount and one Job for the node', () => {
  const objects = instantiate('worker-1');
  assert.deepEqual(objects.map((o) => `${o.kind}/${get(o, 'metadata.name')}`), ['Namespace/kubeward', 'ServiceAccount/kubeward-node', 'Job/kubeward-node-worker-1']);
  assert.equal((get(objects[0], 'metadata.labels') as Record<string, string>)['pod-security.kubernetes.io/enforce'], 'privileged');
  assert.equal(get(objects[1], 'automountServiceAccountToken'), false);
  assert.ok(!template.replaceAll('NODE_NAME', 'x').includes('NODE_NAME'));
});

test('the Job: pinned to the node, host PID, no host network, no token, cleaned up', () => {
  const job = instantiate('cp-1.example.internal')[2]!;
  const pod = get(job, 'spec.template.spec') as Record<string, unknown>;
  assert.equal(pod.nodeName, 'cp-1.example.internal');
  assert.equal(pod.hostPID, true);
  assert.notEqual(pod.hostNetwork, true);
  assert.notEqual(pod.hostIPC, true);
  assert.equal(pod.automountServiceAccountToken, false);
  assert.equal(pod.serviceAccountName, 'kubeward-node');
  assert.equal(pod.restartPolicy, 'Never');
  assert.equal(typeof get(job, 'spec.ttlSecondsAfterFinished'), 'number');
  assert.deepEqual(pod.tolerations, [
    { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' },
    { operator: 'Exists' },
  ]);
});

test('the container: root without privilege, one read capability, read-only root fs, report on stdout', () => {
  const pod = get(instantiate('worker-1')[2], 'spec.template.spec') as Record<string, unknown>;
  assert.equal(get(pod, 'securityContext.runAsUser'), 0);
  assert.equal(get(pod, 'securityContext.seccompProfile.type'), 'RuntimeDefault');
  const containers = pod.containers as Record<string, unknown>[];
  assert.equal(containers.length, 1);
  const c = containers[0]!;
  assert.deepEqual(c.command, ['kubeward', 'node', '--root', '/host', '--format', 'json']);
  assert.equal(c.image, 'registry.example.com/kubeward:1.0.0');
  assert.deepEqual(c.securityContext, {
    privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add: ['DAC_READ_SEARCH'] },
  });
});

test('host mounts: / at /host and /sys at /host/sys, all read-only, no propagation, nothing else from the host', () => {
  const pod = get(instantiate('worker-1')[2], 'spec.template.spec') as Record<string, unknown>;
  const volumes = pod.volumes as Record<string, unknown>[];
  assert.deepEqual(volumes, [{ name: 'host-root', hostPath: { path: '/', type: 'Directory' } }, { name: 'host-sys', hostPath: { path: '/sys', type: 'Directory' } }]);
  const mounts = get(pod, 'containers.0.volumeMounts') as Record<string, unknown>[];
  assert.deepEqual(mounts.map((m) => [m.name, m.mountPath, m.readOnly, m.mountPropagation, m.recursiveReadOnly]), [
    ['host-root', '/host', true, 'None', 'IfPossible'],
    ['host-sys', '/host/sys', true, 'None', 'IfPossible'],
  ]);
});

test('the README documents the loop, log collection and merge with the same names as the template', () => {
  const readme = readFileSync(README, 'utf8');
  assert.ok(readme.includes('sed -e "s|NODE_NAME|$node|g" -e "s|KUBEWARD_IMAGE|$IMAGE|g" deploy/node-scan-job.yaml | kubectl apply -f -'));
  assert.ok(readme.includes('kubectl -n kubeward logs "job/kubeward-node-$node" > "node-results/$node.json"'));
  assert.ok(readme.includes('kubeward report merge node-results/*.json'));
  assert.ok(readme.includes('DAC_READ_SEARCH'));
});
