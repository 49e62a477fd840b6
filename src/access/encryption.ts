import { isJsonObject, type Inventory, type InventoryObject, type JsonPath } from '../inventory/index.js';
import type { Violation } from '../workloads/check.js';

// Encryption at rest: what an EncryptionConfiguration (the file kube-apiserver's
// --encryption-provider-config names) does to each resource. The first entry whose `resources`
// matches a resource governs it, and the first provider of that entry encrypts every write; the
// other providers are only tried when reading. `identity` first therefore means plaintext.

/** Kinds an encryption configuration file is written as. */
export const ENCRYPTION_KINDS = ['EncryptionConfiguration', 'EncryptionConfig'] as const;

const PROVIDER_TYPES = ['identity', 'aescbc', 'aesgcm', 'secretbox', 'kms'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export interface ProviderView {
  type: ProviderType;
  /** kms only: v1 (the default when apiVersion is left out) or v2. */
  kmsVersion?: 'v1' | 'v2';
  /** kms plugin name, or the names of the keys. */
  name?: string;
  index: number;
  path: JsonPath;
}

export interface ResourceRule {
  index: number;
  resources: string[];
  providers: ProviderView[];
  path: JsonPath;
}

export interface EncryptionConfigView {
  rules: ResourceRule[];
  /** Why the API server would refuse the file (empty when it is well-formed). */
  problems: string[];
}

/** True for objects that are encryption configuration files. */
export function isEncryptionConfig(object: InventoryObject): boolean {
  if (object.kind === 'EncryptionConfiguration') return /^apiserver\.(config\.)?k8s\.io\//.test(object.apiVersion);
  return object.kind === 'EncryptionConfig' && object.apiVersion === 'v1'; // before Kubernetes 1.13
}

export function readEncryptionConfig(object: InventoryObject): EncryptionConfigView {
  const problems: string[] = [];
  const rules: ResourceRule[] = [];
  const list = object.object.resources;
  if (!Array.isArray(list) || list.length === 0) return { rules, problems: ['`resources` is missing or empty'] };
  list.forEach((entry, index) => {
    const path: JsonPath = ['resources', index];
    if (!isJsonObject(entry)) {
      problems.push(`resources[${index}] is not a mapping`);
      return;
    }
    const resources = Array.isArray(entry.resources) ? entry.resources.filter((r): r is string => typeof r === 'string').map((r) => r.toLowerCase()) : [];
    if (resources.length === 0) problems.push(`resources[${index}] lists no resources`);
    const providers: ProviderView[] = [];
    (Array.isArray(entry.providers) ? entry.providers : []).forEach((p, pi) => {
      const ppath: JsonPath = [...path, 'providers', pi];
      const types = isJsonObject(p) ? Object.keys(p).filter((k) => (PROVIDER_TYPES as readonly string[]).includes(k)) : [];
      if (types.length !== 1) {
        problems.push(`resources[${index}].providers[${pi}] must name exactly one of ${PROVIDER_TYPES.join(', ')}`);
        return;
      }
      const type = types[0] as ProviderType;
      const body = (p as Record<string, unknown>)[type];
      const view: ProviderView = { type, index: pi, path: ppath };
      if (type === 'kms') {
        view.kmsVersion = isJsonObject(body) && body.apiVersion === 'v2' ? 'v2' : 'v1';
        if (isJsonObject(body) && typeof body.name === 'string') view.name = body.name;
      } else if (type !== 'identity' && isJsonObject(body) && Array.isArray(body.keys)) {
        const names = body.keys.flatMap((k) => (isJsonObject(k) && typeof k.name === 'string' ? [k.name] : []));
        if (names.length > 0) view.name = names.join(', ');
      }
      providers.push(view);
    });
    if (providers.length === 0) problems.push(`resources[${index}] has no valid provider`);
    rules.push({ index, resources, providers, path });
  });
  return { rules, problems };
}

const matches = (pattern: string, resource: string): boolean => {
  if (pattern === '*.*') return true;
  const [res, group = ''] = resource.split(/\.(.*)/s);
  if (pattern === '*.') return group === '';
  if (pattern.startsWith('*.')) return group === pattern.slice(2);
  return pattern === resource || (group === '' && pattern === `${res}.`);
};

/** The first rule that governs `resource` (`secrets`, `deployments.apps`…). */
export function ruleFor(view: EncryptionConfigView, resource: string): ResourceRule | undefined {
  return view.rules.find((r) => r.resources.some((p) => matches(p, resource)));
}

export function providerLabel(p: ProviderView): string {
  if (p.type === 'kms') return `kms ${p.kmsVersion}${p.name ? ` (${p.name})` : ''}`;
  return p.type;
}

/** `secrets, configmaps → aesgcm; *.* → identity` */
export function summarize(view: EncryptionConfigView): string {
  return view.rules
    .filter((r) => r.providers.length > 0)
    .map((r) => `${r.resources.join(', ')} → ${providerLabel(r.providers[0]!)}${r.providers.length > 1 ? ` (then ${r.providers.slice(1).map(providerLabel).join(', ')} for reading)` : ''}`)
    .join('; ');
}

/** Resources a rule actually governs: those no earlier rule lists. */
function effectiveResources(view: EncryptionConfigView, rule: ResourceRule): string[] {
  const earlier = new Set(view.rules.filter((r) => r.index < rule.index).flatMap((r) => r.resources));
  return rule.resources.filter((r) => !earlier.has(r));
}

const WEAK_WHY: Record<string, string> = {
  aescbc: 'aescbc is AES-CBC with PKCS#7 padding and no authentication: it is open to padding-oracle attacks, and the Kubernetes documentation no longer recommends it; aesgcm, secretbox or (better) a KMS v2 plugin are stronger',
  'kms v1': 'KMS v1 is deprecated since Kubernetes 1.28 and off by default since 1.29 (feature gate KMSv1): it makes a network call to the plugin for every write and does not cache data keys; use KMS v2 (apiVersion: v2)',
};

/** KW: Secrets written in plaintext (identity first) or not covered at all. */
export function secretsPlaintext(object: InventoryObject): Violation[] {
  const view = readEncryptionConfig(object);
  if (view.problems.length > 0 && view.rules.every((r) => r.providers.length === 0)) return [];
  const summary = summarize(view);
  const rule = ruleFor(view, 'secrets');
  if (!rule) {
    return [{ path: ['resources'], detail: `no entry of this EncryptionConfiguration matches secrets (no \`secrets\`, \`*.\` or \`*.*\`), so the API server stores Secrets in etcd unencrypted; it encrypts: ${summary || 'nothing'}` }];
  }
  const first = rule.providers[0];
  if (!first || first.type !== 'identity') return [];
  const later = rule.providers.slice(1).map(providerLabel);
  const how = later.length > 0 ? `identity is first, so Secrets are written in plaintext (${later.join(', ')} ${later.length > 1 ? 'are' : 'is'} only used to read data written earlier)` : 'identity is the only provider, so Secrets are written in plaintext';
  return [{ path: first.path, value: 'identity', detail: `resources[${rule.index}] (${rule.resources.join(', ')}) governs Secrets and ${how}` }];
}

/** KW: other resources listed but written in plaintext. */
export function resourcesPlaintext(object: InventoryObject): Violation[] {
  const view = readEncryptionConfig(object);
  const secretsRule = ruleFor(view, 'secrets');
  const out: Violation[] = [];
  for (const rule of view.rules) {
    const first = rule.providers[0];
    if (!first || first.type !== 'identity') continue;
    const resources = effectiveResources(view, rule).filter((r) => !(rule === secretsRule && matches(r, 'secrets') && !r.startsWith('*')));
    if (resources.length === 0) continue;
    const shown = resources.map((r) => (r === '*.*' ? '*.* (every other resource)' : r === '*.' ? '*. (every other core resource)' : r));
    out.push({ path: first.path, value: 'identity', detail: `resources[${rule.index}] lists ${shown.join(', ')} with identity first: ${resources.length > 1 ? 'they are' : 'it is'} stored unencrypted` });
  }
  return out;
}

/** KW: a weaker provider (aescbc, KMS v1) encrypts writes. */
export function weakProvider(object: InventoryObject): Violation[] {
  const view = readEncryptionConfig(object);
  const out: Violation[] = [];
  for (const rule of view.rules) {
    const first = rule.providers[0];
    if (!first) continue;
    const label = first.type === 'kms' ? `kms ${first.kmsVersion}` : first.type;
    const why = WEAK_WHY[label];
    if (!why) continue;
    const resources = effectiveResources(view, rule);
    if (resources.length === 0) continue;
    out.push({ path: first.path, value: providerLabel(first), detail: `resources[${rule.index}] (${resources.join(', ')}) is encrypted with ${providerLabel(first)}: ${why}` });
  }
  return out;
}

/** Encryption configurations among the inputs whose file name is the basename of `path` (the file the API server reads). */
export function configsNamed(inventory: Inventory, path: string): InventoryObject[] {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === '') return [];
  return inventory.objects.filter((o) => isEncryptionConfig(o) && o.source.file.slice(Math.max(o.source.file.lastIndexOf('/'), o.source.file.lastIndexOf('\\')) + 1) === base);
}
