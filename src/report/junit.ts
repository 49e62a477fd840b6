import { aliasLabel, type CheckMeta } from '../core/catalog.js';
import { inputErrorLabel } from '../core/coverage.js';
import { positionLabel, resourceLabel, type Finding, type SuppressedFinding } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import { parseSourceLabel, primaryPosition, resourceKey, sortFindings, valueLabel, benchmarkLabel } from './common.js';
import { xmlAttr, xmlText } from './xml.js';

interface Case {
  classname: string;
  name: string;
  file?: string;
  line?: number;
  /** Absent for a passing case. */
  outcome?: { kind: 'failure' | 'error' | 'skipped'; message: string; type?: string; body?: string };
}

interface Suite {
  name: string;
  properties: [string, string][];
  cases: Case[];
}

/**
 * JUnit XML for CI dashboards: a testsuite per check that ran, a failing testcase per (object, container)
 * it failed on, a passing testcase for a check with no finding, and skipped testcases for what was
 * suppressed or not evaluated. Input errors are error testcases in a suite of their own.
 */
export function renderJunit(result: ScanResult): string {
  const checks = new Map<string, CheckMeta>();
  for (const meta of result.checks) if (!checks.has(meta.id)) checks.set(meta.id, meta);
  for (const f of [...result.findings, ...result.suppressed]) {
    if (!checks.has(f.checkId)) {
      checks.set(f.checkId, { id: f.checkId, title: f.title, severity: f.severity, category: f.category, description: '', rationale: '', remediation: f.remediation, references: f.references, aliases: [] });
    }
  }

  const suites: Suite[] = [];
  const checkTargets = new Set(checks.keys());
  for (const meta of checks.values()) {
    const cases: Case[] = [];
    const failing = groupByObject(sortFindings(result.findings.filter((f) => f.checkId === meta.id)));
    for (const group of failing) cases.push(failureCase(meta, group));
    for (const s of sortFindings(result.suppressed.filter((f) => f.checkId === meta.id))) cases.push(suppressedCase(s));
    const notEvaluated = result.notEvaluated.filter((n) => n.target === meta.id);
    for (const n of notEvaluated) cases.push({ classname: meta.id, name: 'not evaluated', outcome: { kind: 'skipped', message: n.reason } });
    if (failing.length === 0 && notEvaluated.length === 0) cases.push({ classname: meta.id, name: 'no findings' });
    suites.push({
      name: `${meta.id} ${meta.title}`,
      properties: [
        ['severity', meta.severity],
        ['category', meta.category],
        ...meta.aliases.map((a): [string, string] => ['alias', aliasLabel(a)]),
      ],
      cases,
    });
  }

  const otherNotEvaluated = result.notEvaluated.filter((n) => !checkTargets.has(n.target));
  if (otherNotEvaluated.length > 0) {
    suites.push({
      name: 'kubeward: not evaluated',
      properties: [],
      cases: otherNotEvaluated.map((n) => ({ classname: 'kubeward.not-evaluated', name: n.target, outcome: { kind: 'skipped', message: n.reason } })),
    });
  }
  if (result.inputErrors.length > 0) {
    suites.push({
      name: 'kubeward: input errors',
      properties: [],
      cases: result.inputErrors.map((e) => {
        const c: Case = { classname: 'kubeward.input', name: parseSourceLabel(e.file).path, file: parseSourceLabel(e.file).path, outcome: { kind: 'error', type: 'input-error', message: e.message, body: inputErrorLabel(e) } };
        if (e.line !== undefined) c.line = e.line;
        return c;
      }),
    });
  }

  const count = (cases: Case[], kind?: 'failure' | 'error' | 'skipped'): number => cases.filter((c) => c.outcome?.kind === kind).length;
  const all = suites.flatMap((s) => s.cases);
  const timestamp = result.startedAt.replace(/Z$/, '').replace(/\.\d+$/, '');
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="kubeward" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" skipped="${count(all, 'skipped')}" time="${seconds(result.durationMs)}" timestamp="${xmlAttr(timestamp)}">`,
  );
  suites.forEach((suite, id) => {
    out.push(
      `  <testsuite id="${id}" name="${xmlAttr(suite.name)}" tests="${suite.cases.length}" failures="${count(suite.cases, 'failure')}" errors="${count(suite.cases, 'error')}" skipped="${count(suite.cases, 'skipped')}" time="0" timestamp="${xmlAttr(timestamp)}">`,
    );
    if (suite.properties.length > 0) {
      out.push('    <properties>');
      for (const [name, value] of suite.properties) out.push(`      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`);
      out.push('    </properties>');
    }
    for (const c of suite.cases) out.push(...caseXml(c));
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function caseXml(c: Case): string[] {
  const attrs = [`classname="${xmlAttr(c.classname)}"`, `name="${xmlAttr(c.name)}"`, 'time="0"'];
  if (c.file !== undefined) attrs.push(`file="${xmlAttr(c.file)}"`);
  if (c.line !== undefined) attrs.push(`line="${c.line}"`);
  const open = `    <testcase ${attrs.join(' ')}`;
  if (!c.outcome) return [`${open}/>`];
  const o = c.outcome;
  const oAttrs = [`message="${xmlAttr(o.message)}"`, ...(o.type !== undefined ? [`type="${xmlAttr(o.type)}"`] : [])].join(' ');
  const inner = o.body !== undefined ? `      <${o.kind} ${oAttrs}>${xmlText(o.body)}</${o.kind}>` : `      <${o.kind} ${oAttrs}/>`;
  return [`${open}>`, inner, '    </testcase>'];
}

/** Findings of one check grouped by (object, container): one testcase each. */
function groupByObject(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${resourceKey(f.resource)}\u0000${f.container ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()];
}

function caseName(f: Finding): string {
  return `${resourceLabel(f.resource)}${f.container !== undefined ? ` (container ${f.container})` : ''}`;
}

function withPosition(c: Case, f: Finding): Case {
  const where = primaryPosition(f);
  if (where) {
    const { path, renderedBy } = parseSourceLabel(where.file);
    c.file = path;
    if (renderedBy === undefined) c.line = where.line;
  }
  return c;
}

function failureCase(meta: CheckMeta, group: Finding[]): Case {
  const first = group[0]!;
  const body: string[] = [`${meta.id} ${meta.title} (${first.severity}, ${first.category})`, caseName(first), ''];
  for (const f of group) {
    body.push(f.message);
    if (f.benchmark) body.push(benchmarkLabel(f.benchmark));
    if (f.package && f.advisory) body.push(`${f.advisory.id} (${[...f.advisory.aliases].join(', ')}): ${f.package.name} ${f.package.version}, ${f.package.fixedVersion ? `fixed in ${f.package.fixedVersion}` : 'no fix yet'}`);
    if (f.evidence.length > 0) body.push('Evidence:');
    for (const e of f.evidence) {
      const value = 'value' in e && e.value !== undefined ? ` = ${valueLabel(e.value, 200)}` : '';
      const where = e.position ? `${positionLabel(e.position)} ` : '';
      body.push(`  ${where}${e.path}${value}${e.detail ? ` (${e.detail})` : ''}`);
    }
    body.push('');
  }
  body.push(`Remediation: ${first.remediation}`);
  if (first.references.length > 0) body.push(`References: ${first.references.join(' ')}`);
  return withPosition(
    { classname: meta.id, name: caseName(first), outcome: { kind: 'failure', type: first.severity, message: group.map((f) => f.message).join('; '), body: body.join('\n') } },
    first,
  );
}

function suppressedCase(f: SuppressedFinding): Case {
  const s = f.suppression;
  const until = s.expires ? `, until ${s.expires}` : '';
  return withPosition({ classname: f.checkId, name: caseName(f), outcome: { kind: 'skipped', message: `suppressed by ${s.by} (${s.source}${until}): ${s.reason}` } }, f);
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
