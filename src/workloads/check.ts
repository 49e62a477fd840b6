import type { CheckMeta } from '../core/catalog.js';
import type { Evidence, Finding } from '../core/finding.js';
import {
  formatPath, podTemplateOf, resourceRef,
  type Inventory, type InventoryObject, type JsonPath, type PodTemplate,
} from '../inventory/index.js';

/** One thing a check saw that breaks its rule. */
export interface Violation {
  /** Path from the object's root to the offending field (or to where the missing field belongs). */
  path: JsonPath;
  /** The value seen there; leave undefined for a missing field. */
  value?: unknown;
  /** One sentence saying what was seen, e.g. "container `app` sets privileged: true". */
  detail: string;
  /** Container name, when the violation is about one container. */
  container?: string;
}

export interface CheckContext {
  inventory: Inventory;
}

/** A check: its catalog entry and a function from one object to its violations. */
export interface Check {
  meta: CheckMeta;
  /** Object kinds the check reads; undefined means every workload kind (anything with a pod template). */
  kinds?: readonly string[];
  /** `pod` is the object's pod template, computed once per object by the runner. */
  evaluate(object: InventoryObject, context: CheckContext, pod?: PodTemplate): Violation[];
}

/** A check over the pod a workload runs, whatever its controller kind. */
export function podCheck(meta: CheckMeta, evaluate: (pod: PodTemplate, context: CheckContext) => Violation[]): Check {
  return {
    meta,
    evaluate: (object, context, pod = podTemplateOf(object)) => (pod ? evaluate(pod, context) : []),
  };
}

/** A check over objects of the given kinds. */
export function objectCheck(meta: CheckMeta, kinds: readonly string[], evaluate: (object: InventoryObject, context: CheckContext) => Violation[]): Check {
  return { meta, kinds, evaluate };
}

/** Runs every check on every object it applies to, and turns violations into findings with evidence. */
export function runChecks(checks: readonly Check[], context: CheckContext): Finding[] {
  const findings: Finding[] = [];
  const workloadChecks = checks.filter((c) => c.kinds === undefined);
  const byKind = new Map<string, Check[]>();
  for (const check of checks) for (const kind of check.kinds ?? []) byKind.set(kind, [...(byKind.get(kind) ?? []), check]);

  for (const object of context.inventory.objects) {
    const pod = podTemplateOf(object);
    const applicable = [...(pod ? workloadChecks : []), ...(byKind.get(object.kind) ?? [])];
    for (const check of applicable) {
      const violations = check.evaluate(object, context, pod);
      if (violations.length > 0) findings.push(...toFindings(check.meta, object, violations));
    }
  }
  return findings;
}

/** One finding per (check, object, container); each violation becomes one piece of evidence. */
export function toFindings(meta: CheckMeta, object: InventoryObject, violations: Violation[]): Finding[] {
  const groups = new Map<string, Violation[]>();
  for (const violation of violations) {
    const key = violation.container ?? '';
    groups.set(key, [...(groups.get(key) ?? []), violation]);
  }
  return [...groups.entries()].map(([container, group]) => {
    const evidence: Evidence[] = group.map((v) => {
      const item: Evidence = { path: formatPath(v.path), position: object.source.locate(v.path), detail: v.detail };
      if (v.value !== undefined) item.value = v.value;
      return item;
    });
    const more = group.length > 1 ? ` (and ${group.length - 1} more)` : '';
    const finding: Finding = {
      checkId: meta.id,
      severity: meta.severity,
      category: meta.category,
      title: meta.title,
      resource: resourceRef(object),
      message: `${group[0]!.detail}${more}`,
      evidence,
      remediation: meta.remediation,
      references: meta.references,
    };
    if (container) finding.container = container;
    return finding;
  });
}
