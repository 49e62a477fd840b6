import type { Category, Severity } from './severity.js';

/** Where something was seen: a file position, or a cluster URL for live objects. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** The Kubernetes object a finding is about. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The file (and position of the document) the object came from. */
  source?: SourcePosition;
}

/** What exactly was seen: a JSON path into the object, the value there, and where it is in the file. */
export interface Evidence {
  /** JSON path from the object's root, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  path: string;
  /** The value seen at `path`; `undefined` when the finding is about a missing field. */
  value?: unknown;
  /** Position of `path` in the source (or of its closest existing ancestor when the field is missing). */
  position?: SourcePosition;
  /** One sentence on what was seen, e.g. "container `app` sets privileged: true". */
  detail?: string;
}

export interface Finding {
  checkId: string;
  severity: Severity;
  category: Category;
  title: string;
  resource: ResourceRef;
  message: string;
  evidence: Evidence[];
  remediation: string;
  references: string[];
  /** Container the finding is about, when it is about one. */
  container?: string;
}

/** A finding that an exception or annotation suppressed, and why. */
export interface SuppressedFinding extends Finding {
  suppression: { by: 'ignore-file' | 'annotation'; reason: string; source: string; expires?: string };
}

export function resourceLabel(resource: ResourceRef): string {
  const ns = resource.namespace ? `${resource.namespace}/` : '';
  return `${resource.kind} ${ns}${resource.name}`;
}

export function positionLabel(position: SourcePosition | undefined): string {
  return position ? `${position.file}:${position.line}:${position.column}` : '';
}
