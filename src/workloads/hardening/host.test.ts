import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { canonicalHostPath, runtimeSocket, runtimeSocketExposure, sensitiveExposure, sensitiveHostPath, writableHostPath } from './host.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

/** A Deployment whose pod mounts one hostPath volume into `app`. */
function deployment(hostPath: string, mount: string = '          - {name: host, mountPath: /host}'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          volumeMounts:
${mount}
      volumes:
        - name: host
          hostPath: {path: "${hostPath}"}
`;
}

test('host paths are compared normalized, with /var/run read as /run', () => {
  assert.equal(canonicalHostPath('/var/run/'), '/run');
  assert.equal(canonicalHostPath('//var//run/docker.sock'), '/run/docker.sock');
  assert.equal(canonicalHostPath('/var/lib/../lib/./kubelet/'), '/var/lib/kubelet');
  assert.equal(canonicalHostPath('/'), '/');
});

test('runtime sockets: the socket itself, a parent directory, any *.sock of a runtime, but not an unrelated path', () => {
  assert.equal(runtimeSocketExposure('/var/run/docker.sock')?.kind, 'socket');
  assert.equal(runtimeSocketExposure('/run/docker.sock')?.kind, 'socket');
  assert.deepEqual(runtimeSocketExposure('/run/containerd/containerd.sock')?.runtimes, ['containerd']);
  assert.deepEqual(runtimeSocketExposure('/var/run/crio/crio.sock')?.runtimes, ['CRI-O']);
  assert.equal(runtimeSocketExposure('/custom/place/docker.sock')?.kind, 'socket');
  const parent = runtimeSocketExposure('/var/run/');
  assert.equal(parent?.kind, 'parent');
  assert.ok(parent!.runtimes.includes('Docker') && parent!.runtimes.includes('containerd') && parent!.runtimes.includes('CRI-O'));
  assert.equal(runtimeSocketExposure('/run/containerd')?.kind, 'parent');
  assert.equal(runtimeSocketExposure('/var/lib/app'), undefined);
  assert.equal(runtimeSocketExposure('/run/xtables.lock'), undefined);
});

test('KW-WL-027 reports the docker socket in a Deployment, with the volume\'s hostPath.path as evidence', () => {
  const findings = scan(deployment('/var/run/docker.sock'), runtimeSocket);
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.equal(finding!.checkId, 'KW-WL-027');
  assert.equal(finding!.severity, 'critical');
  assert.equal(finding!.container, 'app');
  assert.equal(finding!.evidence[0]!.path, 'spec.template.spec.volumes[0].hostPath.path');
  assert.equal(finding!.evidence[0]!.value, '/var/run/docker.sock');
  assert.match(finding!.message, /container `app` mounts host path \/var\/run\/docker\.sock at \/host, the Docker socket/);
  // the position points into the file, at the volume's path line
  assert.equal(finding!.evidence[0]!.position?.line, 14);
});

test('KW-WL-027 also fires for the socket\'s parent directories and for subPath mounts of one', () => {
  for (const path of ['/var/run', '/run/', '/var/run/containerd', '/run/crio']) {
    assert.equal(scan(deployment(path), runtimeSocket).length, 1, path);
  }
  const subPath = scan(deployment('/var/run', '          - {name: host, mountPath: /sock, subPath: docker.sock}'), runtimeSocket);
  assert.equal(subPath.length, 1);
  assert.match(subPath[0]!.message, /mounts host path \/var\/run\/docker\.sock \(volume `host` \/var\/run, subPath docker\.sock\)/);
  assert.equal(scan(deployment('/var/lib/app-data'), runtimeSocket).length, 0);
  assert.equal(scan(deployment('/run/xtables.lock'), runtimeSocket).length, 0);
});

test('KW-WL-027 looks at init and ephemeral containers, and at hostPath volumes no container mounts', () => {
  const yaml = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - name: setup
      image: docker:27
      volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
  containers:
    - {name: app, image: app:1}
  ephemeralContainers:
    - name: debug
      image: busybox:1
      volumeMounts: [{name: sock, mountPath: /s}]
  volumes:
    - name: sock
      hostPath: {path: /var/run/docker.sock, type: Socket}
    - name: spare
      hostPath: {path: /run/containerd/containerd.sock}
`;
  const findings = scan(yaml, runtimeSocket);
  assert.deepEqual(findings.map((f) => f.container ?? '(pod)').sort(), ['(pod)', 'debug', 'setup']);
  const spare = findings.find((f) => f.container === undefined)!;
  assert.equal(spare.evidence[0]!.path, 'spec.volumes[1].hostPath.path');
  assert.match(spare.message, /no container mounts it/);
});

