import type { Finding } from '../core/finding.js';
import type { NotEvaluated } from '../core/coverage.js';
import type { ComplianceControl, ComplianceReport } from '../core/scan-result.js';
import { PSS_CONTROLS } from '../workloads/index.js';
import cisPolicies from './cis-policies.json' with { type: 'json' };

/** A framework: controls, each evaluated by zero or more checks. */
interface FrameworkControl {
  id: string;
  title: string;
  checks: string[];
  /** Only findings whose evidence path ends in one of these fields count (a check that covers several controls). */
  paths?: string[];
  /** Why a control without checks is not evaluated. */
  reason?: string;
}

interface Framework {
  id: string;
  title: string;
  controls: FrameworkControl[];
}

function pssFramework(level: 'baseline' | 'restricted'): Framework {
  const controls = PSS_CONTROLS.filter((c) => level === 'restricted' || c.level === 'baseline');
  return {
    id: `pss-${level}`,
    title: `Kubernetes Pod Security Standards, ${level} profile`,
    controls: controls.map((c) => ({ id: c.id, title: `${c.title} (${c.level})`, checks: [...c.checkIds] })),
  };
}

const FRAMEWORKS: Record<string, () => Framework> = {
  'pss-baseline': () => pssFramework('baseline'),
  'pss-restricted': () => pssFramework('restricted'),
  'cis-policies': () => cisPolicies as Framework,
};

export const COMPLIANCE_FRAMEWORKS = Object.keys(FRAMEWORKS);

export interface ComplianceInput {
  findings: Finding[];
  /** Checks that were not evaluated, with why. */
  notEvaluated: NotEvaluated[];
  /** How many objects the controls could apply to (workloads); none means nothing to evaluate. */
  workloads: number;
}

/** Per-control pass / fail / not-evaluated. A control with no check, or nothing to look at, is never "pass". */
export function evaluateCompliance(frameworkId: string, input: ComplianceInput): ComplianceReport {
  const make = FRAMEWORKS[frameworkId];
  if (!make) throw new Error(`unknown compliance framework ${frameworkId} (known: ${COMPLIANCE_FRAMEWORKS.join(', ')})`);
  const framework = make();
  const controls: ComplianceControl[] = framework.controls.map((control) => {
    const base = { id: control.id, title: control.title, checks: control.checks };
    if (control.checks.length === 0) return { ...base, status: 'not-evaluated', failures: 0, reason: control.reason ?? 'no automated check' };
    const skipped = input.notEvaluated.find((n) => control.checks.includes(n.target));
    if (skipped) return { ...base, status: 'not-evaluated', failures: 0, reason: skipped.reason };
    const failures = input.findings.filter((f) => control.checks.includes(f.checkId) && pathMatches(control, f)).length;
    if (failures > 0) return { ...base, status: 'fail', failures };
    if (input.workloads === 0) return { ...base, status: 'not-evaluated', failures: 0, reason: 'no workloads in the input' };
    return { ...base, status: 'pass', failures: 0 };
  });
  const count = (status: ComplianceControl['status']): number => controls.filter((c) => c.status === status).length;
  return {
    framework: framework.id,
    title: framework.title,
    controls,
    summary: { pass: count('pass'), fail: count('fail'), notEvaluated: count('not-evaluated') },
  };
}

function pathMatches(control: FrameworkControl, finding: Finding): boolean {
  if (!control.paths) return true;
  return finding.evidence.some((e) => control.paths!.some((field) => e.path.endsWith(`.${field}`) || e.path === field));
}
