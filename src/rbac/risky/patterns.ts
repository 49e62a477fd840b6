/**
 * Permission patterns answered through the evaluator: each alternative request is one memoized
 * who-can (every namespace), grants are then kept by scope, and a pattern of several requirements
 * holds for a subject where every requirement is granted to it — directly or through one of its
 * groups — in the same place (cluster-wide, or one namespace).
 */
import { appliesToUser, type Grant, type ResourceRequest, type Subject } from '../index.js';
import type { Pattern, RequestSet, Requirement, Scope } from './catalog.js';
import { ANY_GROUP, ANY_RESOURCE, ANY_VERB, matchKey, subjectKey, type Holder, type RbacAnalysisContext } from './context.js';

/** Where a pattern holds for one subject, and the grants that make it hold. */
export interface Holding {
  subject: Subject;
  /** `*` (cluster-wide: then the only entry) or the namespaces, sorted. */
  where: string[];
  /** Every grant used, in requirement order; the first is the subject's own when there is one. */
  grants: Grant[];
}

export interface Alternative {
  request: ResourceRequest;
  bindingNamespace: boolean;
  /**
   * The request was asked without its name, because no rule of the input lists that name in its
   * resourceNames: the named request is then allowed by exactly the grants whose rule has no
   * resourceNames, which are kept. (One question instead of one per name.)
   */
  unrestrictedOnly: boolean;
}

/** The requests of a request set: every verb × resource × name. */
export function alternatives(ctx: RbacAnalysisContext, set: RequestSet): Alternative[] {
  const out: Alternative[] = [];
  for (const verb of set.verbs) {
    for (const resource of set.resources) {
      const names = set.names ?? [undefined];
      // names no rule lists all get the answer of the nameless request (unless a rule lists "", which a nameless request matches)
      const listed = names.filter((n) => n === undefined || ctx.resourceNames.has(n));
      const unlisted = names.length - listed.length > 0 && !ctx.resourceNames.has('');
      const asked: { name: string | undefined; unrestrictedOnly: boolean }[] = listed.map((name) => ({ name, unrestrictedOnly: false }));
      if (unlisted) asked.push({ name: undefined, unrestrictedOnly: true });
      else for (const name of names) if (!listed.includes(name)) asked.push({ name, unrestrictedOnly: false });
      for (const { name, unrestrictedOnly } of asked) {
        let request: ResourceRequest;
        if (resource === '@any') request = { verb: verb === '@any' ? ANY_VERB : verb, apiGroup: ANY_GROUP, resource: ANY_RESOURCE };
        else {
          const parsed = ctx.index.request({ verb: verb === '@any' ? ANY_VERB : verb, resource, ...(name !== undefined ? { name } : {}) }).request as ResourceRequest;
          const { namespace: _dropped, ...rest } = parsed;
          request = rest;
        }
        out.push({ request, bindingNamespace: set.bindingNamespace === true, unrestrictedOnly });
      }
    }
  }
  return out;
}

/** Whether a grant of this scope (`*` or a namespace) counts for a pattern scope. */
export function inScope(ctx: RbacAnalysisContext, scope: Scope, grantScope: string): boolean {
  if (grantScope === '*') return true;
  if (scope === 'cluster') return false;
  return scope === 'namespaced' || ctx.isPrivileged(grantScope);
}

/** Subjects granted any alternative of a requirement, with the grants in scope (bootstrap grants set aside). */
export function requirementHolders(ctx: RbacAnalysisContext, requirement: Requirement, scope: Scope): Map<string, Holder> {
  const memoKey = `${scope}\u0000${JSON.stringify(requirement)}`;
  let memo = requirementMemo.get(ctx);
  if (!memo) requirementMemo.set(ctx, (memo = new Map()));
  const cached = memo.get(memoKey);
  if (cached) return cached;
  const out = new Map<string, Holder>();
  const keys = new Map<string, Set<string>>();
  for (const set of requirement.anyOf) {
    for (const alt of alternatives(ctx, set)) {
      const holders = alt.bindingNamespace ? ctx.bindHolders(alt.request) : ctx.holders(alt.request);
      const everything = scope === 'namespaced' && !alt.unrestrictedOnly;
      const keep = (g: Grant): boolean => inScope(ctx, scope, g.scope) && (!alt.unrestrictedOnly || g.rule.rule.resourceNames.length === 0);
      for (const [key, holder] of holders) {
        const known = out.get(key);
        if (!known) {
          const grants = everything ? holder.grants : holder.grants.filter(keep);
          if (grants.length) out.set(key, { subject: holder.subject, grants });
          continue;
        }
        let seen = keys.get(key);
        if (!seen) {
          keys.set(key, (seen = new Set(known.grants.map(grantKey))));
          known.grants = [...known.grants]; // the first list may be shared with the memo of holders
        }
        for (const g of holder.grants) {
          if (!everything && !keep(g)) continue;
          const k = grantKey(g);
          if (seen.has(k)) continue;
          seen.add(k);
          known.grants.push(g);
        }
      }
    }
  }
  memo.set(memoKey, out);
  return out;
}

