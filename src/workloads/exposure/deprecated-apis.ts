import type { InventoryObject } from '../../inventory/index.js';
import { objectCheck, type Check } from '../check.js';
import { kubeLinter, ksv, meta, violation } from '../hardening/util.js';
import table from './deprecated-apis.json' with { type: 'json' };

// Manifests written against API versions the API server no longer serves. The table is data
// (deprecated-apis.json), transcribed from the Kubernetes deprecated API migration guide.

export interface RemovedApi {
  apiVersion: string;
  kind: string;
  removedIn: string;
  replacement: string | null;
  replacementSince?: string;
  note?: string;
}

interface TableRow { apiVersion: string; kinds: string[]; removedIn: string; replacement: string | null; replacementSince?: string; note?: string }

export const REMOVED_APIS: readonly RemovedApi[] = (table.apis as TableRow[]).flatMap(({ kinds, ...row }) => kinds.map((kind) => ({ ...row, kind })));

const byKey = new Map(REMOVED_APIS.map((api) => [`${api.apiVersion}|${api.kind}`, api]));

/** The removal record for an object's apiVersion and kind, if that pair is no longer served. */
export function removedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  return byKey.get(`${apiVersion.trim()}|${kind}`);
}

const MIGRATION_GUIDE = 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/';

/** KW-DEP-001 */
export const removedApiVersion = objectCheck(meta({
  id: 'KW-DEP-001',
  title: 'Deprecated or removed API version',
  severity: 'low',
  description: 'The object uses an apiVersion for its kind that Kubernetes has deprecated and stopped serving (extensions/v1beta1, apps/v1beta1 and v1beta2, policy/v1beta1, batch/v1beta1, networking.k8s.io/v1beta1, rbac.authorization.k8s.io/v1beta1, autoscaling/v2beta1 and v2beta2, flowcontrol v1beta1–v1beta3, storage.k8s.io/v1beta1 CSIStorageCapacity, …). The finding names the release that removed it and the apiVersion to migrate to.',
  rationale: 'A current API server rejects the manifest, so the object is not deployed as reviewed: fixes in it never reach the cluster, or an old copy keeps running. Old API versions also carry insecure defaults that the replacements changed (e.g. PodSecurityPolicy had no successor API, extensions/v1beta1 Deployments did not require a selector).',
  remediation: 'Change apiVersion to the replacement named in the finding and adjust the fields that changed (see the migration guide); `kubectl convert` can rewrite a manifest.',
  references: [MIGRATION_GUIDE],
  aliases: [...ksv('KSV-0107'), ...kubeLinter('no-extensions-v1beta')],
}), [...new Set(REMOVED_APIS.map((api) => api.kind))].sort(), (object: InventoryObject) => {
  const api = removedApi(object.apiVersion, object.kind);
  if (!api) return [];
  const since = api.replacementSince ? ` (available since ${api.replacementSince})` : '';
  const instead = api.replacement ? `; use ${api.replacement}${since}` : '';
  const note = api.note ? `; ${api.note}` : '';
  return [violation(['apiVersion'], `${object.kind} \`${object.name}\` uses ${object.apiVersion}, which Kubernetes ${api.removedIn} stopped serving${instead}${note}`, { value: object.apiVersion })];
});

export const DEPRECATION_CHECKS: readonly Check[] = [removedApiVersion];
