import type { InventoryObject } from '../../inventory/index.js';
import { objectCheck, type Check, type Violation } from '../check.js';
import { entries, kubescape, kubescapeDoc, listing, meta, objectAt, polaris, violation } from '../hardening/util.js';

// Ingress hosts served without TLS. rules[].host and tls[].hosts have the same shape in
// networking.k8s.io/v1 and in the removed extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress
// (only backends changed), so one reading serves all three.

/** Whether a TLS host entry covers `host`: equal, or a `*.` wildcard matching exactly one leading label. */
export function tlsCovers(tlsHost: string, host: string): boolean {
  const a = tlsHost.toLowerCase();
  const b = host.toLowerCase();
  if (a === b) return true;
  if (!a.startsWith('*.')) return false;
  const suffix = a.slice(1); // ".example.com"
  if (b.startsWith('*.')) return false;
  return b.endsWith(suffix) && !b.slice(0, -suffix.length).includes('.') && b.length > suffix.length;
}

/** KW-NET-004 */
export const ingressWithoutTls = objectCheck(meta({
  id: 'KW-NET-004',
  title: 'Ingress serves hosts without TLS',
  severity: 'medium',
  category: 'network',
  description: 'An Ingress (networking.k8s.io/v1, or the removed extensions/v1beta1 and networking.k8s.io/v1beta1 shapes) has no spec.tls at all, or has rules for hosts that no spec.tls[].hosts entry covers (wildcards such as *.example.com count for one label).',
  rationale: 'Hosts without TLS are served over plain HTTP: credentials, session cookies and API tokens cross the network in clear text and can be read or altered by anyone on the path.',
  remediation: 'Add a spec.tls entry listing every rule host, with a certificate Secret (e.g. issued by cert-manager), and redirect HTTP to HTTPS in the ingress controller.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/#tls', kubescapeDoc('C-0263')],
  aliases: [...kubescape('C-0263'), ...polaris('tlsSettingsMissing')],
}), ['Ingress'], (ingress: InventoryObject) => {
  const spec = objectAt(ingress.object, 'spec') ?? {};
  const rules = entries(spec.rules);
  const tls = entries(spec.tls);
  const hostsOf = (rule: Record<string, unknown>): string | undefined => (typeof rule.host === 'string' && rule.host !== '' ? rule.host : undefined);

  if (tls.length === 0) {
    const hosts = rules.map(({ entry }) => hostsOf(entry)).filter((h): h is string => h !== undefined);
    const what = hosts.length > 0 ? `host${hosts.length > 1 ? 's' : ''} ${listing(hosts)}` : 'every host';
    return [violation(['spec', 'tls'], `Ingress \`${ingress.name}\` has no TLS section: ${what} ${hosts.length > 1 ? 'are' : 'is'} served over plain HTTP`)];
  }
  const tlsHosts = tls.flatMap(({ entry }) => (Array.isArray(entry.hosts) ? entry.hosts.filter((h): h is string => typeof h === 'string') : []));
  const out: Violation[] = [];
  for (const { entry, index } of rules) {
    const host = hostsOf(entry);
    // A rule without a host matches any host; whether TLS applies then depends on the controller's default certificate.
    if (host === undefined || tlsHosts.some((t) => tlsCovers(t, host))) continue;
    out.push(violation(['spec', 'rules', index, 'host'], `Ingress \`${ingress.name}\` serves host ${host} without TLS: no spec.tls entry lists it`, { value: host }));
  }
  return out;
});

export const INGRESS_CHECKS: readonly Check[] = [ingressWithoutTls];
