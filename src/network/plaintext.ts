import type { Inventory } from '../inventory/index.js';
import { isJsonObject, podTemplateOf } from '../inventory/index.js';
import { plaintextConnections, type ConnectionVerdict, type MeshConnection } from './mesh/index.js';
import { computeConnectivity, type Workload } from './netpol/index.js';

/**
 * Every connection NetworkPolicy allows between two workloads, on every port the destination
 * declares, with what the mesh does to it on the wire: the plaintext report.
 */
export interface PlaintextReport {
  verdicts: ConnectionVerdict[];
  /** Allowed connections whose destination declares no container port (the ports cannot be named). */
  undeclared: { from: string; to: string; conns: string }[];
}

export function plaintextReport(inventory: Inventory): PlaintextReport {
  const connectivity = computeConnectivity(inventory);
  const byId = new Map(connectivity.workloads.map((w) => [w.id, w]));
  const connections: MeshConnection[] = [];
  const undeclared: PlaintextReport['undeclared'] = [];
  for (const connection of connectivity.connections) {
    const from = byId.get(connection.src);
    const to = byId.get(connection.dst);
    if (!from || !to) continue; // external peers: the mesh does not see them as workloads
    const ports = declaredPorts(to).filter((p) => connection.conns.has(p.protocol, p.port));
    if (ports.length === 0) {
      undeclared.push({ from: from.id, to: to.id, conns: connection.conns.toString() });
      continue;
    }
    for (const { port, protocol } of ports) connections.push({ from: ref(from), to: ref(to), port, protocol });
  }
  return { verdicts: plaintextConnections(inventory, connections), undeclared };
}

function ref(workload: Workload): MeshConnection['from'] {
  return { kind: workload.kind, namespace: workload.namespace, name: workload.name };
}

/** The container ports a workload declares (what a client can actually reach). */
function declaredPorts(workload: Workload): { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }[] {
  const pod = podTemplateOf(workload.object);
  const seen = new Map<string, { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }>();
  for (const container of pod?.containers ?? []) {
    if (container.list !== 'containers' || !Array.isArray(container.spec.ports)) continue;
    for (const p of container.spec.ports) {
      if (!isJsonObject(p) || typeof p.containerPort !== 'number') continue;
      const protocol = p.protocol === 'UDP' || p.protocol === 'SCTP' ? p.protocol : 'TCP';
      seen.set(`${protocol}/${p.containerPort}`, { port: p.containerPort, protocol });
    }
  }
  return [...seen.values()].sort((a, b) => a.port - b.port);
}

/** `from => to : PROTO port  state (reasons)`, the connections that are not mutual TLS first. */
export function formatPlaintext(report: PlaintextReport): string {
  const id = (w: MeshConnection['from']): string => `${w.namespace}/${w.name}[${w.kind}]`;
  const order = (v: ConnectionVerdict): number => (v.unencrypted ? 0 : v.unauthenticated ? 1 : 2);
  const lines = [...report.verdicts]
    .sort((a, b) => order(a) - order(b) || id(a.connection.from).localeCompare(id(b.connection.from)) || id(a.connection.to).localeCompare(id(b.connection.to)) || a.connection.port - b.connection.port)
    .map((v) => {
      const flags = v.state === 'rejected' || v.state === 'broken'
        ? 'the connection fails'
        : [v.unencrypted ? 'unencrypted' : '', v.unauthenticated ? 'unauthenticated' : ''].filter(Boolean).join(', ') || 'encrypted and authenticated';
      return `${id(v.connection.from)} => ${id(v.connection.to)} : ${v.connection.protocol ?? 'TCP'} ${v.connection.port}  ${v.state} (${flags})${v.reasons.length ? `\n    ${v.reasons.join('\n    ')}` : ''}`;
    });
  const open = report.verdicts.filter((v) => v.unencrypted || v.unauthenticated).length;
  const summary = `${report.verdicts.length} allowed connection(s) on declared ports; ${open} can travel unencrypted or unauthenticated.`;
  const undeclared = report.undeclared.map((u) => `${u.from} => ${u.to} : ${u.conns}  (destination declares no container port)`);
  return [...lines, ...(undeclared.length ? ['', 'Allowed, ports not declared by the destination:', ...undeclared] : []), '', summary, ''].join('\n');
}
