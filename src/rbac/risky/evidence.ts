/**
 * Grants as evidence: the binding's subject entry and the role's rule, each with its JSON path and
 * source position, and one-line labels for messages (binding (file:line) → role → rule).
 */
import type { Evidence } from '../../core/finding.js';
import { formatPath, isJsonObject, type InventoryObject } from '../../inventory/index.js';
import { readPolicyRule, ruleText, type Grant, type RoleRefInfo } from '../index.js';
import { subjectText, type RbacAnalysisContext } from './context.js';
import { grantKey } from './patterns.js';

/**
 * The string as one flat piece. V8 keeps a string built by concatenation as a tree of its pieces
 * until something flattens it; messages and evidence live as long as the report, and as trees
 * they take twice the memory.
 */
export function flat(text: string): string {
  // reading a character flattens the string in place; the sink keeps the read from being optimized away
  flatSink ^= text.length ? text.charCodeAt(text.length - 1) : 0;
  return text;
}
let flatSink = 0;

export function bindingText(binding: Grant['binding']): string {
  return `${binding.kind} ${binding.namespace !== undefined ? `${binding.namespace}/` : ''}${binding.name}`;
}

export function roleText(role: RoleRefInfo): string {
  return `${role.kind} ${role.namespace !== undefined ? `${role.namespace}/` : ''}${role.name}`;
}

/** `file:line` of the binding. */
export function bindingWhere(binding: Grant['binding']): string {
  return `${binding.source.file}:${binding.source.line}`;
}

/** `ClusterRoleBinding ci (rbac.yaml:12) → ClusterRole deployer → rules[1] {apiGroups: [""], resources: [pods], verbs: [create]}`. */
export function grantChain(grant: Grant): string {
  const from = grant.rule.aggregatedFrom ? ` (aggregated from ClusterRole ${grant.rule.aggregatedFrom})` : '';
  return `${bindingText(grant.binding)} (${bindingWhere(grant.binding)}) → ${roleText(grant.role)} → rules[${grant.rule.index}]${from} ${grant.rule.text}`;
}

/** `ClusterRoleBinding ci (rbac.yaml:12) → ClusterRole deployer → rules[1]`: the chain without the rule's text (that is in the evidence). */
export function grantChainShort(grant: Grant): string {
  return `${bindingText(grant.binding)} (${bindingWhere(grant.binding)}) → ${roleText(grant.role)} → rules[${grant.rule.index}]`;
}

/** `cluster-wide`, `in namespace dev`, `in namespaces a, b and 3 more`. */
export function whereText(where: readonly string[]): string {
  if (where.includes('*')) return 'cluster-wide';
  if (where.length === 1) return `in namespace ${where[0]}`;
  const shown = where.slice(0, 5);
  return `in namespaces ${shown.join(', ')}${where.length > shown.length ? ` and ${where.length - shown.length} more` : ''}`;
}

/** The index of the binding's `subjects` entry that names the grant's subject. */
function subjectIndex(binding: InventoryObject, grant: Grant): number {
  const subjects = Array.isArray(binding.object.subjects) ? binding.object.subjects : [];
  const bindingNamespace = grant.binding.namespace ?? '';
  return subjects.findIndex((s) => isJsonObject(s) && s.kind === grant.subject.kind && s.name !== null && s.name !== undefined && String(s.name) === grant.subject.name
    && (grant.subject.kind !== 'ServiceAccount' || ((typeof s.namespace === 'string' && s.namespace) || bindingNamespace) === grant.subject.namespace));
}

/** The role object that holds the rule as written (for an aggregated rule, the ClusterRole it came from) and its index there. */
function ruleLocation(ctx: RbacAnalysisContext, grant: Grant): { object: InventoryObject; index: number } | undefined {
  let memo = locationMemo.get(ctx);
  if (!memo) locationMemo.set(ctx, (memo = new Map()));
  const key = `${grant.role.kind}\u0000${grant.role.namespace ?? ''}\u0000${grant.role.name}\u0000${grant.rule.index}`;
  let known = memo.get(key);
  if (known === undefined) memo.set(key, (known = findRule(ctx, grant) ?? null));
  return known ?? undefined;
}

