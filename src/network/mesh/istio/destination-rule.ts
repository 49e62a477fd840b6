// Client-side TLS from DestinationRules (semantics §4.2): host matching, exportTo, lookup order, port-level settings.
import { isJsonObject, type Inventory, type InventoryObject, type JsonPath } from '../../../inventory/index.js';
import { strings } from '../common.js';

export type ClientTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

export interface ClientTls {
  /** undefined: no DestinationRule sets TLS, auto-mTLS decides. */
  mode?: ClientTlsMode;
  rule?: InventoryObject;
  path?: JsonPath;
  reason: string;
}

export function isDestinationRule(o: InventoryObject): boolean {
  return o.kind === 'DestinationRule' && o.apiVersion.startsWith('networking.istio.io/');
}

/** The FQDN a DestinationRule host means (short names are relative to the rule's namespace). */
export function qualifyHost(host: string, ruleNamespace: string, domain: string): string {
  if (host === '*' || host.includes('.')) return host;
  return `${host}.${ruleNamespace}.svc.${domain}`;
}

/** Does a (qualified) rule host cover `fqdn`? Returns a specificity (higher is narrower) or -1. */
export function hostMatch(ruleHost: string, fqdn: string, domain: string): number {
  const candidates = [ruleHost];
  // `reviews.prod` (name.namespace) and `reviews.prod.svc` are accepted forms too.
  if (!ruleHost.startsWith('*') && !ruleHost.endsWith(`.svc.${domain}`)) {
    candidates.push(`${ruleHost}.svc.${domain}`, `${ruleHost}.${domain}`);
  }
  for (const host of candidates) {
    if (host === fqdn) return 1000;
    if (host === '*') return 0;
    if (host.startsWith('*.') && fqdn.endsWith(host.slice(1))) return host.length;
  }
  return -1;
}

/** Is the rule visible to clients in `namespace`? `exportTo` defaults to every namespace. */
export function exportedTo(rule: InventoryObject, namespace: string): boolean {
  const spec = isJsonObject(rule.object.spec) ? rule.object.spec : {};
  const exportTo = strings(spec.exportTo) ?? ['*'];
  if (exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === namespace || (e === '.' && rule.namespace === namespace));
}

function tlsMode(value: unknown): ClientTlsMode | undefined {
  if (!isJsonObject(value) || value.mode === undefined) return undefined;
  const mode = String(value.mode).toUpperCase();
  return mode === 'DISABLE' || mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'ISTIO_MUTUAL' ? mode : undefined;
}

/** The TLS a rule sets for one service port, or undefined when it sets none. */
export function ruleTls(rule: InventoryObject, servicePort: number | undefined): { mode: ClientTlsMode; path: JsonPath } | undefined {
  const spec = isJsonObject(rule.object.spec) ? rule.object.spec : {};
  const policy = isJsonObject(spec.trafficPolicy) ? spec.trafficPolicy : {};
  const portSettings = Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [];
  if (servicePort !== undefined) {
    for (const [i, entry] of portSettings.entries()) {
      if (!isJsonObject(entry) || !isJsonObject(entry.port) || entry.port.number !== servicePort) continue;
      const mode = tlsMode(entry.tls);
      if (mode) return { mode, path: ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'] };
    }
  }
  const mode = tlsMode(policy.tls);
  return mode ? { mode, path: ['spec', 'trafficPolicy', 'tls', 'mode'] } : undefined;
}

/** Every TLS setting of a rule (top-level and per port), for conflict checks. */
export function ruleTlsSettings(rule: InventoryObject): { mode: ClientTlsMode; path: JsonPath; port?: number }[] {
  const spec = isJsonObject(rule.object.spec) ? rule.object.spec : {};
  const policy = isJsonObject(spec.trafficPolicy) ? spec.trafficPolicy : {};
  const out: { mode: ClientTlsMode; path: JsonPath; port?: number }[] = [];
  const top = tlsMode(policy.tls);
  if (top) out.push({ mode: top, path: ['spec', 'trafficPolicy', 'tls', 'mode'] });
  const portSettings = Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [];
  for (const [i, entry] of portSettings.entries()) {
    if (!isJsonObject(entry) || !isJsonObject(entry.port) || typeof entry.port.number !== 'number') continue;
    const mode = tlsMode(entry.tls);
    if (mode) out.push({ mode, port: entry.port.number, path: ['spec', 'trafficPolicy', 'portLevelSettings', i, 'tls', 'mode'] });
  }
  return out;
}

/**
 * The DestinationRule a client in `clientNs` uses for service `fqdn` (in `serviceNs`):
 * client namespace → service namespace → root namespace; within one namespace the narrowest host, then input order.
 */
export function destinationRuleFor(
  inventory: Inventory, clientNs: string, serviceNs: string, fqdn: string, rootNamespace: string, domain: string,
): InventoryObject | undefined {
  const rules = inventory.objects.filter(isDestinationRule);
  for (const ns of [clientNs, serviceNs, rootNamespace]) {
    let best: { rule: InventoryObject; score: number } | undefined;
    for (const rule of rules) {
      if (rule.namespace !== ns || !exportedTo(rule, clientNs)) continue;
      const spec = isJsonObject(rule.object.spec) ? rule.object.spec : {};
      if (typeof spec.host !== 'string') continue;
      const score = hostMatch(qualifyHost(spec.host, ns, domain), fqdn, domain);
      if (score >= 0 && (!best || score > best.score)) best = { rule, score };
    }
    if (best) return best.rule;
  }
  return undefined;
}

/** Client TLS towards a service port. */
export function clientTls(
  inventory: Inventory, clientNs: string, service: InventoryObject, servicePort: number | undefined, rootNamespace: string, domain: string,
): ClientTls {
  const serviceNs = service.namespace ?? 'default';
  const fqdn = `${service.name}.${serviceNs}.svc.${domain}`;
  const rule = destinationRuleFor(inventory, clientNs, serviceNs, fqdn, rootNamespace, domain);
  if (!rule) return { reason: `no DestinationRule for ${fqdn}: auto-mTLS applies` };
  const tls = ruleTls(rule, servicePort);
  if (!tls) return { rule, reason: `DestinationRule ${rule.namespace}/${rule.name} sets no TLS for ${fqdn}: auto-mTLS applies` };
  return { mode: tls.mode, rule, path: tls.path, reason: `DestinationRule ${rule.namespace}/${rule.name} sets tls.mode ${tls.mode} for ${fqdn}` };
}
