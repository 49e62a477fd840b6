import type { CheckMeta } from './catalog.js';
import type { InputError, InputNote, NotEvaluated } from './coverage.js';
import type { Finding, SuppressedFinding } from './finding.js';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from './severity.js';
import type { ImageReport } from '../images/model.js';
import type { NodeReport } from '../nodes/model.js';

/** Version of the JSON report schema (docs/json-report.md). Bump the major on breaking changes. */
export const SCAN_RESULT_SCHEMA_VERSION = '1.0.0';

export type ControlStatus = 'pass' | 'fail' | 'not-evaluated';

export interface ComplianceControl {
  id: string;
  title: string;
  status: ControlStatus;
  checks: string[];
  /** Findings (after exceptions) that fail the control. */
  failures: number;
  /** Why the control was not evaluated, when it was not. */
  reason?: string;
}

export interface ComplianceReport {
  framework: string;
  title: string;
  controls: ComplianceControl[];
  summary: { pass: number; fail: number; notEvaluated: number };
}

export interface ExpiredException {
  checkId: string;
  match: string;
  reason: string;
  expires: string;
  source: string;
}

export interface ScanSummary {
  objects: number;
  workloads: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  byCategory: Record<Category, number>;
  suppressed: number;
}

/** Everything one scan produced. Reports are pure functions of this. */
export interface ScanResult {
  schemaVersion: string;
  tool: { name: 'kubeward'; version: string };
  command: string;
  startedAt: string;
  durationMs: number;
  inputs: string[];
  summary: ScanSummary;
  findings: Finding[];
  suppressed: SuppressedFinding[];
  notEvaluated: NotEvaluated[];
  inputErrors: InputError[];
  notes: InputNote[];
  expiredExceptions: ExpiredException[];
  /** Metadata of every check that ran (reports describe rules from it). */
  checks: CheckMeta[];
  compliance?: ComplianceReport;
  /** Images scanned (`kubeward image`, `scan --images`): packages and metadata. */
  images?: ImageReport[];
  /** Nodes scanned (`kubeward node`, `kubeward report merge`): benchmark and host checks, per check. */
  nodes?: NodeReport[];
}

/** Counts for the report header: objects and workloads scanned, findings by severity and category. */
export function summarizeFindings(objects: number, workloads: number, findings: readonly Finding[], suppressed: number): ScanSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as ScanSummary['bySeverity'];
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as ScanSummary['byCategory'];
  for (const f of findings) {
    bySeverity[f.severity]++;
    byCategory[f.category]++;
  }
  return { objects, workloads, findings: findings.length, bySeverity, byCategory, suppressed };
}