function findRule(ctx: RbacAnalysisContext, grant: Grant): { object: InventoryObject; index: number } | undefined {
  const object = grant.rule.aggregatedFrom
    ? ctx.objectOf('ClusterRole', undefined, grant.rule.aggregatedFrom)
    : ctx.objectOf(grant.role.kind, grant.role.namespace, grant.role.name);
  if (!object) return undefined;
  const rules = Array.isArray(object.object.rules) ? object.object.rules : [];
  const matches = (i: number): boolean => i >= 0 && i < rules.length && ruleText(readPolicyRule(rules[i]).rule) === grant.rule.text;
  if (!grant.rule.aggregatedFrom && matches(grant.rule.index)) return { object, index: grant.rule.index };
  const index = rules.findIndex((_, i) => matches(i));
  return index === -1 ? undefined : { object, index };
}

const evidenceMemo = new WeakMap<RbacAnalysisContext, Map<string, Evidence[]>>();

/** Two pieces of evidence per grant: the binding's subject entry, and the rule in its role (memoized: findings share grants). */
export function grantEvidence(ctx: RbacAnalysisContext, grant: Grant): Evidence[] {
  let memo = evidenceMemo.get(ctx);
  if (!memo) evidenceMemo.set(ctx, (memo = new Map()));
  const key = flat(`${grantKey(grant)}\u0000${grant.role.kind}\u0000${grant.role.name}`);
  let known = memo.get(key);
  if (!known) memo.set(key, (known = computeEvidence(ctx, grant)));
  return known;
}

const locationMemo = new WeakMap<RbacAnalysisContext, Map<string, { object: InventoryObject; index: number } | null>>();

function computeEvidence(ctx: RbacAnalysisContext, grant: Grant): Evidence[] {
  const out: Evidence[] = [];
  const binding = ctx.objectOf(grant.binding.kind, grant.binding.namespace, grant.binding.name);
  const scope = grant.binding.kind === 'RoleBinding' ? ` in namespace ${grant.binding.namespace}` : ' cluster-wide';
  const bindingDetail = flat(`${bindingText(grant.binding)} binds ${subjectText(grant.subject)} to ${roleText(grant.role)}${scope}`);
  const i = binding ? subjectIndex(binding, grant) : -1;
  if (binding && i >= 0) {
    const path = ['subjects', i];
    out.push({ path: flat(formatPath(path)), value: (binding.object.subjects as unknown[])[i], position: binding.source.locate(path), detail: bindingDetail });
  } else {
    out.push({ path: 'subjects', position: { ...grant.binding.source }, detail: bindingDetail });
  }

  const location = ruleLocation(ctx, grant);
  const aggregated = grant.rule.aggregatedFrom ? ` (aggregated into ${roleText(grant.role)})` : '';
  if (location) {
    const path = ['rules', location.index];
    const owner = `${location.object.kind} ${location.object.namespace !== undefined ? `${location.object.namespace}/` : ''}${location.object.name}`;
    const builtin = ctx.isBuiltin(location.object);
    const item: Evidence = {
      path: flat(formatPath(path)),
      value: (location.object.object.rules as unknown[])[location.index],
      detail: flat(`${owner}${builtin ? ' (Kubernetes default, not in the input)' : ''} rules[${location.index}]${aggregated}: ${grant.rule.text}`),
    };
    if (!builtin) item.position = location.object.source.locate(path);
    out.push(item);
  } else {
    out.push({ path: flat(`rules[${grant.rule.index}]`), detail: flat(`${roleText(grant.role)} rules[${grant.rule.index}]${aggregated}: ${grant.rule.text}`) });
  }
  return out;
}
