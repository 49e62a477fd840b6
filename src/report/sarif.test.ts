import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport } from './index.js';
import { artifactLocation, FINGERPRINT_KEY } from './sarif.js';
import { emptyResult, scanResult } from '../../test/report-fixtures.js';
import { sarifValidator } from '../../test/schemas.js';

async function sarif(result = scanResult()): Promise<any> {
  return JSON.parse(await renderReport('sarif', result, { color: false, showSuppressed: false }));
}

test('sarif validates against the official SARIF 2.1.0 schema', async () => {
  const validate = sarifValidator();
  for (const result of [scanResult(), emptyResult()]) {
    const log = await sarif(result);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  }
  // The validator does reject a broken log.
  const broken = await sarif();
  broken.runs[0].results[0].level = 'critical';
  broken.runs[0].results[0].suppressions = [{ kind: 'somewhere' }];
  assert.equal(validate(broken), false);
});

test('sarif describes one rule per check, with severity for code scanning', async () => {
  const log = await sarif();
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const driver = log.runs[0].tool.driver;
  assert.equal(driver.name, 'kubeward');
  assert.equal(driver.version, '0.1.0');
  assert.deepEqual(driver.rules.map((r: any) => r.id), ['KW-POD-001', 'KW-POD-002', 'KW-IMG-001', 'KW-NET-001', 'KW-RBAC-001']);
  const byId = Object.fromEntries(driver.rules.map((r: any) => [r.id, r]));
  assert.equal(byId['KW-POD-001'].properties['security-severity'], '9.5');
  assert.equal(byId['KW-NET-001'].properties['security-severity'], '8.0');
  assert.equal(byId['KW-POD-002'].properties['security-severity'], '5.5');
  assert.equal(byId['KW-IMG-001'].properties['security-severity'], '3.0');
  assert.equal(byId['KW-RBAC-001'].properties['security-severity'], '0.0');
  assert.equal(byId['KW-POD-001'].name, 'PrivilegedContainer');
  assert.equal(byId['KW-POD-001'].defaultConfiguration.level, 'error');
  assert.equal(byId['KW-POD-001'].helpUri, 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline');
  assert.ok(byId['KW-POD-001'].properties.tags.includes('workloads'));
  assert.ok(byId['KW-POD-001'].properties.tags.includes('CIS 5.2.2'));
  assert.match(byId['KW-POD-001'].help.markdown, /\*\*How to fix:\*\* Remove `securityContext\.privileged: true`/);
  assert.match(byId['KW-POD-001'].help.text, /^Remove `securityContext/);
});

test('sarif results carry level, location, region, fingerprint and evidence', async () => {
  const log = await sarif();
  const run = log.runs[0];
  const results = run.results.filter((r: any) => !r.suppressions);
  assert.equal(results.length, scanResult().findings.length);
  for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);

  const levels = Object.fromEntries(results.map((r: any) => [r.ruleId, r.level]));
  assert.deepEqual(levels, { 'KW-POD-001': 'error', 'KW-NET-001': 'error', 'KW-POD-002': 'warning', 'KW-IMG-001': 'note' });

  const privileged = results.find((r: any) => r.ruleId === 'KW-POD-001' && r.message.text.includes('prod/web'));
  const loc = privileged.locations[0];
  assert.deepEqual(loc.physicalLocation.artifactLocation, { uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(loc.physicalLocation.region, { startLine: 23, startColumn: 25 });
  assert.equal(loc.logicalLocations[0].fullyQualifiedName, 'Deployment/prod/web/app');
  assert.equal(privileged.properties.evidence[0].path, 'spec.template.spec.containers[0].securityContext.privileged');
  assert.match(privileged.partialFingerprints[FINGERPRINT_KEY], /^[0-9a-f]{32}$/);

  // Two pieces of evidence: the first is the location, the second a related location.
  const root = results.find((r: any) => r.ruleId === 'KW-POD-002');
  assert.deepEqual(root.locations[0].physicalLocation.region, { startLine: 21, startColumn: 11 });
  assert.deepEqual(root.relatedLocations[0].physicalLocation.region, { startLine: 15, startColumn: 7 });

  // Rendered by kustomize: the directory, without a region (lines are those of the rendered output).
  const net = results.find((r: any) => r.ruleId === 'KW-NET-001');
  assert.deepEqual(net.locations[0].physicalLocation.artifactLocation, { uri: 'overlays/prod/', uriBaseId: '%SRCROOT%' });
  assert.equal(net.locations[0].physicalLocation.region, undefined);

  // Windows absolute path with a space.
  const cron = results.find((r: any) => r.ruleId === 'KW-POD-001' && r.message.text.includes('CronJob'));
  assert.deepEqual(cron.locations[0].physicalLocation.artifactLocation, { uri: 'file:///C:/Users/me/k8s/cron%20job.yaml' });
});

test('sarif fingerprints are stable across runs and line moves, and distinct between findings', async () => {
  const a = await sarif();
  const moved = scanResult();
  moved.findings[0]!.evidence[0]!.position!.line += 10;
  const b = await sarif(moved);
  const prints = (log: any) => log.runs[0].results.map((r: any) => r.partialFingerprints[FINGERPRINT_KEY]).sort();
  assert.deepEqual(prints(a), prints(b));
  assert.equal(new Set(prints(a)).size, prints(a).length);
});

test('sarif marks suppressed findings with their suppression', async () => {
  const run = (await sarif()).runs[0];
  const suppressed = run.results.filter((r: any) => r.suppressions);
  assert.equal(suppressed.length, 2);
  const byRule = Object.fromEntries(suppressed.map((r: any) => [r.ruleId, r.suppressions[0]]));
  assert.equal(byRule['KW-IMG-001'].kind, 'external');
  assert.equal(byRule['KW-IMG-001'].justification, 'vendor image, pinned upstream');
  assert.equal(byRule['KW-RBAC-001'].kind, 'inSource');
  assert.equal(byRule['KW-RBAC-001'].justification, 'break-glass role');
  const agent = suppressed.find((r: any) => r.ruleId === 'KW-IMG-001');
  assert.deepEqual(agent.locations[0].physicalLocation.artifactLocation, { uri: 'file:///abs/path/agent.yaml' });
});

test('sarif reports input errors as notifications, and an unsuccessful execution', async () => {
  const inv = (await sarif()).runs[0].invocations[0];
  assert.equal(inv.executionSuccessful, false);
  const errors = inv.toolExecutionNotifications.filter((n: any) => n.level === 'error');
  assert.equal(errors.length, 2);
  assert.equal(errors[0].message.text, 'deploy/broken.yaml:7:3: bad indentation of a mapping entry');
  assert.deepEqual(errors[0].locations[0].physicalLocation.region, { startLine: 7, startColumn: 3 });
  assert.ok(inv.toolExecutionNotifications.some((n: any) => n.descriptor.id === 'not-evaluated' && n.message.text.includes('charts/app')));
  assert.equal(inv.toolConfigurationNotifications[0].descriptor.id, 'expired-exception');
  assert.equal(inv.endTimeUtc, '2025-03-14T09:26:54.001Z');

  const clean = (await sarif(emptyResult())).runs[0].invocations[0];
  assert.equal(clean.executionSuccessful, true);
  assert.equal(clean.toolExecutionNotifications, undefined);
});

test('artifact locations', () => {
  assert.deepEqual(artifactLocation('./a/b.yaml'), { uri: 'a/b.yaml', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('a\\b c#1.yaml'), { uri: 'a/b%20c%231.yaml', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('.', true), { uri: './', uriBaseId: '%SRCROOT%' });
  assert.deepEqual(artifactLocation('/etc/k8s/x.yaml'), { uri: 'file:///etc/k8s/x.yaml' });
  assert.deepEqual(artifactLocation('https://10.0.0.1:6443/api/v1/namespaces/x/pods/y'), { uri: 'https://10.0.0.1:6443/api/v1/namespaces/x/pods/y' });
  assert.equal(artifactLocation('<stdin>'), undefined);
});
