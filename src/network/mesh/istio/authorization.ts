// Istio AuthorizationPolicy evaluation for one workload and one request (semantics §4.4).
import { stringMap } from '../../../inventory/object.js';
import {
  isJsonObject, selectorMatches,
  type Inventory, type InventoryObject, type JsonObject, type PodTemplate,
} from '../../../inventory/index.js';
import { ipInBlock, istioStringMatch, podLabels, strings } from '../common.js';

export interface AuthzRequest {
  /** Peer identity, e.g. `cluster.local/ns/shop/sa/frontend`; undefined for plaintext requests. */
  principal?: string;
  /** Peer namespace (from the mTLS identity); undefined for plaintext requests. */
  namespace?: string;
  ip?: string;
  port?: number;
  /** `http` (default) or `tcp`: for TCP, HTTP-only fields are handled as Istio does. */
  protocol?: 'http' | 'tcp';
  method?: string;
  path?: string;
  host?: string;
}

export type AuthzDecision = 'allow' | 'deny' | 'custom';

export interface AuthzResult {
  decision: AuthzDecision;
  policy?: InventoryObject;
  reason: string;
}

export function isAuthorizationPolicy(o: InventoryObject): boolean {
  return o.kind === 'AuthorizationPolicy' && o.apiVersion.startsWith('security.istio.io/');
}

export function specOf(o: InventoryObject): JsonObject {
  return isJsonObject(o.object.spec) ? o.object.spec : {};
}

export function actionOf(policy: InventoryObject): string {
  return String(specOf(policy).action ?? 'ALLOW').toUpperCase();
}

/** Policies that apply to a pod: root-namespace selector-less (mesh-wide), namespace-wide, and matching selectors. */
export function policiesFor(inventory: Inventory, pod: PodTemplate, rootNamespace: string): InventoryObject[] {
  const labels = podLabels(pod);
  return inventory.objects.filter(isAuthorizationPolicy).filter((p) => {
    const spec = specOf(p);
    if (spec.targetRef !== undefined || spec.targetRefs !== undefined) return false; // gateway / waypoint attachment
    const selector = isJsonObject(spec.selector) ? stringMap(spec.selector.matchLabels) : {};
    const inScope = p.namespace === rootNamespace || p.namespace === pod.workload.namespace;
    return inScope && selectorMatches({ matchLabels: selector }, labels);
  });
}

/** CUSTOM → DENY → ALLOW; no ALLOW policy ⇒ allow; AUDIT has no effect. */
export function evaluateAuthorization(policies: readonly InventoryObject[], request: AuthzRequest): AuthzResult {
  for (const action of ['CUSTOM', 'DENY'] as const) {
    for (const policy of policies.filter((p) => actionOf(p) === action)) {
      if (policyMatches(policy, request, action)) {
        return action === 'CUSTOM'
          ? { decision: 'custom', policy, reason: `CUSTOM policy ${policy.namespace}/${policy.name} delegates the request to ${String(specOf(policy).provider && isJsonObject(specOf(policy).provider) ? (specOf(policy).provider as JsonObject).name : 'an external authorizer')}` }
          : { decision: 'deny', policy, reason: `DENY policy ${policy.namespace}/${policy.name} matches` };
      }
    }
  }
  const allows = policies.filter((p) => actionOf(p) === 'ALLOW');
  if (allows.length === 0) return { decision: 'allow', reason: 'no ALLOW policy applies, so every request not denied is allowed' };
  for (const policy of allows) {
    if (policyMatches(policy, request, 'ALLOW')) return { decision: 'allow', policy, reason: `ALLOW policy ${policy.namespace}/${policy.name} matches` };
  }
  return { decision: 'deny', reason: `${allows.length} ALLOW ${allows.length === 1 ? 'policy applies' : 'policies apply'} and none matches (default deny)` };
}

/** A policy matches when any rule matches; a policy without rules never matches. */
export function policyMatches(policy: InventoryObject, request: AuthzRequest, action: string): boolean {
  const rules = specOf(policy).rules;
  if (!Array.isArray(rules)) return false;
  return rules.some((rule) => isJsonObject(rule) && ruleMatches(rule, request, action));
}

