import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, dedent } from '../../../test/support.js';
import type { Finding } from '../../core/finding.js';
import type { Check } from '../check.js';
import { PSS_BASELINE_CHECKS } from './baseline.js';

const yaml = dedent;

function scan(text: string, checks: readonly Check[] = PSS_BASELINE_CHECKS): Finding[] {
  return findingsOf(text, checks);
}

const check = (id: string): Check => PSS_BASELINE_CHECKS.find((c) => c.meta.id === id)!;
const run = (id: string, text: string): Finding[] => scan(yaml(text), [check(id)]);
const paths = (findings: Finding[]): string[] => findings.flatMap((f) => f.evidence.map((e) => e.path));

/** A bare Pod whose spec is `spec` (written at column 0 after dedent, indented here). */
function pod(spec: string, metadata = ''): string {
  const body = yaml(spec).split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n${metadata}spec:\n${body}\n`;
}

describe('PSS baseline checks', () => {
  it('defines KW-WL-001 … KW-WL-011 and KW-WL-018 in the standard\'s order, each with a PSS alias (and a KSV one where Trivy has it)', () => {
    const ids = ['001', '002', '003', '004', '005', '006', '018', '007', '008', '009', '010', '011'].map((n) => `KW-WL-${n}`);
    assert.deepEqual(PSS_BASELINE_CHECKS.map((c) => c.meta.id), ids);
    for (const { meta } of PSS_BASELINE_CHECKS) {
      assert.ok(meta.aliases.some((a) => a.framework === 'PSS' && a.id.startsWith('baseline/')), meta.id);
      if (meta.id !== 'KW-WL-018') assert.ok(meta.aliases.some((a) => a.framework === 'KSV'), meta.id);
      assert.equal(meta.category, 'workloads');
    }
    assert.equal(check('KW-WL-003').meta.severity, 'critical');
  });

  describe('KW-WL-001 HostProcess', () => {
    it('fails on pod-level and ephemeral-container hostProcess: true, even for a Windows pod', () => {
      const findings = scan(pod(`
        os: {name: windows}
        securityContext:
          windowsOptions: {hostProcess: true}
        containers:
        - name: app
          image: mcr.microsoft.com/windows/nanoserver
        ephemeralContainers:
        - name: debug
          image: busybox
          securityContext:
            windowsOptions: {hostProcess: true}
      `), [check('KW-WL-001')]);
      assert.deepEqual(paths(findings).sort(), ['spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess', 'spec.securityContext.windowsOptions.hostProcess']);
      assert.equal(findings.find((f) => f.container)?.container, 'debug');
    });
    it('passes on hostProcess: false', () => {
      assert.deepEqual(scan(pod(`
        securityContext: {windowsOptions: {hostProcess: false}}
        containers: [{name: app, image: x, securityContext: {windowsOptions: {hostProcess: false}}}]
      `), [check('KW-WL-001')]), []);
    });
  });

  describe('KW-WL-002 host namespaces', () => {
    it('reports every shared host namespace of a Deployment with its line', () => {
      const findings = run('KW-WL-002', `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              hostNetwork: true
              hostPID: true
              hostIPC: true
              containers: [{name: app, image: nginx}]
      `);
      assert.equal(findings.length, 1);
      assert.deepEqual(findings[0]!.evidence.map((e) => [e.path, e.position?.line]), [
        ['spec.template.spec.hostNetwork', 7], ['spec.template.spec.hostPID', 8], ['spec.template.spec.hostIPC', 9],
      ]);
    });
    it('passes when they are false or unset', () => {
      assert.deepEqual(scan(pod(`
        hostNetwork: false
        hostPID: false
        containers: [{name: app, image: nginx}]
      `), [check('KW-WL-002')]), []);
    });
  });

  describe('KW-WL-003 privileged', () => {
    it('fails on a privileged init container of a CronJob, with path and line', () => {
      const findings = run('KW-WL-003', `
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: backup}
        spec:
          schedule: "@daily"
          jobTemplate:
            spec:
              template:
                spec:
                  initContainers:
                  - name: setup
                    image: busybox
                    securityContext:
                      privileged: true
                  containers:
                  - name: app
                    image: busybox
                    securityContext: {privileged: false}
      `);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.container, 'setup');
      assert.equal(findings[0]!.message, 'init container `setup` sets privileged: true');
      assert.equal(findings[0]!.evidence[0]!.path, 'spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged');
      assert.equal(findings[0]!.evidence[0]!.position?.line, 14);
      assert.equal(findings[0]!.evidence[0]!.value, true);
    });

    it('applies to every workload kind through the pod template', () => {
      const container = '{name: app, image: x, securityContext: {privileged: true}}';
      const kinds: [string, string, string][] = [
        ['v1', 'Pod', `spec: {containers: [${container}]}`],
        ['apps/v1', 'Deployment', `spec: {template: {spec: {containers: [${container}]}}}`],
        ['apps/v1', 'StatefulSet', `spec: {template: {spec: {containers: [${container}]}}}`],
        ['apps/v1', 'DaemonSet', `spec: {template: {spec: {containers: [${container}]}}}`],
        ['apps/v1', 'ReplicaSet', `spec: {template: {spec: {containers: [${container}]}}}`],
        ['v1', 'ReplicationController', `spec: {template: {spec: {containers: [${container}]}}}`],
        ['batch/v1', 'Job', `spec: {template: {spec: {containers: [${container}]}}}`],
        ['batch/v1', 'CronJob', `spec: {jobTemplate: {spec: {template: {spec: {containers: [${container}]}}}}}`],
        ['v1', 'PodTemplate', `template: {spec: {containers: [${container}]}}`],
      ];
      const text = kinds.map(([apiVersion, kind, body]) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: w}\n${body}\n`).join('---\n');
      const findings = scan(text, [check('KW-WL-003')]);
      assert.deepEqual(findings.map((f) => f.resource.kind), kinds.map(([, kind]) => kind));
      assert.equal(findings.find((f) => f.resource.kind === 'PodTemplate')!.evidence[0]!.path, 'template.spec.containers[0].securityContext.privileged');
    });
  });

  describe('KW-WL-004 capabilities', () => {
    it('fails on capabilities outside the baseline list, compared as written', () => {
      const findings = scan(pod(`
        containers:
        - name: app
          image: x
          securityContext:
            capabilities:
              add: [CHOWN, NET_BIND_SERVICE, SYS_ADMIN, NET_RAW, CAP_KILL, chown]
        ephemeralContainers:
        - name: debug
          image: x
          securityContext: {capabilities: {add: [SYS_PTRACE]}}
      `), [check('KW-WL-004')]);
      const app = findings.find((f) => f.container === 'app')!;
      assert.deepEqual(app.evidence.map((e) => e.value), ['SYS_ADMIN', 'NET_RAW', 'CAP_KILL', 'chown']);
      assert.equal(app.evidence[0]!.path, 'spec.containers[0].securityContext.capabilities.add[2]');
      assert.deepEqual(findings.find((f) => f.container === 'debug')!.evidence.map((e) => e.value), ['SYS_PTRACE']);
    });
    it('passes on the whole allowed set and on drop-only lists', () => {
      assert.deepEqual(scan(pod(`
        containers:
        - name: app
          image: x
          securityContext:
            capabilities:
              add: [AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT]
              drop: [NET_RAW, SYS_ADMIN]
      `), [check('KW-WL-004')]), []);
    });
  });

  describe('KW-WL-005 hostPath volumes', () => {
    it('fails on a hostPath volume and passes on others', () => {
      const findings = scan(pod(`
        containers: [{name: app, image: x}]
        volumes:
        - name: cache
          emptyDir: {}
        - name: sock
          hostPath: {path: /var/run/containerd/containerd.sock}
      `), [check('KW-WL-005')]);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.evidence[0]!.path, 'spec.volumes[1].hostPath');
      assert.equal(findings[0]!.evidence[0]!.value, '/var/run/containerd/containerd.sock');
      assert.equal(findings[0]!.evidence[0]!.position?.line, 11);
    });
  });

  describe('KW-WL-006 host ports', () => {
    it('fails on non-zero host ports of containers and init containers only', () => {
      const findings = scan(pod(`
        initContainers:
        - name: init
          image: x
          ports: [{containerPort: 53, hostPort: 53, protocol: UDP}]
        containers:
        - name: app
          image: x
          ports:
          - containerPort: 80
          - containerPort: 443
            hostPort: 0
          - containerPort: 8080
            hostPort: 8080
      `), [check('KW-WL-006')]);
      const seen = findings.map((f) => [f.container, f.evidence[0]!.path, f.evidence[0]!.value]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(seen, [
        ['app', 'spec.containers[0].ports[2].hostPort', 8080],
        ['init', 'spec.initContainers[0].ports[0].hostPort', 53],
      ]);
    });
  });

  describe('KW-WL-018 host probes and lifecycle hooks', () => {
    it('fails on a host in any probe or hook, httpGet or tcpSocket, in any container list', () => {
      const findings = scan(pod(`
        initContainers:
        - name: init
          image: x
          lifecycle:
            postStart: {httpGet: {host: 169.254.169.254, path: /latest/meta-data, port: 80}}
        containers:
        - name: app
          image: x
          livenessProbe: {httpGet: {path: /healthz, port: 8080}}
          readinessProbe: {tcpSocket: {host: "10.0.0.1", port: 6443}}
          startupProbe: {httpGet: {host: "", port: 8080}}
          lifecycle:
            preStop: {tcpSocket: {host: kubernetes.default, port: 443}}
      `), [check('KW-WL-018')]);
      const seen = findings.flatMap((f) => f.evidence.map((e) => [f.container, e.path, e.value])).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
      assert.deepEqual(seen, [
        ['app', 'spec.containers[0].lifecycle.preStop.tcpSocket.host', 'kubernetes.default'],
        ['app', 'spec.containers[0].readinessProbe.tcpSocket.host', '10.0.0.1'],
        ['init', 'spec.initContainers[0].lifecycle.postStart.httpGet.host', '169.254.169.254'],
      ]);
    });
    it('passes probes without a host', () => {
      assert.deepEqual(scan(pod(`
        containers:
        - name: app
          image: x
          livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}
          lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}
      `), [check('KW-WL-018')]), []);
    });
  });

  describe('KW-WL-007 AppArmor', () => {
    it('fails on Unconfined at pod level and on a container overriding an allowed pod profile', () => {
      const findings = scan(pod(`
        securityContext: {appArmorProfile: {type: Unconfined}}
        containers:
        - name: a
          image: x
          securityContext: {appArmorProfile: {type: RuntimeDefault}}
        - name: b
          image: x
          securityContext: {appArmorProfile: {type: Unconfined}}
      `), [check('KW-WL-007')]);
      assert.deepEqual(paths(findings).sort(), ['spec.containers[1].securityContext.appArmorProfile.type', 'spec.securityContext.appArmorProfile.type']);
      const allowed = scan(pod(`
        securityContext: {appArmorProfile: {type: RuntimeDefault}}
        containers:
        - {name: a, image: x, securityContext: {appArmorProfile: {type: Localhost, localhostProfile: k8s-nginx}}}
      `), [check('KW-WL-007')]);
      assert.deepEqual(allowed, []);
    });
    it('checks the legacy annotations on the pod template metadata', () => {
      const findings = run('KW-WL-007', `
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          annotations:
            container.apparmor.security.beta.kubernetes.io/app: unconfined
        spec:
          template:
            metadata:
              annotations:
                container.apparmor.security.beta.kubernetes.io/app: unconfined
                container.apparmor.security.beta.kubernetes.io/sidecar: runtime/default
                container.apparmor.security.beta.kubernetes.io/init: localhost/custom
            spec:
              containers: [{name: app, image: x}, {name: sidecar, image: x}]
      `);
      assert.equal(findings.length, 1, 'only the pod template annotations count, not the Deployment\'s own');
      assert.equal(findings[0]!.container, 'app');
      assert.equal(findings[0]!.evidence[0]!.path, 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]');
      assert.equal(findings[0]!.evidence[0]!.position?.line, 11);
    });
  });

  describe('KW-WL-008 SELinux', () => {
    it('fails on a disallowed type and on any user or role', () => {
      const findings = scan(pod(`
        securityContext: {seLinuxOptions: {type: spc_t}}
        containers:
        - {name: a, image: x, securityContext: {seLinuxOptions: {user: system_u, role: system_r, type: container_t}}}
        initContainers:
        - {name: i, image: x, securityContext: {seLinuxOptions: {level: "s0:c123,c456"}}}
      `), [check('KW-WL-008')]);
      assert.deepEqual(paths(findings).sort(), [
        'spec.containers[0].securityContext.seLinuxOptions.role',
        'spec.containers[0].securityContext.seLinuxOptions.user',
        'spec.securityContext.seLinuxOptions.type',
      ]);
    });
    it('allows the container types, including container_engine_t, and an empty type', () => {
      const types = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', '""'];
      const containers = types.map((t, i) => `- {name: c${i}, image: x, securityContext: {seLinuxOptions: {type: ${t}, user: "", role: ""}}}`).join('\n');
      assert.deepEqual(scan(pod(`containers:\n${containers}`), [check('KW-WL-008')]), []);
    });
  });

  describe('KW-WL-009 /proc mount', () => {
    it('fails on Unmasked and passes on Default', () => {
      const findings = scan(pod(`
        containers:
        - {name: a, image: x, securityContext: {procMount: Unmasked}}
        - {name: b, image: x, securityContext: {procMount: Default}}
      `), [check('KW-WL-009')]);
      assert.deepEqual(findings.map((f) => [f.container, f.evidence[0]!.value]), [['a', 'Unmasked']]);
    });
  });

  describe('KW-WL-010 seccomp', () => {
    it('fails on a pod-level Unconfined even when every container overrides it', () => {
      const findings = scan(pod(`
        securityContext:
          seccompProfile: {type: Unconfined}
        containers:
        - {name: a, image: x, securityContext: {seccompProfile: {type: RuntimeDefault}}}
      `), [check('KW-WL-010')]);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]!.container, undefined);
      assert.equal(findings[0]!.evidence[0]!.path, 'spec.securityContext.seccompProfile.type');
    });
    it('fails on a container Unconfined under an allowed pod profile; passes on RuntimeDefault, Localhost or unset', () => {
      const findings = scan(pod(`
        securityContext: {seccompProfile: {type: RuntimeDefault}}
        containers:
        - {name: a, image: x, securityContext: {seccompProfile: {type: Unconfined}}}
        - {name: b, image: x, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}
        - {name: c, image: x}
      `), [check('KW-WL-010')]);
      assert.deepEqual(findings.map((f) => f.container), ['a']);
    });
    it('rejects a profile written without a type, as PSA does (type "" is neither RuntimeDefault nor Localhost)', () => {
      const findings = scan(pod(`
        containers: [{name: a, image: x, securityContext: {seccompProfile: {localhostProfile: p.json}}}]
      `), [check('KW-WL-010')]);
      assert.equal(findings[0]?.message, 'container `a` sets seccompProfile without a type');
    });
  });

  describe('KW-WL-011 sysctls', () => {
    it('allows the safe set, including the sysctls added in Kubernetes 1.27, 1.29 and 1.32', () => {
      const safe = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
        'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
        'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
      const list = safe.map((name) => `  - {name: ${name}, value: "1"}`).join('\n');
      assert.deepEqual(scan(pod(`securityContext:\n  sysctls:\n${list}\ncontainers: [{name: a, image: x}]`), [check('KW-WL-011')]), []);
    });
    it('fails on unsafe sysctls, one evidence each', () => {
      const findings = scan(pod(`
        securityContext:
          sysctls:
          - {name: net.ipv4.tcp_syncookies, value: "1"}
          - {name: kernel.msgmax, value: "65536"}
          - {name: net.ipv4.ip_forward, value: "1"}
        containers: [{name: a, image: x}]
      `), [check('KW-WL-011')]);
      assert.equal(findings.length, 1);
      assert.deepEqual(findings[0]!.evidence.map((e) => [e.path, e.value, e.position?.line]), [
        ['spec.securityContext.sysctls[1].name', 'kernel.msgmax', 9],
        ['spec.securityContext.sysctls[2].name', 'net.ipv4.ip_forward', 10],
      ]);
    });
  });

  it('a pod that asks for nothing (like badPods "nothing-allowed") yields no host-level finding', () => {
    const findings = scan(yaml(`
      apiVersion: v1
      kind: Pod
      metadata:
        name: plain-shell
        labels: {app: plain-shell}
      spec:
        containers:
        - name: shell
          image: ubuntu:24.04
          command: ["/bin/sh", "-c", "--"]
          args: ["while true; do sleep 30; done"]
    `));
    const hostLevel = ['KW-WL-001', 'KW-WL-002', 'KW-WL-003', 'KW-WL-005', 'KW-WL-006'];
    assert.deepEqual(findings.filter((f) => hostLevel.includes(f.checkId)), []);
    assert.deepEqual(findings, [], 'a minimally specified pod satisfies the whole baseline profile');
  });

  it('flags every control of an "everything allowed" pod', () => {
    const findings = scan(pod(`
      hostNetwork: true
      hostPID: true
      hostIPC: true
      securityContext:
        seccompProfile: {type: Unconfined}
        seLinuxOptions: {type: spc_t}
        sysctls: [{name: kernel.sem, value: "1"}]
        windowsOptions: {hostProcess: true}
      containers:
      - name: everything
        image: ubuntu
        ports: [{containerPort: 22, hostPort: 2222}]
        livenessProbe: {tcpSocket: {host: 169.254.169.254, port: 80}}
        securityContext:
          privileged: true
          procMount: Unmasked
          appArmorProfile: {type: Unconfined}
          capabilities: {add: [SYS_ADMIN]}
      volumes: [{name: root, hostPath: {path: /}}]
    `));
    assert.deepEqual([...new Set(findings.map((f) => f.checkId))].sort(), PSS_BASELINE_CHECKS.map((c) => c.meta.id).sort());
  });
});
