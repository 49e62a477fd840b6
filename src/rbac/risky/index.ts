/**
 * Risky RBAC grants (KW-RBAC-*, category `access`): who can read Secrets, create pods, bind,
 * escalate, impersonate, approve certificates… where it matters, evaluated through the exact RBAC
 * evaluator. See README.md beside this file.
 */
import type { CheckMeta } from '../../core/catalog.js';
import { RISKY_CHECKS } from './catalog.js';

export { analyzeRiskyGrants, riskyHoldings, workloadsOf, hasWildcard, MAX_EVIDENCE_GRANTS, type RiskyGrantsResult } from './analyze.js';
export { RISKY_CHECKS, DEFAULT_PRIVILEGED_NAMESPACES, riskyCheck, type RiskyCheck, type Pattern, type Requirement, type RequestSet, type Scope, type Match } from './catalog.js';
export {
  analysisContext, withDefaultRoles, missingDefaultRoles, RbacAnalysisContext, subjectKey, matchKey, identityOf, identityKeys, subjectText, subjectOfUser, bindingRef, BUILTIN_SOURCE,
  type RbacAnalysisOptions, type Holder, type BindingRecord, type BindingRules, type WorkloadRecord, type TokenSecret,
} from './context.js';
export { evaluatePattern, requirementHolders, alternatives, inScope, whereOf, type Holding } from './patterns.js';
export { grantEvidence, grantChain, grantChainShort, bindingText, roleText, whereText, flat } from './evidence.js';

/** Catalog entries of every KW-RBAC check, in id order. */
export function riskyGrantMetas(): CheckMeta[] {
  return RISKY_CHECKS.map((c) => c.meta);
}
