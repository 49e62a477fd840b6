import type { SourcePosition } from './finding.js';

/**
 * Something the scan could not evaluate. It is reported as such and never counts as passed:
 * a Helm chart without helm, a compliance control with no automated check, a check whose input was absent.
 */
export interface NotEvaluated {
  /** What was not evaluated: a check id, a compliance control, or an input path. */
  target: string;
  reason: string;
}

/** Input that could not be read or parsed. The run goes on with the rest and exits 2. */
export interface InputError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** Input that was deliberately skipped (not a Kubernetes object, empty document…). */
export interface InputNote {
  file: string;
  line?: number;
  message: string;
}

export function inputErrorLabel(error: InputError | InputNote): string {
  const where = [error.file, error.line, 'column' in error ? error.column : undefined].filter((p) => p !== undefined).join(':');
  return `${where}: ${error.message}`;
}

export function positionOf(error: InputError): SourcePosition | undefined {
  return error.line === undefined ? undefined : { file: error.file, line: error.line, column: error.column ?? 1 };
}
