// Istio data-plane membership of a workload: sidecar injection or ambient mode (semantics §4.3).
import type { Inventory, JsonPath, PodTemplate } from '../../../inventory/index.js';
import { hostNetwork, metadataPath, namespaceObject, podAnnotations, podLabels } from '../common.js';

export type IstioDataplane = 'sidecar' | 'ambient' | 'none';

export interface InjectionState {
  dataplane: IstioDataplane;
  /** One sentence saying which marker decided. */
  reason: string;
  revision?: string;
  /** Where the deciding marker is, on the workload (undefined when it is on the namespace or absent). */
  path?: JsonPath;
}

const truthy = (v: string | undefined) => v === 'true' || v === 'enabled';
const falsy = (v: string | undefined) => v === 'false' || v === 'disabled';

export function istioInjection(inventory: Inventory, pod: PodTemplate): InjectionState {
  const ns = pod.workload.namespace ?? 'default';
  const nsLabels = namespaceObject(inventory, ns)?.labels ?? {};
  const labels = podLabels(pod);
  const annotations = podAnnotations(pod);

  if (hostNetwork(pod)) return { dataplane: 'none', reason: 'hostNetwork pods are never injected', path: [...pod.specPath, 'hostNetwork'] };
  // Already-injected pods (manifests exported from a cluster) carry the proxy itself.
  if (pod.containers.some((c) => c.name === 'istio-proxy') || annotations['sidecar.istio.io/status'] !== undefined) {
    return { dataplane: 'sidecar', reason: 'the pod already carries the istio-proxy sidecar' };
  }
  const podInject = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  const podInjectPath = metadataPath(pod, labels['sidecar.istio.io/inject'] !== undefined ? 'labels' : 'annotations', 'sidecar.istio.io/inject');
  const nsInjection = nsLabels['istio-injection'];

  // 1. Any explicit opt-out wins.
  if (falsy(podInject)) return { dataplane: 'none', reason: `pod template sets sidecar.istio.io/inject=${podInject}`, path: podInjectPath };
  if (nsInjection === 'disabled') return { dataplane: 'none', reason: `namespace ${ns} is labelled istio-injection=disabled` };
  // 2. Any opt-in injects a sidecar.
  if (nsInjection === 'enabled') return { dataplane: 'sidecar', reason: `namespace ${ns} is labelled istio-injection=enabled` };
  if (truthy(podInject)) return { dataplane: 'sidecar', reason: `pod template sets sidecar.istio.io/inject=${podInject}`, path: podInjectPath };
  const podRev = labels['istio.io/rev'];
  if (podRev) return { dataplane: 'sidecar', revision: podRev, reason: `pod template is labelled istio.io/rev=${podRev}`, path: metadataPath(pod, 'labels', 'istio.io/rev') };
  const nsRev = nsLabels['istio.io/rev'];
  if (nsRev) return { dataplane: 'sidecar', revision: nsRev, reason: `namespace ${ns} is labelled istio.io/rev=${nsRev}` };
  // 3. Ambient: ztunnel handles the pod's traffic (a pod label `istio.io/dataplane-mode=none` opts out).
  const podMode = labels['istio.io/dataplane-mode'];
  if (podMode === 'none') return { dataplane: 'none', reason: 'pod template opts out of ambient (istio.io/dataplane-mode=none)', path: metadataPath(pod, 'labels', 'istio.io/dataplane-mode') };
  if (podMode === 'ambient') return { dataplane: 'ambient', reason: 'pod template is labelled istio.io/dataplane-mode=ambient', path: metadataPath(pod, 'labels', 'istio.io/dataplane-mode') };
  if (nsLabels['istio.io/dataplane-mode'] === 'ambient') return { dataplane: 'ambient', reason: `namespace ${ns} is labelled istio.io/dataplane-mode=ambient` };
  return { dataplane: 'none', reason: `neither namespace ${ns} nor the pod template enables injection` };
}
