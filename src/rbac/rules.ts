/**
 * Rule matching, one function per helper of k8s.io/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go
 * and `RuleAllows` of plugin/pkg/auth/authorizer/rbac/rbac.go. Pure functions, same names, same
 * semantics, including the corner cases (see README.md).
 */
import { isJsonObject } from '../inventory/index.js';
import { isNonResourceRequest, type PolicyRule, type RbacRequest, type ResourceRequest } from './types.js';

/** `VerbMatches`: the rule lists the verb, or `*`. */
export function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const ruleVerb of rule.verbs) if (ruleVerb === '*' || ruleVerb === verb) return true;
  return false;
}

/** `APIGroupMatches`: the rule lists the group (`""` is core), or `*`. */
export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  for (const ruleGroup of rule.apiGroups) if (ruleGroup === '*' || ruleGroup === group) return true;
  return false;
}

/**
 * `ResourceMatches`: `combined` is `resource` or `resource/subresource`. The rule resource `*`
 * matches everything, an exact string matches itself, and `*` + `/sub` (e.g. `*` `/scale`) matches that
 * subresource of any resource.
 * `pods` does not cover `pods/exec`, and there is no `pods/*` form.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const ruleResource of rule.resources) {
    if (ruleResource === '*' || ruleResource === combined) return true;
    if (subresource.length === 0) continue;
    if (ruleResource.length === subresource.length + 2 && ruleResource.startsWith('*/') && ruleResource.endsWith(subresource)) return true;
  }
  return false;
}

/** `ResourceNameMatches`: no resourceNames means any name; otherwise the name must be listed (a request without a name is `""`). */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (rule.resourceNames.length === 0) return true;
  for (const ruleName of rule.resourceNames) if (ruleName === name) return true;
  return false;
}

/** `NonResourceURLMatches`: `*`, an exact URL, or a prefix when the rule URL ends in `*` (all trailing `*` trimmed, as Go's TrimRight). */
export function nonResourceURLMatches(rule: PolicyRule, url: string): boolean {
  for (const ruleURL of rule.nonResourceURLs) {
    if (ruleURL === '*' || ruleURL === url) return true;
    if (ruleURL.endsWith('*') && url.startsWith(ruleURL.replace(/\*+$/, ''))) return true;
  }
  return false;
}

/** `resource` or `resource/subresource`, as the authorizer compares it. */
export function combinedResource(request: ResourceRequest): string {
  return request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
}

/** `RuleAllows`: every condition of one rule holds for the request. */
export function ruleAllows(request: RbacRequest, rule: PolicyRule): boolean {
  if (isNonResourceRequest(request)) return verbMatches(rule, request.verb) && nonResourceURLMatches(rule, request.nonResourceURL);
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, combinedResource(request), request.subresource ?? '') &&
    resourceNameMatches(rule, request.name ?? '')
  );
}

/** What a rule lacks for a request: one phrase per failed condition (empty when it allows it). */
export function ruleMismatches(request: RbacRequest, rule: PolicyRule): string[] {
  const out: string[] = [];
  if (!verbMatches(rule, request.verb)) out.push(`verb ${request.verb} not in ${list(rule.verbs)}`);
  if (isNonResourceRequest(request)) {
    if (!nonResourceURLMatches(rule, request.nonResourceURL)) {
      out.push(rule.nonResourceURLs.length ? `URL ${request.nonResourceURL} not matched by ${list(rule.nonResourceURLs)}` : 'the rule is for resources, not non-resource URLs');
    }
    return out;
  }
  if (!apiGroupMatches(rule, request.apiGroup)) out.push(`API group ${groupText(request.apiGroup)} not in ${list(rule.apiGroups.map(groupText))}`);
  const combined = combinedResource(request);
  if (!resourceMatches(rule, combined, request.subresource ?? '')) {
    const parent = rule.resources.includes(request.resource) && request.subresource;
    out.push(parent
      ? `${combined} not in ${list(rule.resources)} (${request.resource} does not cover its subresources)`
      : rule.resources.length ? `${combined} not in ${list(rule.resources)}` : 'the rule is for non-resource URLs, not resources');
  }
  if (!resourceNameMatches(rule, request.name ?? '')) {
    out.push(request.name ? `name ${request.name} not in resourceNames ${list(rule.resourceNames)}` : `the rule is limited to resourceNames ${list(rule.resourceNames)} and the request has no name`);
  }
  return out;
}

/** The rule in YAML flow style, the way a reader would write it. */
export function ruleText(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups.length) parts.push(`apiGroups: ${list(rule.apiGroups.map(groupText))}`);
  if (rule.resources.length) parts.push(`resources: ${list(rule.resources.map(quoteStar))}`);
  if (rule.resourceNames.length) parts.push(`resourceNames: ${list(rule.resourceNames.map(quoteStar))}`);
  if (rule.nonResourceURLs.length) parts.push(`nonResourceURLs: ${list(rule.nonResourceURLs.map(quoteStar))}`);
  parts.push(`verbs: ${list(rule.verbs.map(quoteStar))}`);
  return `{${parts.join(', ')}}`;
}

function groupText(group: string): string {
  return group === '' || group === '*' ? JSON.stringify(group) : group;
}

function quoteStar(value: string): string {
  return value === '' || value.startsWith('*') ? JSON.stringify(value) : value;
}

function list(values: readonly string[]): string {
  return `[${values.join(', ')}]`;
}

export const RULE_FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** Reads a PolicyRule from an object's `rules[i]`; problems (not a list, not strings) are returned as messages. */
export function readPolicyRule(value: unknown): { rule: PolicyRule; problems: string[] } {
  const rule: PolicyRule = { verbs: [], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [] };
  const problems: string[] = [];
  if (!isJsonObject(value)) return { rule, problems: ['rule is not a mapping'] };
  for (const field of RULE_FIELDS) {
    const raw = value[field];
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw)) {
      problems.push(`${field} is not a list`);
      continue;
    }
    for (const item of raw) {
      if (typeof item !== 'string') problems.push(`${field} has a ${item === null ? 'null' : typeof item} item ${JSON.stringify(item)} (the API server accepts only strings)`);
      if (item !== null && item !== undefined) rule[field].push(String(item));
    }
  }
  return { rule, problems };
}

/** The checks of `ValidatePolicyRule` (pkg/apis/rbac/validation): rules the API server would reject. */
export function policyRuleProblems(rule: PolicyRule, namespaced: boolean): string[] {
  const out: string[] = [];
  if (rule.verbs.length === 0) out.push('verbs must contain at least one value');
  if (rule.nonResourceURLs.length > 0) {
    if (namespaced) out.push('namespaced rules cannot apply to non-resource URLs');
    if (rule.apiGroups.length || rule.resources.length || rule.resourceNames.length) out.push('rules cannot apply to both regular resources and non-resource URLs');
    return out;
  }
  if (rule.apiGroups.length === 0) out.push('resource rules must supply at least one api group');
  if (rule.resources.length === 0) out.push('resource rules must supply at least one resource');
  return out;
}

/** A key that is equal for two rules exactly when Go's reflect.DeepEqual would say so (after decoding). */
export function ruleKey(rule: PolicyRule): string {
  return JSON.stringify([rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]);
}
