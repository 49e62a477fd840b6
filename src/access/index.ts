import type { Analyzer, AnalyzerOutput } from '../core/analyzer.js';
import type { CheckMeta } from '../core/catalog.js';
import type { NotEvaluated } from '../core/coverage.js';
import type { Finding } from '../core/finding.js';
import { WORKLOAD_KINDS, type Inventory, type InventoryObject } from '../inventory/index.js';
import { toFindings, type Check, type Violation } from '../workloads/check.js';
import { controlPlaneOf, describeInstance, findControlPlane, type ControlPlaneContainer } from './control-plane.js';
import { DEFINITIONS, metaOf, type CheckDefinition, type EncryptionRule } from './definitions.js';
import { configsNamed, ENCRYPTION_KINDS, isEncryptionConfig, readEncryptionConfig, resourcesPlaintext, secretsPlaintext, summarize, weakProvider } from './encryption.js';
import { describeReading, evaluateTest, type FlagTest, type TestOutcome } from './flags.js';

// The access analyzer: the control plane's configuration (KW-API-*) against the CIS Kubernetes
// Benchmark, from the static pod manifests and EncryptionConfiguration files among the inputs.
// Checks are data (cis-control-plane.json); this file only runs them.

const METAS = new Map(DEFINITIONS.checks.map((def) => [def.id, metaOf(def)]));
const meta = (def: CheckDefinition): CheckMeta => METAS.get(def.id)!;

/** Catalog entries of every KW-API check, in id order. */
export function accessCheckMetas(): CheckMeta[] {
  return DEFINITIONS.checks.map(meta);
}

interface DefinitionResult {
  violations: Violation[];
  /** Tests that could not be decided, with why. */
  unknown: string[];
  outcomes: { test: FlagTest; outcome: TestOutcome }[];
}

/** Runs every test of one definition against one control-plane container. */
export function evaluateDefinition(def: CheckDefinition, cp: ControlPlaneContainer): DefinitionResult {
  const result: DefinitionResult = { violations: [], unknown: [], outcomes: [] };
  for (const test of def.tests) {
    const outcome = evaluateTest(test, cp.reader);
    result.outcomes.push({ test, outcome });
    if (outcome.status === 'unknown') result.unknown.push(outcome.reason);
    if (outcome.status === 'fail') {
      const v: Violation = { path: outcome.path, detail: outcome.detail, container: cp.container.name };
      if (outcome.value !== undefined) v.value = outcome.value;
      result.violations.push(v);
    }
  }
  return result;
}

const ENCRYPTION_RULES: Record<EncryptionRule, (object: InventoryObject) => Violation[]> = {
  'secrets-plaintext': secretsPlaintext,
  'resources-plaintext': resourcesPlaintext,
  'weak-provider': weakProvider,
};

/** What a test asks for, in words. */
function expectation(test: FlagTest): string {
  switch (test.op) {
    case 'eq': return `--${test.flag}=${test.value}`;
    case 'noteq': return `--${test.flag} other than ${test.value}`;
    case 'set': return `--${test.flag} set`;
    case 'unset': return `no --${test.flag}`;
    case 'has': return `--${test.flag} including ${test.value}`;
    case 'nothave': return `--${test.flag} without ${test.value}`;
    case 'gte': return `--${test.flag} of at least ${test.value}`;
    case 'valid_elements': return `--${test.flag} limited to the benchmark's list`;
    case 'plugin_enabled': return `the ${test.value} admission plugin enabled`;
    case 'plugin_not_enabled': return `the ${test.value} admission plugin not enabled`;
    case 'gate': return `feature gate ${test.gate}=${test.value}`;
    case 'https': return `only https:// URLs in --${test.flag}`;
  }
}

