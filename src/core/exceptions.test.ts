import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyExceptions, checkListMatches, parseExceptionRules, type ExceptionRule } from './exceptions.js';
import type { Finding } from './finding.js';

function finding(checkId: string, kind: string, namespace: string, name: string): Finding {
  return {
    checkId, severity: 'high', category: 'workloads', title: 't', message: 'm', evidence: [], remediation: 'r', references: [],
    resource: { apiVersion: 'apps/v1', kind, namespace, name },
  };
}

const rule = (over: Partial<ExceptionRule>): ExceptionRule => ({ checks: ['KW-WL-003'], reason: 'accepted', source: '.kubewardignore.yaml:2', ...over });
const noAnnotations = (): Record<string, string> => ({});
const today = new Date('2026-06-15T12:00:00Z');

test('a rule suppresses only the findings whose check and resource globs all match', () => {
  const findings = [
    finding('KW-WL-003', 'DaemonSet', 'monitoring', 'node-agent'),
    finding('KW-WL-003', 'DaemonSet', 'shop', 'node-agent'),
    finding('KW-WL-002', 'DaemonSet', 'monitoring', 'node-agent'),
    finding('KW-WL-003', 'Deployment', 'monitoring', 'node-agent'),
  ];
  const out = applyExceptions(findings, [rule({ kind: 'DaemonSet', namespace: 'mon*', name: 'node-*' })], noAnnotations, today);
  assert.deepEqual(out.suppressed.map((f) => [f.checkId, f.resource.kind, f.resource.namespace]), [['KW-WL-003', 'DaemonSet', 'monitoring']]);
  assert.equal(out.findings.length, 3);
  assert.equal(out.suppressed[0]!.suppression.reason, 'accepted');
  assert.equal(out.suppressed[0]!.suppression.by, 'ignore-file');
});

test('check ids take globs', () => {
  const out = applyExceptions([finding('KW-WL-021', 'Pod', 'a', 'b'), finding('KW-NET-001', 'Service', 'a', 'b')], [rule({ checks: ['kw-wl-02*'] })], noAnnotations, today);
  assert.deepEqual(out.suppressed.map((f) => f.checkId), ['KW-WL-021']);
});

test('an expired rule stops suppressing and is reported; one expiring today still applies', () => {
  const f = [finding('KW-WL-003', 'Pod', 'a', 'b')];
  const expired = applyExceptions(f, [rule({ expires: '2026-06-14' })], noAnnotations, today);
  assert.equal(expired.findings.length, 1);
  assert.equal(expired.suppressed.length, 0);
  assert.deepEqual(expired.expired.map((e) => [e.checkId, e.expires, e.source]), [['KW-WL-003', '2026-06-14', '.kubewardignore.yaml:2']]);
  const lastDay = applyExceptions(f, [rule({ expires: '2026-06-15' })], noAnnotations, today);
  assert.equal(lastDay.suppressed.length, 1);
  assert.equal(lastDay.expired.length, 0);
});

test('the kubeward.io/ignore annotation suppresses the listed checks with its reason', () => {
  const annotations = { 'kubeward.io/ignore': 'KW-WL-003, KW-WL-01*', 'kubeward.io/ignore-reason': 'vendor chart' };
  const out = applyExceptions(
    [finding('KW-WL-003', 'Pod', 'a', 'b'), finding('KW-WL-013', 'Pod', 'a', 'b'), finding('KW-WL-020', 'Pod', 'a', 'b')],
    [], () => annotations, today,
  );
  assert.deepEqual(out.suppressed.map((f) => [f.checkId, f.suppression.by, f.suppression.reason]), [['KW-WL-003', 'annotation', 'vendor chart'], ['KW-WL-013', 'annotation', 'vendor chart']]);
  assert.deepEqual(out.findings.map((f) => f.checkId), ['KW-WL-020']);
  assert.equal(checkListMatches('', 'KW-WL-003'), false);
});

test('ignore-file entries are validated with their position', () => {
  const doc = {
    exceptions: [
      { check: 'KW-WL-003', reason: 'ok', kind: 'DaemonSet', expires: new Date('2027-01-01T00:00:00Z') },
      { checks: ['KW-WL-001'] },
      { check: 'KW-WL-002', reason: 'x', expires: 'next week' },
      { checks: ['KW-WL-004'], reason: 'nested', resource: { namespace: 'kube-*' } },
    ],
  };
  const lines = [2, 7, 9, 12];
  const { rules, errors } = parseExceptionRules(doc, 'ignore.yaml', (i) => lines[i]);
  assert.deepEqual(rules.map((r) => [r.checks, r.kind, r.namespace, r.expires, r.source]), [
    [['KW-WL-003'], 'DaemonSet', undefined, '2027-01-01', 'ignore.yaml:2'],
    [['KW-WL-004'], undefined, 'kube-*', undefined, 'ignore.yaml:12'],
  ]);
  assert.deepEqual(errors.map((e) => [e.line, e.message]), [
    [7, 'exception 2: needs a `reason:`'],
    [9, 'exception 3: expires must be a date (YYYY-MM-DD), not "next week"'],
  ]);
  assert.equal(parseExceptionRules({ nope: 1 }, 'f.yaml', () => 1).errors.length, 1);
});

test('image vulnerabilities are suppressed by advisory id or alias and by package name, nothing else', () => {
  const vuln = (pkg: string, id: string, aliases: string[]): Finding => ({
    ...finding('KW-IMG-100', 'Image', '', 'registry.example.com/app:1'),
    package: { type: 'apk', name: pkg, version: '1', purl: `pkg:apk/alpine/${pkg}@1` },
    advisory: { id, aliases, severityBasis: 'vendor: high' },
  });
  const findings = [vuln('sqlite-libs', 'ALPINE-CVE-2019-5018', ['CVE-2019-5018']), vuln('sqlite-libs', 'CVE-2019-8457', []), vuln('musl', 'CVE-2019-5018', [])];
  const byAlias = applyExceptions(findings, [rule({ checks: ['KW-IMG-100'], advisory: 'cve-2019-5018', package: 'sqlite*' })], noAnnotations, today);
  assert.deepEqual(byAlias.suppressed.map((f) => [f.package!.name, f.advisory!.id]), [['sqlite-libs', 'ALPINE-CVE-2019-5018']]);
  const parsed = parseExceptionRules({ exceptions: [{ check: 'KW-IMG-100', advisory: 'GHSA-*', package: 'lodash', reason: 'not reachable' }] }, 'f.yaml', () => 3);
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.rules[0]!.advisory, 'GHSA-*');
  assert.equal(parsed.rules[0]!.package, 'lodash');
  const plain = finding('KW-IMG-100', 'Image', '', 'x');
  assert.equal(applyExceptions([plain], parsed.rules, noAnnotations, today).findings.length, 1, 'a finding without an advisory never matches an advisory rule');
});
