import { alias, type CheckMeta } from '../../core/catalog.js';
import type { NotEvaluated } from '../../core/coverage.js';
import type { Finding, ResourceRef } from '../../core/finding.js';
import type { EtcdEncryptionReport, ProviderCount, ResourceEncryption } from './check.js';

// Findings from what etcd actually holds. Evidence is counts and object names (namespace/name), never
// a value: the names are what the API server lists to anyone allowed to list Secrets anyway.

export const ETCD_PLAINTEXT = 'KW-NODE-301';
export const ETCD_WEAK_PROVIDER = 'KW-NODE-302';

const REFERENCES = ['https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/'];
/** Providers whose ciphertext is in etcd but that should not be used for new writes. */
const WEAK: Record<string, string> = {
  aescbc: 'aescbc (AES-CBC with PKCS#7 padding, no authentication) is vulnerable to padding-oracle attacks and not recommended',
  'kms v1': 'kms v1 is deprecated since Kubernetes 1.28 and off by default since 1.29',
};

export function etcdEncryptionCheckMetas(): CheckMeta[] {
  return [
    {
      id: ETCD_PLAINTEXT,
      title: 'Secrets stored in plaintext in etcd',
      severity: 'critical',
      category: 'nodes',
      description: 'Values under /registry/secrets/ in etcd were read and classified by their prefix: some are plain Kubernetes objects (protobuf `k8s\\0` or JSON), not `k8s:enc:` envelopes.',
      rationale: 'Anyone with the etcd data directory, a backup or an etcd client certificate reads those Secrets without going through the API server. An encryption flag on the API server only protects what is written after it was set.',
      remediation: 'Configure --encryption-provider-config with kms v2 (or aesgcm/secretbox) first for secrets, restart kube-apiserver, then rewrite every Secret: kubectl get secrets -A -o json | kubectl replace -f -',
      references: REFERENCES,
      aliases: [...alias.kubescape('C-0066')],
    },
    {
      id: ETCD_WEAK_PROVIDER,
      title: 'Data in etcd encrypted with a weak provider',
      severity: 'medium',
      category: 'nodes',
      description: 'Values in etcd carry the envelope of aescbc (`k8s:enc:aescbc:v1:`) or kms v1 (`k8s:enc:kms:v1:`).',
      rationale: 'aescbc is vulnerable to padding-oracle attacks and the Kubernetes documentation no longer recommends it; kms v1 is deprecated. Data written with them stays so until rewritten.',
      remediation: 'Put kms v2 (or aesgcm/secretbox) first in the EncryptionConfiguration, keep the old provider after it for reading, restart kube-apiserver, rewrite the objects (kubectl get secrets -A -o json | kubectl replace -f -), then drop the old provider.',
      references: [...REFERENCES, 'https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/'],
      aliases: [...alias.kubescape('C-0066')],
    },
  ];
}

const meta = (id: string): CheckMeta => etcdEncryptionCheckMetas().find((m) => m.id === id)!;
const nodeRef = (hostname: string): ResourceRef => ({ apiVersion: 'v1', kind: 'Node', name: hostname });

function finding(id: string, hostname: string, message: string, evidence: Finding['evidence']): Finding {
  const m = meta(id);
  return { checkId: id, severity: m.severity, category: m.category, title: m.title, resource: nodeRef(hostname), message, evidence, remediation: m.remediation, references: m.references };
}

function plaintextFinding(secrets: ResourceEncryption, endpoint: string, hostname: string): Finding {
  const examples = secrets.plaintextExamples.length > 0 ? ` (e.g. ${secrets.plaintextExamples.join(', ')})` : '';
  const detail = `${secrets.plaintext} of ${secrets.total} keys under ${secrets.prefix} are plaintext${examples}`;
  return finding(ETCD_PLAINTEXT, hostname, `etcd at ${endpoint}: ${detail}.`, [{ path: secrets.prefix, value: secrets.plaintext, detail }]);
}

function weakFindings(data: ResourceEncryption, endpoint: string, hostname: string): Finding[] {
  const weak = data.byProvider.filter((p) => WEAK[p.provider]);
  if (weak.length === 0) return [];
  const evidence = weak.map((p) => ({ path: data.prefix, value: p.provider, detail: `${p.count} of ${data.total} keys under ${data.prefix} use ${providerLabel(p)}: ${WEAK[p.provider]}` }));
  return [finding(ETCD_WEAK_PROVIDER, hostname, `etcd at ${endpoint}: ${evidence.map((e) => e.detail.split(':')[0]).join('; ')}.`, evidence)];
}

/** Findings (KW-NODE-301, KW-NODE-302) and what could not be evaluated, from one etcd read. */
export function etcdEncryptionFindings(report: EtcdEncryptionReport, hostname: string): { findings: Finding[]; notEvaluated: NotEvaluated[] } {
  const findings: Finding[] = [];
  const notEvaluated: NotEvaluated[] = [];
  const why = report.errors.length > 0 ? report.errors.join('; ') : 'no data was read';
  const secrets = report.resources.find((r) => r.resource === 'secrets');
  if (!secrets) notEvaluated.push({ target: ETCD_PLAINTEXT, reason: `etcd Secrets were not read on ${hostname}: ${why}` });
  else if (secrets.plaintext > 0) findings.push(plaintextFinding(secrets, report.endpoint, hostname));
  if (report.resources.length === 0) notEvaluated.push({ target: ETCD_WEAK_PROVIDER, reason: `etcd was not read on ${hostname}: ${why}` });
  for (const data of report.resources) findings.push(...weakFindings(data, report.endpoint, hostname));
  return { findings, notEvaluated };
}

const providerLabel = (p: ProviderCount): string => (p.keyName ? `${p.provider}/${p.keyName}` : p.provider);

/** The report as a plain-text table: one row per resource, one column per provider/key seen. */
export function renderEtcdEncryptionTable(report: EtcdEncryptionReport): string {
  const providers = [...new Set(report.resources.flatMap((r) => r.byProvider.map(providerLabel)))].sort();
  const header = ['RESOURCE', 'TOTAL', 'PLAINTEXT', ...providers, 'UNKNOWN'];
  const rows = report.resources.map((r) => [
    r.resource, String(r.total), String(r.plaintext),
    ...providers.map((label) => String(r.byProvider.filter((p) => providerLabel(p) === label).reduce((n, p) => n + p.count, 0))),
    String(r.unknown),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // Text columns left-aligned, counts right-aligned.
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [`etcd ${report.endpoint || '(none)'}`];
  if (rows.length > 0) out.push(line(header), ...rows.map(line));
  for (const error of report.errors) out.push(`error: ${error}`);
  return `${out.join('\n')}\n`;
}