/** The coverage entry of a manual check: what the manifest shows, and what a person must check. */
function manualReason(def: CheckDefinition, cp: ControlPlaneContainer, result: DefinitionResult, all: readonly ControlPlaneContainer[]): string {
  const seen: string[] = [];
  for (const { test, outcome } of result.outcomes) {
    if (outcome.status === 'unknown') seen.push(`${outcome.reason} (the benchmark recommends ${expectation(test)})`);
    else if (outcome.status === 'pass') seen.push(`${outcome.seen}, as the benchmark recommends`);
    else seen.push(`${outcome.detail.replace(/; add it to .*$/, '')} (the benchmark recommends ${expectation(test)})`);
  }
  for (const flag of def.show) {
    const reading = cp.reader.read(flag);
    if (def.tests.some((t) => t.flag === flag)) continue;
    seen.push(describeReading(reading, cp.reader.spec(flag)));
  }
  if (def.sameFileAs) seen.push(...sameFile(def.sameFileAs, cp, all));
  return `CIS ${def.cis} (Manual) — ${def.component} in ${describeInstance(cp)}: ${seen.join('; ')}. Manual step: ${def.check}`;
}

/** etcd's CA file compared with the API server's client CA (CIS 2.7). */
function sameFile(rule: NonNullable<CheckDefinition['sameFileAs']>, cp: ControlPlaneContainer, all: readonly ControlPlaneContainer[]): string[] {
  const mine = cp.reader.read(rule.flag).given.at(-1)?.value;
  if (!mine) return [];
  const others = all.filter((o) => o.component === rule.component);
  if (others.length === 0) return [`no ${rule.component} among the inputs to compare --${rule.flag} with its --${rule.otherFlag}`];
  return others.flatMap((other) => {
    const theirs = other.reader.read(rule.otherFlag).given.at(-1)?.value;
    if (!theirs) return [];
    return theirs === mine
      ? [`--${rule.flag} is the same file as --${rule.otherFlag} of ${rule.component} in ${describeInstance(other)} (${mine}): etcd trusts every certificate the cluster CA signs`]
      : [`--${rule.flag} (${mine}) differs from --${rule.otherFlag} of ${rule.component} in ${describeInstance(other)} (${theirs})`];
  });
}

