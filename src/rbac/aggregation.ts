/**
 * Aggregated ClusterRoles, as pkg/controller/clusterroleaggregation computes them: a ClusterRole with
 * `aggregationRule.clusterRoleSelectors` gets, instead of its stored rules, the union of the rules of
 * every ClusterRole any selector matches (itself excluded): selectors in order, matched roles by
 * name, rules in order, duplicates dropped. The controller re-runs on every change, so chains
 * (admin ← edit ← view) and cycles settle to a fixpoint; here it is the least one (aggregating roles
 * start empty), which is what a cluster created from these manifests reaches.
 */
import { isJsonObject, selectorMatches, type LabelSelector } from '../inventory/index.js';
import { ruleKey, ruleText } from './rules.js';
import type { Diagnostic, PolicyRule, RuleInfo } from './types.js';
import type { RoleModel } from './model.js';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * The selectors of an `aggregationRule`, or the reason `LabelSelectorAsSelector` would fail
 * (the API server rejects such a ClusterRole, and the controller leaves its rules alone).
 */
export function readAggregationRule(value: unknown): { selectors: LabelSelector[] } | { error: string } | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) return { error: 'aggregationRule is not a mapping' };
  const raw = value.clusterRoleSelectors ?? [];
  if (!Array.isArray(raw)) return { error: 'clusterRoleSelectors is not a list' };
  const selectors: LabelSelector[] = [];
  for (const [i, item] of raw.entries()) {
    if (item === null) {
      selectors.push({});
      continue;
    }
    if (!isJsonObject(item)) return { error: `clusterRoleSelectors[${i}] is not a mapping` };
    const selector: LabelSelector = {};
    if (item.matchLabels !== undefined && item.matchLabels !== null) {
      if (!isJsonObject(item.matchLabels)) return { error: `clusterRoleSelectors[${i}].matchLabels is not a mapping` };
      selector.matchLabels = Object.fromEntries(Object.entries(item.matchLabels).map(([k, v]) => [k, String(v)]));
    }
    if (item.matchExpressions !== undefined && item.matchExpressions !== null) {
      if (!Array.isArray(item.matchExpressions)) return { error: `clusterRoleSelectors[${i}].matchExpressions is not a list` };
      selector.matchExpressions = [];
      for (const expr of item.matchExpressions) {
        if (!isJsonObject(expr) || typeof expr.key !== 'string') return { error: `clusterRoleSelectors[${i}].matchExpressions has an entry without a key` };
        const operator = String(expr.operator);
        const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
        if (!OPERATORS.has(operator)) return { error: `"${operator}" is not a valid label selector operator` };
        if ((operator === 'In' || operator === 'NotIn') && values.length === 0) return { error: `for '${operator}' operator, values set can't be empty (key ${expr.key})` };
        if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) return { error: `values set must be empty for ${operator} (key ${expr.key})` };
        selector.matchExpressions.push({ key: expr.key, operator: operator as 'In', values });
      }
    }
    selectors.push(selector);
  }
  return { selectors };
}

export function storedRuleInfos(rules: readonly PolicyRule[]): RuleInfo[] {
  return rules.map((rule, index) => ({ index, rule, text: ruleText(rule) }));
}

/**
 * Sets `rules` and `aggregated` on every ClusterRole: stored rules for plain ones, the recomputed
 * union for aggregating ones. `clusterRoles` holds one role per name (duplicates already dropped).
 */
