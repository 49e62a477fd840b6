import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, dedent } from '../../../test/support.js';
import type { Finding } from '../../core/finding.js';
import type { Check } from '../check.js';
import { PSS_BASELINE_CHECKS } from './baseline.js';
import { PSS_CONTROLS } from './controls.js';
import { PSS_RESTRICTED_CHECKS } from './restricted.js';

const ALL = [...PSS_BASELINE_CHECKS, ...PSS_RESTRICTED_CHECKS];

const yaml = dedent;

function scan(text: string, checks: readonly Check[]): Finding[] {
  return findingsOf(text, checks);
}

const check = (id: string): Check => ALL.find((c) => c.meta.id === id)!;
/** Findings of one check for a Pod whose spec is `spec`. */
function podFindings(id: string, spec: string): Finding[] {
  const body = yaml(spec).split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
  return scan(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${body}\n`, [check(id)]);
}
const containersOf = (findings: Finding[]): (string | undefined)[] => findings.map((f) => f.container).sort();
const paths = (findings: Finding[]): string[] => findings.flatMap((f) => f.evidence.map((e) => e.path)).sort();

/** A container securityContext that satisfies every restricted control. */
const HARDENED_SC = '{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}';

describe('PSS restricted checks', () => {
  it('defines KW-WL-012 … KW-WL-017 in order, each with a PSS and a KSV alias', () => {
    assert.deepEqual(PSS_RESTRICTED_CHECKS.map((c) => c.meta.id), ['KW-WL-012', 'KW-WL-013', 'KW-WL-014', 'KW-WL-015', 'KW-WL-016', 'KW-WL-017']);
    for (const { meta } of PSS_RESTRICTED_CHECKS) {
      assert.ok(meta.aliases.some((a) => a.framework === 'PSS' && a.id.startsWith('restricted/')), meta.id);
      assert.ok(meta.aliases.some((a) => a.framework === 'KSV'), meta.id);
    }
  });

  describe('KW-WL-012 volume types', () => {
    it('allows the restricted sources, a source-less volume (defaulted to emptyDir) and image volumes', () => {
      assert.deepEqual(podFindings('KW-WL-012', `
        containers: [{name: a, image: x}]
        volumes:
        - {name: a, configMap: {name: c}}
        - {name: b, csi: {driver: secrets-store.csi.k8s.io}}
        - {name: c, downwardAPI: {items: []}}
        - {name: d, emptyDir: {}}
        - {name: e, ephemeral: {volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce]}}}}
        - {name: f, persistentVolumeClaim: {claimName: data}}
        - {name: g, projected: {sources: []}}
        - {name: h, secret: {secretName: s}}
        - {name: i, image: {reference: "quay.io/org/models:v1"}}
        - {name: j}
      `), []);
    });
    it('fails on every other inline source, hostPath included', () => {
      const findings = podFindings('KW-WL-012', `
        containers: [{name: a, image: x}]
        volumes:
        - {name: share, nfs: {server: nfs.local, path: /export}}
        - {name: repo, gitRepo: {repository: "https://example.com/r.git"}}
        - {name: host, hostPath: {path: /etc}}
        - {name: ok, secret: {secretName: s}}
      `);
      assert.deepEqual(paths(findings), ['spec.volumes[0].nfs', 'spec.volumes[1].gitRepo', 'spec.volumes[2].hostPath']);
    });
  });

  describe('KW-WL-013 privilege escalation', () => {
    it('requires allowPrivilegeEscalation: false on containers, init and ephemeral containers', () => {
      const findings = podFindings('KW-WL-013', `
        initContainers:
        - {name: init, image: x}
        containers:
        - {name: ok, image: x, securityContext: {allowPrivilegeEscalation: false}}
        - {name: esc, image: x, securityContext: {allowPrivilegeEscalation: true}}
        ephemeralContainers:
        - {name: debug, image: x, securityContext: {runAsNonRoot: true}}
      `);
      assert.deepEqual(containersOf(findings), ['debug', 'esc', 'init']);
      assert.equal(findings.find((f) => f.container === 'init')!.message, 'init container `init` does not set allowPrivilegeEscalation: false');
      assert.equal(findings.find((f) => f.container === 'esc')!.evidence[0]!.value, true);
    });
    it('points a missing field at its nearest written ancestor', () => {
      const findings = scan(yaml(`
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
              - name: app
                image: nginx
      `), [check('KW-WL-013')]);
      assert.equal(findings[0]!.evidence[0]!.path, 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation');
      assert.equal(findings[0]!.evidence[0]!.value, undefined);
      assert.equal(findings[0]!.evidence[0]!.position?.line, 8);
    });
    it('exempts Windows pods', () => {
      assert.deepEqual(podFindings('KW-WL-013', 'os: {name: windows}\ncontainers: [{name: a, image: x}]'), []);
    });
  });

  describe('KW-WL-014 running as non-root', () => {
    it('passes when the pod sets true and containers leave it unset, or when every container sets true', () => {
      assert.deepEqual(podFindings('KW-WL-014', `
        securityContext: {runAsNonRoot: true}
        containers: [{name: a, image: x}]
        initContainers: [{name: i, image: x}]
      `), []);
      assert.deepEqual(podFindings('KW-WL-014', `
        containers: [{name: a, image: x, securityContext: {runAsNonRoot: true}}]
        ephemeralContainers: [{name: e, image: x, securityContext: {runAsNonRoot: true}}]
      `), []);
    });
    it('fails on the containers not covered when the pod does not set it', () => {
      const findings = podFindings('KW-WL-014', `
        containers:
        - {name: a, image: x, securityContext: {runAsNonRoot: true}}
        - {name: b, image: x}
      `);
      assert.deepEqual(containersOf(findings), ['b']);
      assert.equal(findings[0]!.evidence[0]!.path, 'spec.containers[1].securityContext.runAsNonRoot');
    });
    it('fails on an explicit false in a container overriding the pod', () => {
      const findings = podFindings('KW-WL-014', `
        securityContext: {runAsNonRoot: true}
        containers: [{name: a, image: x, securityContext: {runAsNonRoot: false}}]
      `);
      assert.deepEqual(findings.map((f) => [f.container, f.evidence[0]!.value]), [['a', false]]);
    });
    it('fails on a pod-level false even when every container overrides it with true', () => {
      const findings = podFindings('KW-WL-014', `
        securityContext: {runAsNonRoot: false}
        containers: [{name: a, image: x, securityContext: {runAsNonRoot: true}}]
      `);
      assert.deepEqual(paths(findings), ['spec.securityContext.runAsNonRoot']);
    });
    it('exempts pods in a user namespace (hostUsers: false), as PSA 1.35+ does', () => {
      assert.deepEqual(podFindings('KW-WL-014', 'hostUsers: false\ncontainers: [{name: a, image: x}]'), []);
    });
  });

  describe('KW-WL-015 running as non-root user', () => {
    it('fails on runAsUser: 0 at pod level even when a container overrides it, and at container level', () => {
      const findings = podFindings('KW-WL-015', `
        securityContext: {runAsUser: 0}
        containers:
        - {name: a, image: x, securityContext: {runAsUser: 1000}}
        initContainers:
        - {name: i, image: x, securityContext: {runAsUser: 0}}
      `);
      assert.deepEqual(paths(findings), ['spec.initContainers[0].securityContext.runAsUser', 'spec.securityContext.runAsUser']);
    });
    it('passes on non-zero or unset runAsUser', () => {
      assert.deepEqual(podFindings('KW-WL-015', `
        securityContext: {runAsUser: 1000}
        containers: [{name: a, image: x, securityContext: {runAsUser: 65534}}, {name: b, image: x}]
      `), []);
    });
  });

  describe('KW-WL-016 seccomp', () => {
    it('passes with a pod-level profile and containers unset, or every container set and the pod unset', () => {
      assert.deepEqual(podFindings('KW-WL-016', `
        securityContext: {seccompProfile: {type: RuntimeDefault}}
        containers: [{name: a, image: x}]
      `), []);
      assert.deepEqual(podFindings('KW-WL-016', `
        containers: [{name: a, image: x, securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}}]
        initContainers: [{name: i, image: x, securityContext: {seccompProfile: {type: RuntimeDefault}}}]
      `), []);
    });
    it('fails on a container left without a profile when the pod has none', () => {
      const findings = podFindings('KW-WL-016', `
        containers:
        - {name: a, image: x, securityContext: {seccompProfile: {type: RuntimeDefault}}}
        - {name: b, image: x}
      `);
      assert.deepEqual(paths(findings), ['spec.containers[1].securityContext.seccompProfile.type']);
    });
    it('fails on Unconfined at the pod level even when containers override it, and on a container Unconfined', () => {
      assert.deepEqual(paths(podFindings('KW-WL-016', `
        securityContext: {seccompProfile: {type: Unconfined}}
        containers: [{name: a, image: x, securityContext: {seccompProfile: {type: RuntimeDefault}}}]
      `)), ['spec.securityContext.seccompProfile.type']);
      assert.deepEqual(paths(podFindings('KW-WL-016', `
        securityContext: {seccompProfile: {type: RuntimeDefault}}
        containers: [{name: a, image: x, securityContext: {seccompProfile: {type: Unconfined}}}]
      `)), ['spec.containers[0].securityContext.seccompProfile.type']);
    });
    it('exempts Windows pods', () => {
      assert.deepEqual(podFindings('KW-WL-016', 'os: {name: windows}\ncontainers: [{name: a, image: x}]'), []);
    });
  });

  describe('KW-WL-017 capabilities', () => {
    it('passes on drop ALL with at most NET_BIND_SERVICE added', () => {
      assert.deepEqual(podFindings('KW-WL-017', `
        containers: [{name: a, image: x, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}]
      `), []);
    });
    it('requires "ALL" exactly as written and forbids any other added capability', () => {
      const findings = podFindings('KW-WL-017', `
        containers:
        - {name: none, image: x}
        - {name: lower, image: x, securityContext: {capabilities: {drop: [all]}}}
        - {name: some, image: x, securityContext: {capabilities: {drop: [NET_RAW]}}}
        - {name: adds, image: x, securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, SYS_TIME]}}}
        ephemeralContainers:
        - {name: debug, image: x, securityContext: {capabilities: {drop: [ALL], add: [SYS_PTRACE]}}}
      `);
      assert.deepEqual(containersOf(findings), ['adds', 'debug', 'lower', 'none', 'some']);
      const adds = findings.find((f) => f.container === 'adds')!;
      assert.deepEqual(adds.evidence.map((e) => [e.path, e.value]), [['spec.containers[3].securityContext.capabilities.add[1]', 'SYS_TIME']]);
      assert.deepEqual(findings.find((f) => f.container === 'lower')!.evidence[0]!.value, ['all']);
    });
    it('exempts Windows pods', () => {
      assert.deepEqual(podFindings('KW-WL-017', 'os: {name: windows}\ncontainers: [{name: a, image: x}]'), []);
    });
  });

  it('finds nothing in a hardened Deployment and CronJob from any of the 17 checks', () => {
    const template = (indent: string) => yaml(`
      metadata:
        annotations:
          container.apparmor.security.beta.kubernetes.io/app: runtime/default
      spec:
        securityContext:
          runAsNonRoot: true
          runAsUser: 10001
          seccompProfile: {type: RuntimeDefault}
          appArmorProfile: {type: RuntimeDefault}
          sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]
        initContainers: [{name: init, image: x, securityContext: ${HARDENED_SC}}]
        containers:
        - name: app
          image: registry.example.com/app@sha256:0123
          ports: [{containerPort: 8080}]
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            procMount: Default
            seLinuxOptions: {type: container_t}
            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
        ephemeralContainers: [{name: debug, image: x, securityContext: ${HARDENED_SC}}]
        volumes: [{name: tmp, emptyDir: {}}, {name: token, projected: {sources: [{serviceAccountToken: {path: token}}]}}]
    `).split('\n').map((l) => (l ? indent + l : l)).join('\n');
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n${template('    ')}\n---\n`
      + `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: job}\nspec:\n  schedule: "@hourly"\n  jobTemplate:\n    spec:\n      template:\n${template('        ')}\n`;
    assert.equal(scan(text, []).length, 0);
    assert.deepEqual(scan(text, ALL).map((f) => `${f.checkId} ${f.message}`), []);
  });

  it('flags a typical unhardened Deployment on restricted controls only', () => {
    const findings = scan(yaml(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          spec:
            containers: [{name: app, image: nginx}]
    `), ALL);
    assert.deepEqual([...new Set(findings.map((f) => f.checkId))].sort(), ['KW-WL-013', 'KW-WL-014', 'KW-WL-016', 'KW-WL-017']);
  });
});

describe('PSS_CONTROLS', () => {
  it('lists the 12 baseline and 6 restricted controls of the standard, covering each check once', () => {
    assert.deepEqual(PSS_CONTROLS.map((c) => c.title), [
      'HostProcess', 'Host Namespaces', 'Privileged Containers', 'Capabilities', 'HostPath Volumes', 'Host Ports', 'Host Probes / Lifecycle Hooks', 'AppArmor', 'SELinux',
      '/proc Mount Type', 'Seccomp', 'Sysctls', 'Volume Types', 'Privilege Escalation', 'Running as Non-root', 'Running as Non-root user', 'Seccomp', 'Capabilities',
    ]);
    assert.equal(PSS_CONTROLS.filter((c) => c.level === 'baseline').length, 12);
    assert.deepEqual(PSS_CONTROLS.flatMap((c) => c.checkIds).sort(), ALL.map((c) => c.meta.id).sort());
  });
  it('matches each control to the PSS alias of its checks', () => {
    for (const control of PSS_CONTROLS) {
      assert.match(control.id, new RegExp(`^pss-${control.level}/[a-z-]+$`));
      for (const id of control.checkIds) {
        const alias = check(id).meta.aliases.filter((a) => a.framework === 'PSS').map((a) => a.id);
        assert.deepEqual(alias, [control.id.slice('pss-'.length)], `${control.id} / ${id}`);
      }
    }
  });
});
