import type { CheckMeta } from '../../core/catalog.js';
import type { Evidence, Finding } from '../../core/finding.js';
import { compareSeverityDesc, type Severity } from '../../core/severity.js';
import type { ImageConfig } from '../model.js';

// How every image check turns what it saw into a finding, so they all look the same.

/** The image a finding is about (what ImageContentInput.image carries). */
export interface ImageIdentity {
  reference: string;
  repository: string;
  tag?: string;
  manifestDigest: string;
  platform: string;
}

/** Everything the content checks read. */
export interface ImageContentView {
  image: ImageIdentity;
  config: ImageConfig;
}

/** At most this many pieces of evidence per finding; the message says how many were left out. */
export const MAX_EVIDENCE = 200;

/** Evidence about a file of the image; `line` (1-based) when it is about one line of it. */
export function fileEvidence(path: string, detail: string, options: { line?: number; column?: number; value?: unknown } = {}): Evidence {
  const evidence: Evidence = { path, detail };
  if (options.value !== undefined) evidence.value = options.value;
  if (options.line !== undefined) evidence.position = { file: path, line: options.line, column: options.column ?? 1 };
  return evidence;
}

/** Evidence about a field of the image config, by its JSON path (`config.Env[2]`, `history[3].created_by`). */
export function configEvidence(path: string, detail: string, value?: unknown): Evidence {
  const evidence: Evidence = { path, detail };
  if (value !== undefined) evidence.value = value;
  return evidence;
}

/** The most severe of the given severities. */
export function worstSeverity(severities: readonly Severity[], fallback: Severity): Severity {
  return [...severities].sort(compareSeverityDesc)[0] ?? fallback;
}

/**
 * One finding of `meta` about the image. `message` says what was seen; evidence beyond MAX_EVIDENCE
 * is left out and counted in the message. `severity` overrides the check's (secret findings take
 * the severity of the rule matched).
 */
export function imageFinding(meta: CheckMeta, view: ImageContentView, message: string, evidence: Evidence[], severity?: Severity): Finding {
  const kept = evidence.slice(0, MAX_EVIDENCE);
  const omitted = evidence.length - kept.length;
  const { image } = view;
  return {
    checkId: meta.id,
    severity: severity ?? meta.severity,
    category: meta.category,
    title: meta.title,
    resource: { apiVersion: 'kubeward.io/v1', kind: 'Image', name: image.reference },
    image: { reference: image.reference, digest: image.manifestDigest, platform: image.platform },
    message: omitted > 0 ? `${message} (${omitted} more not listed)` : message,
    evidence: kept,
    remediation: meta.remediation,
    references: meta.references,
  };
}

/** "1 file" / "3 files". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