test('sensitive host paths: exact, parent, subtree — and what stays quiet', () => {
  assert.equal(sensitiveExposure('/etc/')?.kind, 'exact');
  assert.equal(sensitiveExposure('/')?.kind, 'exact');
  assert.equal(sensitiveExposure('/var')?.kind, 'parent');
  assert.equal(sensitiveExposure('/var/lib/kubelet/pods')?.kind, 'under');
  assert.equal(sensitiveExposure('/etc/kubernetes/pki')?.kind, 'under');
  assert.equal(sensitiveExposure('/var/./lib/../lib/etcd')?.kind, 'exact');
  assert.equal(sensitiveExposure('/proc/1/ns')?.kind, 'under');
  assert.equal(sensitiveExposure('/etc/ssl/certs'), undefined, 'CA bundles under /etc are not sensitive');
  assert.equal(sensitiveExposure('/usr/share/zoneinfo'), undefined);
  assert.equal(sensitiveExposure('/lib/modules'), undefined);
  assert.equal(sensitiveExposure('/data/app'), undefined);
});

test('KW-WL-028 reports sensitive mounts in a CronJob template and names what they hold', () => {
  const cron = (path: string) => `apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: ops}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: backup:1
              volumeMounts: [{name: h, mountPath: /h, readOnly: true}]
          volumes:
            - name: h
              hostPath: {path: "${path}"}
`;
  const etc = scan(cron('/etc/'), sensitiveHostPath);
  assert.equal(etc.length, 1);
  assert.equal(etc[0]!.evidence[0]!.path, 'spec.jobTemplate.spec.template.spec.volumes[0].hostPath.path');
  assert.match(etc[0]!.message, /mounts host path \/etc\/ at \/h: the node's configuration/);
  const parent = scan(cron('/var'), sensitiveHostPath);
  assert.match(parent[0]!.message, /which contains .*\/var\/lib\/kubelet/);
  assert.equal(scan(cron('/etc/ssl/certs'), sensitiveHostPath).length, 0);
  assert.equal(scan(cron('/srv/data'), sensitiveHostPath).length, 0);
});

test('KW-WL-028 judges the path a subPath mount really sees', () => {
  const narrowed = deployment('/', '          - {name: host, mountPath: /certs, subPath: etc/ssl/certs}');
  assert.equal(scan(narrowed, sensitiveHostPath).length, 0, 'subPath narrows / to /etc/ssl/certs');
  const widened = deployment('/var/lib', '          - {name: host, mountPath: /k, subPath: kubelet}');
  assert.equal(scan(widened, sensitiveHostPath).length, 1);
});

test('KW-WL-029 reports hostPath mounts without readOnly: true, per container', () => {
  const yaml = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ops}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: init:1
          volumeMounts: [{name: data, mountPath: /data}]
      containers:
        - name: ro
          image: app:1
          volumeMounts: [{name: data, mountPath: /data, readOnly: true}]
        - name: rw
          image: app:1
          volumeMounts:
            - {name: scratch, mountPath: /tmp}
            - {name: data, mountPath: /data, readOnly: false}
      volumes:
        - {name: scratch, emptyDir: {}}
        - name: data
          hostPath: {path: /srv/agent}
`;
  const findings = scan(yaml, writableHostPath);
  assert.deepEqual(findings.map((f) => f.container).sort(), ['init', 'rw']);
  const rw = findings.find((f) => f.container === 'rw')!;
  assert.equal(rw.evidence[0]!.path, 'spec.template.spec.containers[1].volumeMounts[1].readOnly');
  assert.equal(rw.evidence[0]!.value, false);
  const init = findings.find((f) => f.container === 'init')!;
  assert.equal(init.evidence[0]!.path, 'spec.template.spec.initContainers[0].volumeMounts[0].readOnly');
  assert.equal(init.evidence[0]!.value, undefined);
  assert.match(init.message, /init container `init` mounts host path \/srv\/agent at \/data writable/);
});

test('KW-WL-029 is quiet for emptyDir and read-only host mounts', () => {
  assert.equal(scan(deployment('/srv/x', '          - {name: host, mountPath: /x, readOnly: true}'), writableHostPath).length, 0);
  const emptyDir = deployment('/srv/x').replace('hostPath: {path: "/srv/x"}', 'emptyDir: {}');
  assert.equal(scan(emptyDir, writableHostPath).length, 0);
});
