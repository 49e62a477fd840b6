import { isEncryptionConfig, readEncryptionConfig, ruleFor, summarize, type ProviderView } from '../../access/encryption.js';
import { normalize, parseManifests } from '../../inventory/index.js';
import type { EtcdEncryptionReport, ResourceEncryption } from './check.js';

// What the API server's EncryptionConfiguration does to Secrets and ConfigMaps (reusing the reader
// of src/access/encryption.ts), and where the data in etcd disagrees with it.

/** Why each provider is or is not a good choice (Kubernetes "Encrypting Confidential Data at Rest"). */
export const PROVIDER_ADVICE: Record<string, string> = {
  identity: 'identity writes plaintext: nothing is encrypted',
  aescbc: 'aescbc is vulnerable to padding-oracle attacks and not recommended; use kms v2 (or aesgcm / secretbox)',
  aesgcm: 'aesgcm is strong, but its random nonce requires rotating the key every 200,000 writes',
  secretbox: 'secretbox (XSalsa20-Poly1305) is sound; the key still sits on the control-plane disk next to the data',
  'kms v1': 'kms v1 is deprecated since Kubernetes 1.28 (off by default since 1.29); move to kms v2',
  'kms v2': 'kms v2 is the recommended provider: the key-encryption key stays in an external KMS',
};

/** What the configuration does to one resource. */
export interface ResourcePlan {
  resource: string;
  /** Index of the `resources[]` entry that governs it; absent when none does (stored in plaintext). */
  rule?: number;
  /** Provider that encrypts writes (`identity` = plaintext). */
  writeProvider: string;
  /** Key (aescbc/aesgcm/secretbox: first key; kms: plugin name) new writes use. */
  writeKey?: string;
  /** Every provider the API server can read with, in order, with its key names. */
  readable: { provider: string; keys: string[] }[];
  plaintext: boolean;
  advice: string;
}

export interface EncryptionConfigAnalysis {
  file: string;
  /** `secrets, configmaps → aesgcm; *.* → identity`. */
  summary: string;
  plans: ResourcePlan[];
  /** Why the file is unusable or suspect (parse errors with file:line, no EncryptionConfiguration…). */
  problems: string[];
}

const ANALYZED = ['secrets', 'configmaps'];

const labelOf = (p: ProviderView): string => (p.type === 'kms' ? `kms ${p.kmsVersion}` : p.type);
const keysOf = (p: ProviderView): string[] => (p.name ? p.name.split(', ') : []);

/** Reads an EncryptionConfiguration file's text and says what it does to Secrets and ConfigMaps. */
export function analyzeEncryptionConfig(text: string, file = 'encryption-configuration.yaml'): EncryptionConfigAnalysis {
  const parsed = parseManifests(text, file, 'file');
  const problems = parsed.errors.map((e) => `${e.file}:${e.line ?? 1}:${e.column ?? 1}: ${e.message}`);
  const objects = parsed.objects.map((o, i) => normalize(o, String(i))).filter(isEncryptionConfig);
  const analysis: EncryptionConfigAnalysis = { file, summary: '', plans: [], problems };
  const object = objects[0];
  if (!object) {
    problems.push(`${file}: no EncryptionConfiguration (apiVersion apiserver.config.k8s.io/v1) in the file`);
    return analysis;
  }
  if (objects.length > 1) problems.push(`${file}: ${objects.length} EncryptionConfigurations; the API server reads only one, the first is analysed`);
  const view = readEncryptionConfig(object);
  problems.push(...view.problems.map((p) => `${file}:${object.source.line}: ${p}`));
  analysis.summary = summarize(view);
  for (const resource of ANALYZED) {
    const rule = ruleFor(view, resource);
    const first = rule?.providers[0];
    const writeProvider = first ? labelOf(first) : 'identity';
    const plan: ResourcePlan = {
      resource,
      writeProvider,
      readable: rule ? rule.providers.map((p) => ({ provider: labelOf(p), keys: keysOf(p) })) : [{ provider: 'identity', keys: [] }],
      plaintext: writeProvider === 'identity',
      advice: rule ? PROVIDER_ADVICE[writeProvider] ?? writeProvider : `no entry matches ${resource}: ${PROVIDER_ADVICE.identity}`,
    };
    if (rule) plan.rule = rule.index;
    const writeKey = first ? keysOf(first)[0] : undefined;
    if (writeKey !== undefined) plan.writeKey = writeKey;
    analysis.plans.push(plan);
  }
  return analysis;
}

