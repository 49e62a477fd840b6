export { Inventory, selectorMatches, type LabelSelector } from './inventory.js';
export { loadInventory, DEFAULT_MAX_FILE_BYTES, type LoadOptions, type LoadResult } from './load.js';
export { parseManifests, parseYamlDocument, DEFAULT_PARSE_LIMITS, type ParseLimits, type ParsedObject } from './parse.js';
export { normalize, imageTagIsLatest } from './normalize.js';
export { helmTemplateArgs, findOnPath, type HelmOptions } from './render.js';
export {
  formatPath, getPath, isJsonObject, isClusterScoped, resourceRef,
  type InventoryObject, type JsonObject, type JsonPath, type ObjectSource, type Origin,
} from './object.js';
export { podTemplateOf, WORKLOAD_KINDS, CONTAINER_LISTS, type PodTemplate, type ContainerView, type ContainerListName } from './workloads.js';
