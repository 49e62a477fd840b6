import type { CheckMeta } from '../../core/catalog.js';
import type { Evidence, Finding } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import type { NodeCheckStatus, NodeSnapshot } from '../model.js';

// The one finding builder and the outcome type every host check returns.

/** What one host check concluded: its status, a one-line reason, and the findings when it failed. */
export interface HostOutcome {
  status: Exclude<NodeCheckStatus, 'manual'>;
  reason: string;
  findings: Finding[];
}

export const pass = (reason: string): HostOutcome => ({ status: 'pass', reason, findings: [] });
export const notEvaluated = (reason: string): HostOutcome => ({ status: 'not-evaluated', reason, findings: [] });
export const fail = (reason: string, findings: Finding[]): HostOutcome => ({ status: 'fail', reason, findings });

/** Evidence about a node file: `path` is the node path; line/column locate the value when known. */
export function nodeEvidence(path: string, detail: string, at: { value?: unknown; line?: number; column?: number } = {}): Evidence {
  return {
    path,
    ...(at.value === undefined ? {} : { value: at.value }),
    ...(at.line === undefined ? {} : { position: { file: path, line: at.line, column: at.column ?? 1 } }),
    detail,
  };
}

export interface FindingOptions {
  /** Lower (or higher) than the check's own severity, e.g. key-only root SSH login. */
  severity?: Severity;
  /** The exact change for this finding; defaults to the check's remediation. */
  remediation?: string;
}

/** A finding about the node: resource `v1/Node <hostname>`. */
export function hostFinding(meta: CheckMeta, snapshot: NodeSnapshot, message: string, evidence: Evidence[], options: FindingOptions = {}): Finding {
  return {
    checkId: meta.id,
    severity: options.severity ?? meta.severity,
    category: meta.category,
    title: meta.title,
    resource: { apiVersion: 'v1', kind: 'Node', name: snapshot.hostname },
    message,
    evidence,
    remediation: options.remediation ?? meta.remediation,
    references: meta.references,
  };
}

/** `1 account`, `2 accounts`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
