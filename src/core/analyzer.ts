import type { CheckMeta } from './catalog.js';
import type { NotEvaluated } from './coverage.js';
import type { Finding } from './finding.js';

/** What one analyzer found in an inventory, and what it could not evaluate. */
export interface AnalyzerOutput {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
}

/**
 * One area of the scan (workloads, access, rbac…). Analyzers read the inventory and return data;
 * they never print and never read CLI flags.
 */
export interface Analyzer<Input> {
  name: string;
  /** The catalog entries of every check the analyzer can report. */
  checks(): CheckMeta[];
  analyze(input: Input): AnalyzerOutput;
}