const label = (o: InventoryObject): string => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} (${o.source.file}:${o.source.line})`;

/**
 * The access analyzer. Findings for automated checks that fail; "not evaluated" entries for manual
 * CIS checks (with what the manifest sets and what to check), for tests whose value cannot be known
 * from the manifests, for components missing when others are present, and for encryption
 * configurations the API server names but the inputs do not hold. Inputs without any control-plane
 * component or encryption configuration produce nothing.
 */
export function analyzeAccess(inventory: Inventory): AnalyzerOutput {
  const findings: Finding[] = [];
  const notEvaluated: NotEvaluated[] = [];
  const controlPlane = findControlPlane(inventory);
  const present = [...new Set(controlPlane.map((cp) => cp.component))];

  for (const def of DEFINITIONS.checks) {
    if (def.component === 'encryption-configuration') continue;
    const instances = controlPlane.filter((cp) => cp.component === def.component);
    if (instances.length === 0) {
      if (present.length > 0) {
        notEvaluated.push({ target: def.id, reason: `no ${def.component} among the inputs (found ${present.join(', ')}); ${def.component === 'etcd' ? 'etcd may be external or managed: scan its manifest or unit file' : `scan its manifest (${DEFINITIONS.components[def.component].manifest})`}` });
      }
      continue;
    }
    for (const cp of instances) {
      const result = evaluateDefinition(def, cp);
      if (def.assessment === 'manual') {
        notEvaluated.push({ target: def.id, reason: manualReason(def, cp, result, controlPlane) });
        continue;
      }
      for (const reason of result.unknown) notEvaluated.push({ target: def.id, reason: `${def.component} in ${describeInstance(cp)}: ${reason}` });
      if (result.violations.length > 0) findings.push(...toFindings(meta(def), cp.object, result.violations));
    }
  }

  const encryptionDefs = DEFINITIONS.checks.filter((d) => d.component === 'encryption-configuration');
  const configs = inventory.objects.filter(isEncryptionConfig);
  for (const config of configs) {
    const view = readEncryptionConfig(config);
    if (view.problems.length > 0) {
      for (const def of encryptionDefs) notEvaluated.push({ target: def.id, reason: `${label(config)}: ${view.problems.join('; ')} — kube-apiserver would refuse this file` });
      if (view.rules.every((r) => r.providers.length === 0)) continue;
    }
    for (const def of encryptionDefs) {
      const violations = ENCRYPTION_RULES[def.rule!](config);
      if (violations.length > 0) findings.push(...toFindings(meta(def), config, violations));
    }
  }
  const secretsDef = encryptionDefs.find((d) => d.rule === 'secrets-plaintext');
  for (const cp of controlPlane.filter((c) => c.component === 'kube-apiserver')) {
    const given = cp.reader.read('encryption-provider-config').given.at(-1);
    if (!given || given.value === '') {
      // No encryption configuration at all: the API server writes every Secret to etcd in plaintext.
      if (secretsDef) findings.push(...toFindings(meta(secretsDef), cp.object, [missingEncryptionConfig(cp)]));
      continue;
    }
    if (configsNamed(inventory, given.value).length > 0) continue;
    const others = configs.length > 0 ? ` (the inputs hold ${configs.map((c) => c.source.file).join(', ')}, under other file names)` : '';
    for (const def of encryptionDefs) {
      notEvaluated.push({ target: def.id, reason: `kube-apiserver in ${describeInstance(cp)} reads its encryption configuration from ${given.value} (${given.where}), which is not among the inputs${others}: encryption at rest could not be evaluated; scan that file too` });
    }
  }
  return { findings, notEvaluated };
}

function missingEncryptionConfig(cp: ControlPlaneContainer): Violation {
  const list = Array.isArray(cp.container.spec.args) ? 'args' : 'command';
  return {
    path: [...cp.container.path, list],
    detail: `kube-apiserver in ${describeInstance(cp)} has no --encryption-provider-config: every Secret is stored in etcd (and its backups) in plaintext`,
    container: cp.container.name,
  };
}

/** What each encryption configuration among the inputs encrypts, and with which provider (for reports). */
export function encryptionSummaries(inventory: Inventory): { file: string; line: number; summary: string }[] {
  return inventory.objects.filter(isEncryptionConfig).map((o) => ({ file: o.source.file, line: o.source.line, summary: summarize(readEncryptionConfig(o)) }));
}

/**
 * The KW-API checks as `Check`s, for `runChecks` (findings only — manual checks and coverage need
 * `analyzeAccess`). Control-plane checks read every workload kind (static pods are Pods, hosted
 * control planes run as Deployments or StatefulSets).
 */
export const ACCESS_CHECKS: readonly Check[] = DEFINITIONS.checks.map((def): Check => {
  if (def.component === 'encryption-configuration') {
    const rule = ENCRYPTION_RULES[def.rule!];
    return { meta: meta(def), kinds: ENCRYPTION_KINDS, evaluate: (object) => (isEncryptionConfig(object) ? rule(object) : []) };
  }
  return {
    meta: meta(def),
    kinds: WORKLOAD_KINDS,
    evaluate: (object) => (def.assessment === 'manual' ? [] : controlPlaneOf(object).filter((cp) => cp.component === def.component).flatMap((cp) => evaluateDefinition(def, cp).violations)),
  };
});

/** The analyzer `kubeward scan` runs (see src/scan/analyzers.ts). */
export const ACCESS_ANALYZER: Analyzer<Inventory> = { name: 'access', checks: accessCheckMetas, analyze: analyzeAccess };

export { findControlPlane, type ControlPlaneContainer } from './control-plane.js';
export { DEFINITIONS, type CheckDefinition, type ComponentName } from './definitions.js';
export { parseFlags, type ParsedFlags, type FlagSyntax } from './flags.js';