export type MismatchKind = 'plaintext-remaining' | 'stale-key' | 'unreadable' | 'unknown-values';

/** A place where the data in etcd disagrees with what the configuration writes. */
export interface EncryptionMismatch {
  resource: string;
  kind: MismatchKind;
  count: number;
  message: string;
  remediation: string;
}

const rewrite = (resource: string): string => `kubectl get ${resource} -A -o json | kubectl replace -f -`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Compares what etcd holds with what the configuration would write. */
export function compareWithConfig(report: EtcdEncryptionReport, config: EncryptionConfigAnalysis): EncryptionMismatch[] {
  return report.resources.flatMap((data) => {
    const plan = config.plans.find((p) => p.resource === data.resource);
    return plan ? compareResource(data, plan) : [];
  });
}

function compareResource(data: ResourceEncryption, plan: ResourcePlan): EncryptionMismatch[] {
  const out: EncryptionMismatch[] = [];
  const { resource } = data;
  const readsPlaintext = plan.readable.some((r) => r.provider === 'identity');
  const configured = `the configuration writes ${resource} with ${plan.writeProvider}${plan.writeKey ? ` (key ${plan.writeKey})` : ''}`;
  if (!plan.plaintext && data.plaintext > 0) {
    const cannot = readsPlaintext ? '' : '; identity is not among the providers, so the API server cannot even read them';
    out.push({
      resource, kind: 'plaintext-remaining', count: data.plaintext,
      message: `${configured}, but ${data.plaintext} of ${data.total} keys under ${data.prefix} are still plaintext: they were written before encryption was enabled and are only encrypted when rewritten${cannot}`,
      remediation: `Rewrite every object so the API server encrypts it: ${rewrite(resource)}`,
    });
  }
  for (const entry of data.byProvider) {
    if (entry.provider === plan.writeProvider && (plan.writeKey === undefined || entry.keyName === plan.writeKey)) continue;
    const reader = plan.readable.find((r) => r.provider === entry.provider && (r.keys.length === 0 || entry.keyName === undefined || r.keys.includes(entry.keyName)));
    const what = `${plural(entry.count, 'key')} under ${data.prefix} ${entry.count === 1 ? 'is' : 'are'} encrypted with ${entry.provider}${entry.keyName ? ` key ${entry.keyName}` : ''}`;
    out.push(reader
      ? { resource, kind: 'stale-key', count: entry.count, message: `${what}, which the configuration only keeps for reading; ${configured}`, remediation: `Finish the key rotation: ${rewrite(resource)}, then remove the old key from the configuration.` }
      : { resource, kind: 'unreadable', count: entry.count, message: `${what}, which the configuration does not list: the API server cannot decrypt them`, remediation: `Add ${entry.provider}${entry.keyName ? ` key ${entry.keyName}` : ''} back to the providers for ${resource} (after the write provider), restart kube-apiserver, then ${rewrite(resource)}.` });
  }
  if (data.unknown > 0) {
    out.push({ resource, kind: 'unknown-values', count: data.unknown, message: `${plural(data.unknown, 'value')} under ${data.prefix} ${data.unknown === 1 ? 'is' : 'are'} neither a Kubernetes object nor a k8s:enc: envelope`, remediation: `Find out what wrote them (not the API server); etcdctl get --keys-only --prefix ${data.prefix} lists the keys.` });
  }
  return out;
}
