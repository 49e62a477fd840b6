import path from 'node:path';
import type { ParsedObject } from './parse.js';
import { isClusterScoped, isJsonObject, stringMap, type InventoryObject, type JsonObject } from './object.js';
import { podSpecPathOf } from './workloads.js';

/**
 * Turns a raw object into what the API server would store: the defaults that raw YAML lacks and
 * that checks depend on are filled in, so no check has to know the defaulting rules.
 */
export function normalize(parsed: ParsedObject, key: string): InventoryObject {
  const object = parsed.raw; // parsed objects are owned by the inventory: normalize in place
  const metadata = isJsonObject(object.metadata) ? object.metadata : (object.metadata = {});
  const kind = String(object.kind);
  const explicitNamespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  const namespace = isClusterScoped(kind) ? undefined : (explicitNamespace ?? 'default');
  if (namespace !== undefined) metadata.namespace = namespace;
  // Configuration files (EncryptionConfiguration, KubeletConfiguration…) have no name: their file names them.
  const name = typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? `${metadata.generateName}*` : `<${path.basename(parsed.source.file)}>`;

  applyDefaults(kind, object);
  const result: InventoryObject = {
    key,
    apiVersion: String(object.apiVersion),
    kind,
    name,
    namespaceDefaulted: namespace !== undefined && explicitNamespace === undefined,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    object,
    source: parsed.source,
  };
  if (namespace !== undefined) result.namespace = namespace;
  return result;
}

function applyDefaults(kind: string, object: JsonObject): void {
  const spec = isJsonObject(object.spec) ? object.spec : undefined;
  if (!spec) return;
  if (kind === 'NetworkPolicy') defaultPolicyTypes(spec);
  if (kind === 'Service') defaultService(spec);
  const podSpecPath = podSpecPathOf(kind);
  if (podSpecPath) {
    let podSpec: unknown = object;
    for (const step of podSpecPath) podSpec = isJsonObject(podSpec) ? podSpec[step] : undefined;
    if (isJsonObject(podSpec)) defaultPodSpec(podSpec);
  }
}

/** NetworkPolicy: Ingress always, Egress when egress rules are present (networking/v1 defaulting). */
function defaultPolicyTypes(spec: JsonObject): void {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return;
  spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function defaultService(spec: JsonObject): void {
  if (typeof spec.type !== 'string') spec.type = spec.externalName ? 'ExternalName' : 'ClusterIP';
  if (Array.isArray(spec.ports)) for (const port of spec.ports) if (isJsonObject(port) && port.protocol === undefined) port.protocol = 'TCP';
}

function defaultPodSpec(podSpec: JsonObject): void {
  if (podSpec.serviceAccountName === undefined && typeof podSpec.serviceAccount === 'string') podSpec.serviceAccountName = podSpec.serviceAccount;
  if (podSpec.serviceAccountName === undefined) podSpec.serviceAccountName = 'default';
  for (const listName of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = podSpec[listName];
    if (!Array.isArray(list)) continue;
    for (const container of list) {
      if (!isJsonObject(container)) continue;
      if (container.imagePullPolicy === undefined && typeof container.image === 'string') {
        container.imagePullPolicy = imageTagIsLatest(container.image) ? 'Always' : 'IfNotPresent';
      }
      if (Array.isArray(container.ports)) for (const port of container.ports) if (isJsonObject(port) && port.protocol === undefined) port.protocol = 'TCP';
    }
  }
}

/** The API server's rule for the pull-policy default: `:latest` or no tag (and no digest) means Always. */
export function imageTagIsLatest(image: string): boolean {
  if (image.includes('@')) return false;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon === -1 || lastSegment.slice(colon + 1) === 'latest';
}
