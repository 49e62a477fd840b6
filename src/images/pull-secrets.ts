import type { Inventory } from '../inventory/index.js';
import { decodeAuthEntry, pickByHost } from './sources/credentials.js';
import { parseReference } from './sources/reference.js';

// `scan --images` pulls with the credentials the cluster would use: the image pull secrets a pod
// names, then those of its service account (https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod),
// read from the Secrets among the inputs (kubernetes.io/dockerconfigjson or the legacy dockercfg).

/** A pull secret a workload names, in its namespace. */
export interface PullSecretRef {
  namespace: string;
  name: string;
}

export interface PullCredentials {
  username: string;
  password: string;
  /** `Secret shop/regcred`, for messages (never the secret itself). */
  origin: string;
}

/** Names in an `imagePullSecrets` list (`[{ name }]`), in order. */
export function pullSecretNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => (entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string' ? [(entry as { name: string }).name] : []));
}

/**
 * The first of `refs` (in the kubelet's order) whose Secret holds credentials for the registry of
 * `reference`; undefined when none does (the pull then uses docker's config, or goes anonymous).
 * Secrets that cannot be read are skipped and described in `problems`.
 */
export function pullSecretCredentials(inventory: Inventory, reference: string, refs: readonly PullSecretRef[], problems: string[] = []): PullCredentials | undefined {
  let host: string;
  try {
    host = parseReference(reference).registry;
  } catch {
    return undefined;
  }
  for (const ref of refs) {
    const secret = inventory.find('Secret', ref.namespace, ref.name);
    if (!secret) continue;
    const origin = `Secret ${ref.namespace}/${ref.name}`;
    const auths = dockerAuths(secret.object, origin, problems);
    const entry = auths ? pickByHost(auths, host) : undefined;
    if (!entry || typeof entry !== 'object') continue;
    try {
      const found = decodeAuthEntry(entry as Record<string, unknown>, origin);
      if (found) return { ...found, origin };
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return undefined;
}

/** The `auths` map of a dockerconfigjson Secret (or the whole map of a legacy dockercfg one), from `data` (base64) or `stringData`. */
function dockerAuths(secret: Record<string, unknown>, origin: string, problems: string[]): Record<string, unknown> | undefined {
  const type = secret.type;
  const key = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
  const data = secret.data && typeof secret.data === 'object' ? (secret.data as Record<string, unknown>)[key] : undefined;
  const stringData = secret.stringData && typeof secret.stringData === 'object' ? (secret.stringData as Record<string, unknown>)[key] : undefined;
  const text = typeof stringData === 'string' ? stringData : typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : undefined;
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    const config = parsed as Record<string, unknown>;
    const auths = key === '.dockercfg' ? config : config.auths;
    return auths && typeof auths === 'object' ? (auths as Record<string, unknown>) : undefined;
  } catch {
    // The parser's message quotes the text, which is a credential: say only what is wrong.
    problems.push(`${origin}: ${key} is not docker config JSON`);
    return undefined;
  }
}
