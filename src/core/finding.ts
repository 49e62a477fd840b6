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
  /** Image findings: the image the finding is about. */
  image?: ImageContext;
  /** Vulnerability findings: the package affected (installed and fixed version). */
  package?: PackageContext;
  /** Vulnerability findings: the advisory matched. */
  advisory?: AdvisoryContext;
  /** Image findings in `scan --images`: the workloads that run the image. */
  affects?: ResourceRef[];
  /** Node findings: the benchmark recommendation that fails, e.g. CIS Kubernetes Benchmark v1.12.0 1.2.6. */
  benchmark?: BenchmarkRef;
}

export interface BenchmarkRef {
  /** `cis-1.12` */
  id: string;
  /** `CIS Kubernetes Benchmark` */
  title: string;
  /** `1.12.0` */
  version: string;
  /** The recommendation, e.g. `1.2.6`. */
  control: string;
}

export interface ImageContext {
  reference: string;
  digest?: string;
  platform?: string;
}

export interface PackageContext {
  type: string;
  name: string;
  version: string;
  purl: string;
  /** Version that fixes the advisory; absent = no fix yet. */
  fixedVersion?: string;
  source?: { name: string; version: string };
  /** File that recorded the package, and the layer that wrote it. */
  path?: string;
  layerDigest?: string;
}

export interface AdvisoryContext {
  id: string;
  aliases: string[];
  /** What the severity was computed from, e.g. `CVSS:3.1/AV:N/… = 9.8`, or `vendor: high`. */
  severityBasis: string;
  cvss?: { version: string; vector: string; score: number };
  /** Scanners that reported it (`kubeward`, `trivy`, `grype`) when results were merged. */
  foundBy?: string[];
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
