// Effective PeerAuthentication mode of a workload and of each of its ports (semantics §4.1, §4.5).
import type { NotEvaluated } from '../../../core/coverage.js';
import { stringMap } from '../../../inventory/object.js';
import {
  isJsonObject, selectorMatches,
  type Inventory, type InventoryObject, type JsonPath, type PodTemplate,
} from '../../../inventory/index.js';
import { containerPorts, podLabels } from '../common.js';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';
export type Scope = 'mesh' | 'namespace' | 'workload' | 'port';

export interface ModeSource {
  policy: InventoryObject;
  path: JsonPath;
  scope: Scope;
}

export interface EffectiveMode {
  mode: MtlsMode;
  /** The PeerAuthentication that decided; undefined when nothing set a mode (default PERMISSIVE). */
  source?: ModeSource;
  /** One sentence explaining the outcome. */
  reason: string;
}

export interface WorkloadMtls {
  /** Mode of every port no port-level entry overrides. */
  workload: EffectiveMode;
  /** Ports with their own effective mode (port-level entries of the workload policy, and declared container ports). */
  ports: Map<number, EffectiveMode>;
}

export function isPeerAuthentication(o: InventoryObject): boolean {
  return o.kind === 'PeerAuthentication' && o.apiVersion.startsWith('security.istio.io/');
}

function modeAt(value: unknown): MtlsMode | 'UNSET' {
  const mode = isJsonObject(value) ? String(value.mode ?? 'UNSET').toUpperCase() : 'UNSET';
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : 'UNSET';
}

function selectorOf(pa: InventoryObject): Record<string, string> | undefined {
  const spec = isJsonObject(pa.object.spec) ? pa.object.spec : {};
  const labels = isJsonObject(spec.selector) ? stringMap(spec.selector.matchLabels) : {};
  return Object.keys(labels).length > 0 ? labels : undefined;
}

/** The PeerAuthentications that count, classified; duplicates resolved by input order ("oldest wins"). */
export class PeerAuthIndex {
  readonly mesh: InventoryObject | undefined;
  readonly namespaceWide = new Map<string, InventoryObject>();
  readonly workloadLevel: InventoryObject[] = [];
  readonly notes: NotEvaluated[] = [];

  constructor(inventory: Inventory, readonly rootNamespace: string) {
    let mesh: InventoryObject | undefined;
    for (const pa of inventory.objects.filter(isPeerAuthentication)) {
      const selector = selectorOf(pa);
      const ns = pa.namespace ?? 'default';
      if (selector && ns === rootNamespace) {
        this.notes.push({ target: `PeerAuthentication ${ns}/${pa.name}`, reason: `ignored: policies with a workload selector in the root namespace ${rootNamespace} do not apply (istio/api#3604)` });
      } else if (selector) {
        this.workloadLevel.push(pa);
      } else if (ns === rootNamespace) {
        if (mesh) this.notes.push(duplicate(pa, mesh, 'mesh-wide'));
        else mesh = pa;
      } else {
        const first = this.namespaceWide.get(ns);
        if (first) this.notes.push(duplicate(pa, first, `namespace-wide (${ns})`));
        else this.namespaceWide.set(ns, pa);
      }
    }
    this.mesh = mesh;
  }

  /** The workload-level policy for a pod: the first matching one in input order. */
  workloadPolicy(pod: PodTemplate): InventoryObject | undefined {
    const labels = podLabels(pod);
    const matching = this.workloadLevel.filter((pa) => pa.namespace === pod.workload.namespace && selectorMatches({ matchLabels: selectorOf(pa)! }, labels));
    if (matching.length > 1) {
      this.note({
        target: `PeerAuthentication ${matching[0]!.namespace}/${matching.slice(1).map((p) => p.name).join(', ')}`,
        reason: `ignored for ${pod.workload.kind} ${pod.workload.namespace}/${pod.workload.name}: Istio uses the oldest matching workload policy; manifests carry no creation time, so the first in input order (${matching[0]!.name}) was used`,
      });
    }
    return matching[0];
  }

  private note(n: NotEvaluated): void {
    if (!this.notes.some((m) => m.target === n.target && m.reason === n.reason)) this.notes.push(n);
  }

  /** Effective mode of a pod, for the workload and each port. */
  effective(pod: PodTemplate): WorkloadMtls {
    const ns = pod.workload.namespace ?? 'default';
    const layers: { policy: InventoryObject; scope: Scope }[] = [];
    const workloadPa = this.workloadPolicy(pod);
    if (workloadPa) layers.push({ policy: workloadPa, scope: 'workload' });
    const nsPa = this.namespaceWide.get(ns);
    if (nsPa) layers.push({ policy: nsPa, scope: 'namespace' });
    if (this.mesh) layers.push({ policy: this.mesh, scope: 'mesh' });

    const workload = resolve(layers);
    const ports = new Map<number, EffectiveMode>();
    const portLevel = workloadPa && isJsonObject(workloadPa.object.spec) && isJsonObject(workloadPa.object.spec.portLevelMtls)
      ? workloadPa.object.spec.portLevelMtls : {};
    const portNumbers = new Set<number>(containerPorts(pod).map((p) => p.port));
    for (const key of Object.keys(portLevel)) if (/^\d+$/.test(key)) portNumbers.add(Number(key));
    for (const port of [...portNumbers].sort((a, b) => a - b)) {
      const key = Object.keys(portLevel).find((k) => Number(k) === port);
      const mode = key === undefined ? 'UNSET' : modeAt(portLevel[key]);
      if (key !== undefined && mode !== 'UNSET') {
        ports.set(port, {
          mode,
          source: { policy: workloadPa!, path: ['spec', 'portLevelMtls', key, 'mode'], scope: 'port' },
          reason: `port ${port}: PeerAuthentication ${workloadPa!.namespace}/${workloadPa!.name} portLevelMtls sets ${mode}`,
        });
      } else {
        const inherited = key !== undefined ? ` (port-level entry is UNSET, inherited)` : '';
        ports.set(port, { ...workload, reason: `port ${port}: ${workload.reason}${inherited}` });
      }
    }
    return { workload, ports };
  }

  /** Effective mode of a pod on one port. */
  modeOn(pod: PodTemplate, port: number | undefined): EffectiveMode {
    const eff = this.effective(pod);
    return (port !== undefined ? eff.ports.get(port) : undefined) ?? eff.workload;
  }
}

function resolve(layers: { policy: InventoryObject; scope: Scope }[]): EffectiveMode {
  for (const { policy, scope } of layers) {
    const mode = modeAt(isJsonObject(policy.object.spec) ? policy.object.spec.mtls : undefined);
    if (mode === 'UNSET') continue;
    return {
      mode,
      source: { policy, path: ['spec', 'mtls', 'mode'], scope },
      reason: `${scope} PeerAuthentication ${policy.namespace}/${policy.name} sets ${mode}`,
    };
  }
  const unset = layers.length > 0 ? ` (${layers.map((l) => `${l.scope} ${l.policy.name}`).join(', ')} leave the mode UNSET)` : '';
  return { mode: 'PERMISSIVE', reason: `no PeerAuthentication sets a mode, so Istio's default PERMISSIVE applies${unset}` };
}

function duplicate(ignored: InventoryObject, kept: InventoryObject, scope: string): NotEvaluated {
  return {
    target: `PeerAuthentication ${ignored.namespace}/${ignored.name}`,
    reason: `ignored: only one ${scope} PeerAuthentication counts and Istio keeps the oldest; manifests carry no creation time, so the first in input order (${kept.name}) was used`,
  };
}
