import type { CheckMeta } from '../core/catalog.js';
import type { Finding } from '../core/finding.js';
import type { Inventory } from '../inventory/index.js';
import { runChecks, type Check } from './check.js';
import { PSS_BASELINE_CHECKS } from './pss/baseline.js';
import { PSS_RESTRICTED_CHECKS } from './pss/restricted.js';
import { HARDENING_CHECKS } from './hardening/index.js';
import { EXPOSURE_CHECKS } from './exposure/index.js';

/** Every workload-area check, in catalog order. */
export const WORKLOAD_CHECKS: readonly Check[] = [...PSS_BASELINE_CHECKS, ...PSS_RESTRICTED_CHECKS, ...HARDENING_CHECKS, ...EXPOSURE_CHECKS];

export function workloadCheckMetas(): CheckMeta[] {
  return WORKLOAD_CHECKS.map((c) => c.meta);
}

/** The workloads analyzer: pod and container hardening, exposure, and manifest hygiene. */
export function analyzeWorkloads(inventory: Inventory): Finding[] {
  return runChecks(WORKLOAD_CHECKS, { inventory });
}

export { PSS_CONTROLS, type PssControl } from './pss/controls.js';
export { runChecks, toFindings, podCheck, objectCheck, type Check, type Violation, type CheckContext } from './check.js';
