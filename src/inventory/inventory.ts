import type { InventoryObject } from './object.js';
import { podTemplateOf, type PodTemplate } from './workloads.js';

/** A label selector as Kubernetes writes it (matchLabels AND matchExpressions). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** Every object of a scan, indexed by kind, namespace and label. */
export class Inventory {
  readonly objects: readonly InventoryObject[];
  private readonly kindIndex = new Map<string, InventoryObject[]>();
  private readonly namespaceIndex = new Map<string, InventoryObject[]>();
  private readonly labelIndex = new Map<string, InventoryObject[]>();
  private readonly nameIndex = new Map<string, InventoryObject>();

  constructor(objects: InventoryObject[]) {
    this.objects = objects;
    for (const obj of objects) {
      push(this.kindIndex, obj.kind, obj);
      if (obj.namespace !== undefined) push(this.namespaceIndex, obj.namespace, obj);
      for (const [key, value] of Object.entries(obj.labels)) push(this.labelIndex, `${key}=${value}`, obj);
      const id = nameKey(obj.kind, obj.namespace, obj.name);
      if (!this.nameIndex.has(id)) this.nameIndex.set(id, obj);
    }
  }

  /** The object of `kind` named `name` in `namespace` (undefined for cluster-scoped kinds); the first one when a scan has duplicates. */
  find(kind: string, namespace: string | undefined, name: string): InventoryObject | undefined {
    return this.nameIndex.get(nameKey(kind, namespace, name));
  }

  ofKind(kind: string): readonly InventoryObject[] {
    return this.kindIndex.get(kind) ?? [];
  }

  inNamespace(namespace: string): readonly InventoryObject[] {
    return this.namespaceIndex.get(namespace) ?? [];
  }

  withLabel(key: string, value: string): readonly InventoryObject[] {
    return this.labelIndex.get(`${key}=${value}`) ?? [];
  }

  kinds(): string[] {
    return [...this.kindIndex.keys()].sort();
  }

  namespaces(): string[] {
    return [...this.namespaceIndex.keys()].sort();
  }

  /** Objects of `kind` in `namespace` that `selector` selects. An empty selector selects all. */
  select(kind: string, namespace: string | undefined, selector: LabelSelector): InventoryObject[] {
    const pool = this.ofKind(kind).filter((o) => namespace === undefined || o.namespace === namespace);
    return pool.filter((o) => selectorMatches(selector, o.labels));
  }

  /** The pod templates of every workload, whatever its controller kind. */
  *podTemplates(): Generator<PodTemplate> {
    for (const obj of this.objects) {
      const template = podTemplateOf(obj);
      if (template) yield template;
    }
  }
}

/** Kubernetes label-selector semantics: every matchLabels entry and every expression must hold. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In': if (!has || !values.includes(labels[expr.key]!)) return false; break;
      case 'NotIn': if (has && values.includes(labels[expr.key]!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

function nameKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
