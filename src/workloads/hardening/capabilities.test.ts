import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { netRaw, sysAdmin, sysModule } from './capabilities.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

/** A Deployment with one container per capabilities block (YAML flow mapping, or '' for none). */
function deployment(...caps: string[]): string {
  const containers = caps.map((c, i) => `        - name: c${i}
          image: app:1
${c ? `          securityContext: ${c}\n` : ''}`).join('');
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: n}
spec:
  template:
    spec:
      containers:
${containers}`;
}

test('KW-WL-035: NET_RAW is retained unless dropped by name or through ALL', () => {
  const yaml = deployment(
    '',                                                         // c0: runtime default keeps it
    '{capabilities: {drop: [ALL]}}',                            // c1: dropped
    '{capabilities: {drop: [cap_net_raw]}}',                    // c2: dropped, however written
    '{capabilities: {drop: [CHOWN]}}',                          // c3: other drops only
    '{capabilities: {drop: [ALL], add: [NET_RAW]}}',            // c4: added back after ALL
    '{capabilities: {add: [NET_RAW], drop: [NET_RAW]}}',        // c5: named drop wins
    '{privileged: true, capabilities: {drop: [ALL]}}',          // c6: privileged gets everything
    '{capabilities: {add: [ALL]}}',                             // c7: ALL includes it
  );
  const byContainer = new Map(scan(yaml, netRaw).map((f) => [f.container, f]));
  assert.deepEqual([...byContainer.keys()].sort(), ['c0', 'c3', 'c4', 'c6', 'c7']);
  assert.equal(byContainer.get('c0')!.evidence[0]!.path, 'spec.template.spec.containers[0].securityContext.capabilities.drop');
  assert.match(byContainer.get('c0')!.message, /keeps NET_RAW from the runtime's default set: it drops no capabilities/);
  assert.deepEqual(byContainer.get('c3')!.evidence[0]!.value, ['CHOWN']);
  assert.equal(byContainer.get('c4')!.evidence[0]!.path, 'spec.template.spec.containers[4].securityContext.capabilities.add[0]');
  assert.equal(byContainer.get('c6')!.evidence[0]!.path, 'spec.template.spec.containers[6].securityContext.privileged');
  assert.match(byContainer.get('c7')!.message, /adds capability ALL, which includes NET_RAW/);
});

test('KW-WL-035 covers init and ephemeral containers and skips Windows pods', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: init, image: i:1}]
  containers: [{name: app, image: a:1, securityContext: {capabilities: {drop: [ALL]}}}]
  ephemeralContainers: [{name: debug, image: b:1}]
`;
  assert.deepEqual(scan(pod, netRaw).map((f) => f.container).sort(), ['debug', 'init']);
  const windows = pod.replace('spec:\n', 'spec:\n  os: {name: windows}\n');
  assert.equal(scan(windows, netRaw).length, 0);
});

test('KW-WL-036 / KW-WL-037: added SYS_ADMIN and SYS_MODULE, named in any spelling or through ALL', () => {
  const yaml = deployment(
    '{capabilities: {add: [cap_sys_admin]}}',                   // c0
    '{capabilities: {add: [SYS_MODULE, NET_BIND_SERVICE]}}',    // c1
    '{capabilities: {add: [ALL]}}',                             // c2: both
    '{capabilities: {add: [ALL], drop: [SYS_ADMIN]}}',          // c3: SYS_MODULE only
    '{capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}',   // c4: neither
    '',                                                         // c5: neither (not in the default set)
  );
  const admin = scan(yaml, sysAdmin);
  assert.deepEqual(admin.map((f) => f.container).sort(), ['c0', 'c2']);
  const c0 = admin.find((f) => f.container === 'c0')!;
  assert.equal(c0.evidence[0]!.path, 'spec.template.spec.containers[0].securityContext.capabilities.add[0]');
  assert.equal(c0.evidence[0]!.value, 'cap_sys_admin');
  assert.match(admin.find((f) => f.container === 'c2')!.message, /adds capability ALL, which includes SYS_ADMIN/);

  const moduleFindings = scan(yaml, sysModule);
  assert.deepEqual(moduleFindings.map((f) => f.container).sort(), ['c1', 'c2', 'c3']);
  assert.equal(moduleFindings.find((f) => f.container === 'c1')!.evidence[0]!.path, 'spec.template.spec.containers[1].securityContext.capabilities.add[0]');
});

test('KW-WL-036 looks at init and ephemeral containers', () => {
  const pod = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: init, image: i:1, securityContext: {capabilities: {add: [SYS_ADMIN]}}}]
  containers: [{name: app, image: a:1}]
  ephemeralContainers: [{name: debug, image: b:1, securityContext: {capabilities: {add: [Sys_Admin]}}}]
`;
  const findings = scan(pod, sysAdmin);
  assert.deepEqual(findings.map((f) => f.evidence[0]!.path).sort(), [
    'spec.ephemeralContainers[0].securityContext.capabilities.add[0]',
    'spec.initContainers[0].securityContext.capabilities.add[0]',
  ]);
});
