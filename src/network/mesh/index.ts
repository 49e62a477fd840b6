// Mutual TLS and service-mesh authorization: one folder per mesh provider, all behind MeshProvider.
import type { AnalyzerOutput } from '../../core/analyzer.js';
import type { CheckMeta } from '../../core/catalog.js';
import type { Inventory } from '../../inventory/index.js';
import { MESH_CHECKS } from './checks.js';
import type { ConnectionVerdict, MeshConnection, MeshOptions, MeshProvider } from './common.js';
import { istio } from './istio/index.js';
import { linkerd } from './linkerd/index.js';

export type { ConnectionVerdict, MeshConnection, MeshOptions, MeshProvider, WireState, WorkloadRef } from './common.js';
export { istio, istioConnection, analyzeIstio, istioInjection, PeerAuthIndex, evaluateAuthorization, policiesFor } from './istio/index.js';
export type { AuthzRequest, AuthzResult, EffectiveMode, MtlsMode, InjectionState } from './istio/index.js';
export { linkerd, linkerdMeshed, defaultInboundPolicy, analyzeLinkerd, linkerdConnection } from './linkerd/index.js';

export const MESH_PROVIDERS: readonly MeshProvider[] = [istio, linkerd];

export function meshCheckMetas(): CheckMeta[] {
  return [...MESH_CHECKS];
}

/** Providers the inventory uses. */
export function meshesInUse(inventory: Inventory): MeshProvider[] {
  return MESH_PROVIDERS.filter((p) => p.inUse(inventory));
}

/** Mesh findings; nothing at all when the scan shows no mesh. */
export function analyzeMesh(inventory: Inventory, options: MeshOptions = {}): AnalyzerOutput {
  const out: AnalyzerOutput = { findings: [], notEvaluated: [] };
  for (const provider of meshesInUse(inventory)) {
    const result = provider.analyze(inventory, options);
    out.findings.push(...result.findings);
    out.notEvaluated.push(...result.notEvaluated);
  }
  return out;
}

/**
 * For each allowed connection, whether it can travel unencrypted or unauthenticated, and why.
 * The provider is the mesh that meshes either end (Istio first); with no mesh, every connection is plaintext
 * as far as the cluster is concerned (the application may still use TLS itself).
 */
export function plaintextConnections(inventory: Inventory, connections: readonly MeshConnection[], options: MeshOptions = {}): ConnectionVerdict[] {
  const providers = meshesInUse(inventory);
  return connections.map((connection) => {
    const chosen = pickProvider(inventory, providers, connection);
    if (!chosen) {
      return {
        connection, provider: 'none', state: 'plaintext', unencrypted: true, unauthenticated: true,
        reasons: ['no service mesh handles either end: the cluster provides no encryption or authentication (the application may use TLS itself)'],
      };
    }
    return chosen.connection(inventory, connection, options);
  });
}

function pickProvider(inventory: Inventory, providers: readonly MeshProvider[], connection: MeshConnection): MeshProvider | undefined {
  for (const provider of providers) {
    for (const ref of [connection.to, connection.from]) {
      const obj = inventory.find(ref.kind, ref.namespace, ref.name);
      if (obj && provider.meshed(inventory, obj).meshed) return provider;
    }
  }
  return providers[0];
}