const HTTP_ONLY = ['requestPrincipals', 'notRequestPrincipals', 'hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];

/**
 * A rule matches when its `from` (any source), `to` (any operation) and every `when` condition match.
 * For TCP requests, a rule using HTTP-only fields never matches in an ALLOW policy and ignores those fields in a
 * DENY policy (Istio's conservative translation).
 */
export function ruleMatches(rule: JsonObject, request: AuthzRequest, action: string): boolean {
  const tcp = request.protocol === 'tcp';
  const from = Array.isArray(rule.from) ? rule.from.filter(isJsonObject) : undefined;
  const to = Array.isArray(rule.to) ? rule.to.filter(isJsonObject) : undefined;
  const when = Array.isArray(rule.when) ? rule.when.filter(isJsonObject) : [];
  if (tcp && action === 'ALLOW') {
    const uses = (o: JsonObject | undefined) => o !== undefined && HTTP_ONLY.some((f) => o[f] !== undefined);
    if ((from ?? []).some((f) => uses(isJsonObject(f.source) ? f.source : undefined))) return false;
    if ((to ?? []).some((t) => uses(isJsonObject(t.operation) ? t.operation : undefined))) return false;
  }
  if (from && from.length > 0 && !from.some((f) => sourceMatches(isJsonObject(f.source) ? f.source : {}, request, tcp))) return false;
  if (to && to.length > 0 && !to.some((t) => operationMatches(isJsonObject(t.operation) ? t.operation : {}, request, tcp))) return false;
  return when.every((c) => conditionMatches(c, request));
}

/** A field absent from the rule matches anything; `values` match by Istio string rules; `not` values exclude. */
function field(spec: JsonObject, name: string, value: string | undefined, match = istioStringMatch): boolean {
  const positive = strings(spec[name]);
  const negative = strings(spec[`not${name[0]!.toUpperCase()}${name.slice(1)}`]);
  if (positive && !positive.some((p) => match(p, value))) return false;
  if (negative && negative.some((p) => match(p, value))) return false;
  return true;
}

function sourceMatches(source: JsonObject, request: AuthzRequest, tcp: boolean): boolean {
  const ipMatch = (block: string, ip: string | undefined) => ipInBlock(block, ip);
  return field(source, 'principals', request.principal)
    && (tcp || field(source, 'requestPrincipals', undefined))
    && field(source, 'namespaces', request.namespace)
    && field(source, 'ipBlocks', request.ip, ipMatch)
    && field(source, 'remoteIpBlocks', request.ip, ipMatch);
}

function operationMatches(op: JsonObject, request: AuthzRequest, tcp: boolean): boolean {
  const port = request.port === undefined ? undefined : String(request.port);
  if (!field(op, 'ports', port, (p, v) => p === v)) return false;
  if (tcp) return true;
  return field(op, 'methods', request.method) && field(op, 'paths', request.path) && field(op, 'hosts', request.host, (p, v) => istioStringMatch(p.toLowerCase(), v?.toLowerCase()));
}

function conditionMatches(condition: JsonObject, request: AuthzRequest): boolean {
  const key = String(condition.key ?? '');
  const attrs: Record<string, string | undefined> = {
    'source.principal': request.principal,
    'source.namespace': request.namespace,
    'source.ip': request.ip,
    'remote.ip': request.ip,
    'destination.port': request.port === undefined ? undefined : String(request.port),
    'request.method': request.method,
  };
  const value = attrs[key];
  const isIp = key.endsWith('.ip');
  const match = isIp ? ipInBlock : istioStringMatch;
  const values = strings(condition.values);
  const notValues = strings(condition.notValues);
  if (values && !values.some((v) => match(v, value))) return false;
  if (notValues && notValues.some((v) => match(v, value))) return false;
  return true;
}

/** Paths of identity-based fields in a policy (principals / namespaces and their `not` forms, identity conditions). */
export function identityFields(policy: InventoryObject): { path: (string | number)[]; value: unknown }[] {
  const out: { path: (string | number)[]; value: unknown }[] = [];
  const rules = specOf(policy).rules;
  if (!Array.isArray(rules)) return out;
  rules.forEach((rule, r) => {
    if (!isJsonObject(rule)) return;
    if (Array.isArray(rule.from)) rule.from.forEach((f, i) => {
      const source = isJsonObject(f) && isJsonObject(f.source) ? f.source : undefined;
      for (const name of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces']) {
        if (source?.[name] !== undefined) out.push({ path: ['spec', 'rules', r, 'from', i, 'source', name], value: source[name] });
      }
    });
    if (Array.isArray(rule.when)) rule.when.forEach((c, i) => {
      if (isJsonObject(c) && (c.key === 'source.principal' || c.key === 'source.namespace')) out.push({ path: ['spec', 'rules', r, 'when', i, 'key'], value: c.key });
    });
  });
  return out;
}

/** Ports a policy's rules restrict to (undefined when any rule applies to every port). */
export function rulePorts(policy: InventoryObject): number[] | undefined {
  const rules = specOf(policy).rules;
  if (!Array.isArray(rules) || rules.length === 0) return undefined;
  const ports = new Set<number>();
  for (const rule of rules) {
    if (!isJsonObject(rule) || !Array.isArray(rule.to) || rule.to.length === 0) return undefined;
    for (const t of rule.to) {
      const op = isJsonObject(t) && isJsonObject(t.operation) ? t.operation : {};
      const list = strings(op.ports);
      if (!list) return undefined;
      for (const p of list) if (/^\d+$/.test(p)) ports.add(Number(p));
    }
  }
  return [...ports];
}
