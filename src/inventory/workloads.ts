import { isJsonObject, type InventoryObject, type JsonObject, type JsonPath } from './object.js';

/** Where each workload kind keeps its pod spec and pod metadata. The one place that knows controller shapes. */
const POD_TEMPLATE_PATHS: Record<string, { spec: JsonPath; metadata: JsonPath }> = {
  Pod: { spec: ['spec'], metadata: ['metadata'] },
  PodTemplate: { spec: ['template', 'spec'], metadata: ['template', 'metadata'] },
  Deployment: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  StatefulSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  DaemonSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  ReplicaSet: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  ReplicationController: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  Job: { spec: ['spec', 'template', 'spec'], metadata: ['spec', 'template', 'metadata'] },
  CronJob: { spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], metadata: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'] },
};

export const WORKLOAD_KINDS = Object.keys(POD_TEMPLATE_PATHS);

export function podSpecPathOf(kind: string): JsonPath | undefined {
  return POD_TEMPLATE_PATHS[kind]?.spec;
}

export type ContainerListName = 'containers' | 'initContainers' | 'ephemeralContainers';
export const CONTAINER_LISTS: readonly ContainerListName[] = ['containers', 'initContainers', 'ephemeralContainers'];

export interface ContainerView {
  list: ContainerListName;
  index: number;
  name: string;
  spec: JsonObject;
  /** Path from the object's root to this container. */
  path: JsonPath;
}

/** The pod a workload will run, however its controller wraps it. */
export interface PodTemplate {
  workload: InventoryObject;
  spec: JsonObject;
  specPath: JsonPath;
  /** Pod metadata (annotations such as AppArmor live here); empty when the template has none. */
  metadata: JsonObject;
  metadataPath: JsonPath;
  containers: ContainerView[];
}

/** The pod template of a workload object, or undefined for any other kind (or a workload without a spec). */
export function podTemplateOf(workload: InventoryObject): PodTemplate | undefined {
  const paths = POD_TEMPLATE_PATHS[workload.kind];
  if (!paths) return undefined;
  const spec = follow(workload.object, paths.spec);
  if (!spec) return undefined;
  const metadata = follow(workload.object, paths.metadata) ?? {};
  const containers: ContainerView[] = [];
  for (const list of CONTAINER_LISTS) {
    const entries = spec[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      if (!isJsonObject(entry)) return;
      containers.push({ list, index, name: typeof entry.name === 'string' ? entry.name : `#${index}`, spec: entry, path: [...paths.spec, list, index] });
    });
  }
  return { workload, spec, specPath: paths.spec, metadata, metadataPath: paths.metadata, containers };
}

function follow(root: JsonObject, path: JsonPath): JsonObject | undefined {
  let node: unknown = root;
  for (const step of path) node = isJsonObject(node) ? node[step as string] : undefined;
  return isJsonObject(node) ? node : undefined;
}
