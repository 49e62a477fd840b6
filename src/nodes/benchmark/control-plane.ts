import { analyzeAccess, findControlPlane } from '../../access/index.js';
import type { AnalyzerOutput } from '../../core/analyzer.js';
import type { SourcePosition } from '../../core/finding.js';
import { Inventory, normalize, parseManifests, type InventoryObject, type JsonPath, type ParsedObject } from '../../inventory/index.js';
import type { ComponentInstance, NodeSnapshot } from '../model.js';

// The control-plane flag checks (CIS 1.2–1.4, 2, 3.2.1) are src/access's KW-API checks: this file
// turns what runs on the node into the Inventory analyzeAccess reads — one Pod per component
// instance, whose container runs the instance's argv with its environment, sourced at the process
// (/proc/<pid>/cmdline) or the static pod manifest — plus the EncryptionConfiguration file the API
// server names, read from the node.

const CONTROL_PLANE = new Set(['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']);

/** The instances to evaluate: the running processes of a component, or its static pods when none runs. */
export function controlPlaneInstances(snapshot: NodeSnapshot): ComponentInstance[] {
  const out: ComponentInstance[] = [];
  for (const component of CONTROL_PLANE) {
    const all = snapshot.components.filter((c) => c.component === component);
    const running = all.filter((c) => c.from === 'process');
    out.push(...(running.length > 0 ? running : all));
  }
  return out;
}

/** `/etc/kubernetes/manifests/kube-apiserver.yaml:17` → file and line. */
function splitSource(source: string): { file: string; line: number } {
  const m = /^(.*):(\d+)$/.exec(source);
  return m ? { file: m[1]!, line: Number(m[2]) } : { file: source, line: 1 };
}

/** A Pod running the instance, as the access checks expect to find it. */
export function instancePod(instance: ComponentInstance, hostname: string, index: number): InventoryObject {
  const { file, line } = splitSource(instance.source);
  const name = instance.pid !== undefined ? `${instance.component}-pid${instance.pid}` : `${instance.component}-${hostname}`;
  const raw = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system' },
    spec: {
      containers: [{
        name: instance.component,
        command: [...instance.argv],
        env: Object.entries(instance.env).map(([k, v]) => ({ name: k, value: v })),
      }],
    },
  };
  // Processes have no positions inside their command line: every path points at the source itself.
  const locate = (_path: JsonPath): SourcePosition => ({ file, line, column: 1 });
  const parsed: ParsedObject = { raw, source: { file, line, column: 1, origin: 'file', locate } };
  return normalize(parsed, `node:${index}`);
}

/** The API server's --encryption-provider-config files, read from the node and parsed. */
function encryptionConfigs(snapshot: NodeSnapshot, pods: InventoryObject[], problems: string[]): InventoryObject[] {
  const paths = new Set<string>();
  for (const cp of findControlPlane(new Inventory(pods))) {
    if (cp.component !== 'kube-apiserver') continue;
    const given = cp.reader.read('encryption-provider-config').given.at(-1)?.value;
    if (given) paths.add(given);
  }
  const out: InventoryObject[] = [];
  for (const path of paths) {
    const file = snapshot.readText(path);
    if (!file) {
      // analyzeAccess then reports KW-API-032…034 as not evaluated; say why in node terms too.
      problems.push(`${path} (--encryption-provider-config) is missing or unreadable on this node`);
      continue;
    }
    const parsed = parseManifests(file.text, path, 'file');
    for (const e of parsed.errors) problems.push(`${path}:${e.line ?? 1}:${e.column ?? 1}: ${e.message}`);
    parsed.objects.forEach((o, i) => out.push(normalize({ raw: structuredClone(o.raw), source: o.source }, `enc:${path}:${i}`)));
  }
  return out;
}

export interface ControlPlaneRun {
  output: AnalyzerOutput;
  /** Components evaluated, e.g. `kube-apiserver (/proc/812/cmdline)`. */
  instances: ComponentInstance[];
  /** Encryption configuration files that could not be parsed. */
  problems: string[];
}

/** Runs the KW-API checks on the control-plane components found on the node. */
export function runControlPlaneChecks(snapshot: NodeSnapshot): ControlPlaneRun {
  const instances = controlPlaneInstances(snapshot);
  const pods = instances.map((instance, i) => instancePod(instance, snapshot.hostname, i));
  const problems: string[] = [];
  const configs = encryptionConfigs(snapshot, pods, problems);
  const output = instances.length > 0 ? analyzeAccess(new Inventory([...pods, ...configs])) : { findings: [], notEvaluated: [] };
  return { output, instances, problems };
}