export function aggregateClusterRoles(clusterRoles: readonly RoleModel[], diagnostics: Diagnostic[]): void {
  const aggregating: { role: RoleModel; matched: RoleModel[][] }[] = [];
  const current = new Map<string, RuleInfo[]>();
  for (const role of clusterRoles) {
    role.rules = storedRuleInfos(role.storedRules);
    role.aggregated = false;
    const parsed = readAggregationRule(role.object.object.aggregationRule);
    if (parsed && 'error' in parsed) {
      diagnostics.push(diagnostic(role, 'error', 'invalid-aggregation-selector', `ClusterRole ${role.name}: invalid aggregationRule (${parsed.error}); the API server rejects it, and the aggregation controller would leave its ${role.storedRules.length} stored rule(s) as they are`, ['aggregationRule']));
    } else if (parsed) {
      const matched = parsed.selectors.map((selector) => clusterRoles.filter((other) => selectorMatches(selector, other.labels)).sort(byName));
      aggregating.push({ role, matched });
      role.aggregated = true;
    }
    current.set(role.name, role.aggregated ? [] : role.rules);
  }
  aggregating.sort((a, b) => byName(a.role, b.role));

  // Least fixpoint: every pass only adds rules, so it ends; a chain of n roles needs at most n + 1 passes.
  for (let pass = 0; pass <= aggregating.length + 1; pass++) {
    let changed = false;
    for (const { role, matched } of aggregating) {
      const next = union(role.name, matched, current);
      const before = current.get(role.name)!;
      if (next.length !== before.length || next.some((r, i) => ruleKey(r.rule) !== ruleKey(before[i]!.rule))) {
        current.set(role.name, next);
        changed = true;
      }
    }
    if (!changed) break;
  }

  for (const { role } of aggregating) {
    role.rules = current.get(role.name)!;
    const stored = role.storedRules.map(ruleKey).join('\n');
    if (role.storedRules.length > 0 && stored !== role.rules.map((r) => ruleKey(r.rule)).join('\n')) {
      diagnostics.push(diagnostic(role, 'info', 'aggregated-rules-replaced', `ClusterRole ${role.name}: its ${role.storedRules.length} stored rule(s) are replaced by the ${role.rules.length} rule(s) aggregated from the ClusterRoles its aggregationRule selects, as the aggregation controller does`, ['rules']));
    }
  }
  reportCycles(aggregating, diagnostics);
}

function union(self: string, matched: RoleModel[][], current: Map<string, RuleInfo[]>): RuleInfo[] {
  const out: RuleInfo[] = [];
  const seen = new Set<string>();
  for (const roles of matched) {
    for (const source of roles) {
      if (source.name === self) continue;
      for (const info of current.get(source.name) ?? []) {
        const key = ruleKey(info.rule);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ index: out.length, rule: info.rule, text: info.text, aggregatedFrom: info.aggregatedFrom ?? source.name });
      }
    }
  }
  return out;
}

function reportCycles(aggregating: readonly { role: RoleModel; matched: RoleModel[][] }[], diagnostics: Diagnostic[]): void {
  const edges = new Map<string, Set<string>>();
  const names = new Set(aggregating.map((a) => a.role.name));
  for (const { role, matched } of aggregating) {
    edges.set(role.name, new Set(matched.flat().map((r) => r.name).filter((n) => n !== role.name && names.has(n))));
  }
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(edges.get(from) ?? [])];
    while (stack.length) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(edges.get(next) ?? []));
    }
    return seen;
  };
  const reported = new Set<string>();
  for (const { role } of aggregating) {
    const forward = reach(role.name);
    if (!forward.has(role.name)) continue;
    const members = [...forward].filter((n) => reach(n).has(role.name)).sort();
    const key = members.join('\n');
    if (reported.has(key)) continue;
    reported.add(key);
    diagnostics.push(diagnostic(role, 'info', 'aggregation-cycle', `aggregation cycle between ClusterRoles ${members.join(', ')}: each gets the union of the rules of the others (the controller's fixpoint)`, ['aggregationRule']));
  }
}

function byName(a: RoleModel, b: RoleModel): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function diagnostic(role: RoleModel, severity: Diagnostic['severity'], code: Diagnostic['code'], message: string, path: (string | number)[]): Diagnostic {
  const object: Diagnostic['object'] = { kind: role.kind, name: role.name };
  if (role.namespace !== undefined) object.namespace = role.namespace;
  return { severity, code, message, object, position: role.object.source.locate(path) };
}