const requirementMemo = new WeakMap<RbacAnalysisContext, Map<string, Map<string, Holder>>>();

/** One key per (binding, subject, rule): the same grant found by two questions. */
export function grantKey(g: Grant): string {
  return `${g.binding.kind}\u0000${g.binding.namespace ?? ''}\u0000${g.binding.name}\u0000${g.rule.index}\u0000${g.subject.kind}\u0000${g.subject.namespace ?? ''}\u0000${g.subject.name}`;
}

export function sameGrant(a: Grant, b: Grant): boolean {
  return a.binding.kind === b.binding.kind && a.binding.name === b.binding.name && (a.binding.namespace ?? '') === (b.binding.namespace ?? '')
    && a.rule.index === b.rule.index && a.subject.kind === b.subject.kind && a.subject.name === b.subject.name && (a.subject.namespace ?? '') === (b.subject.namespace ?? '');
}

/** `*` when a grant is cluster-wide, else the sorted namespaces of the grants. */
export function whereOf(grants: readonly Grant[]): string[] {
  if (grants.some((g) => g.scope === '*')) return ['*'];
  return [...new Set(grants.map((g) => g.scope))].sort();
}

/** Where one pattern holds, per subject key. */
export function evaluatePattern(ctx: RbacAnalysisContext, pattern: Pattern): Map<string, Holding> {
  const perRequirement = pattern.allOf.map((r) => requirementHolders(ctx, r, pattern.scope));
  const out = new Map<string, Holding>();
  if (perRequirement.length === 1) {
    for (const [key, holder] of perRequirement[0]!) out.set(key, { subject: holder.subject, where: whereOf(holder.grants), grants: holder.grants });
    return out;
  }

  // several requirements: index every holder by the key users match it under
  const byMatchKey = perRequirement.map((holders) => {
    const index = new Map<string, Holder[]>();
    for (const holder of holders.values()) {
      const k = matchKey(holder.subject);
      if (k === undefined) continue;
      const list = index.get(k);
      if (list) list.push(holder);
      else index.set(k, [holder]);
    }
    return index;
  });
  const candidates = new Map<string, Subject>();
  for (const holders of perRequirement) for (const [key, holder] of holders) candidates.set(key, holder.subject);

  // a subject qualifies only if some key it is matched under holds each requirement
  const holderKeys = byMatchKey.map((index) => new Set(index.keys()));
  for (const [key, subject] of candidates) {
    const { user, keys } = ctx.identity(subject);
    if (!holderKeys.every((set) => keys.some((k) => set.has(k)))) continue;
    // the grants of each requirement that reach this subject: its own, and its groups'
    const reaching = byMatchKey.map((index) => {
      const grants: Grant[] = [];
      for (const k of keys) for (const holder of index.get(k) ?? []) if (appliesToUser(user, holder.subject, '')) grants.push(...holder.grants);
      return grants;
    });
    if (reaching.some((g) => g.length === 0)) continue;
    const places = new Set<string>(['*']);
    for (const grants of reaching) for (const g of grants) places.add(g.scope);
    const where: string[] = [];
    if (reaching.every((grants) => grants.some((g) => g.scope === '*'))) where.push('*');
    else for (const place of [...places].filter((p) => p !== '*').sort()) if (reaching.every((grants) => grants.some((g) => g.scope === '*' || g.scope === place))) where.push(place);
    if (!where.length) continue;
    const used = reaching.flatMap((grants) => grants.filter((g) => where.includes('*') ? g.scope === '*' : g.scope === '*' || where.includes(g.scope)));
    const own = used.filter((g) => subjectKey(g.subject) === key);
    // reported for the subjects that hold part of it themselves; a combination held only through groups is reported on the group
    if (!own.length) continue;
    const grants = [...own, ...used.filter((g) => !own.includes(g))];
    out.set(key, { subject, where, grants: dedupe(grants) });
  }
  return out;
}

function dedupe(grants: Grant[]): Grant[] {
  const seen = new Set<string>();
  return grants.filter((g) => {
    const k = grantKey(g);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Merges holdings of several patterns of one check. */
export function mergeHoldings(target: Map<string, Holding>, more: Map<string, Holding>): void {
  for (const [key, h] of more) {
    const known = target.get(key);
    if (!known) {
      target.set(key, { subject: h.subject, where: [...h.where], grants: [...h.grants] });
      continue;
    }
    known.grants = dedupe([...known.grants, ...h.grants]);
    known.where = known.where.includes('*') || h.where.includes('*') ? ['*'] : [...new Set([...known.where, ...h.where])].sort();
  }
}
