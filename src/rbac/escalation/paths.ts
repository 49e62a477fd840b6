/**
 * Shortest escalation chains: a breadth-first search where steps (edges that use a permission) cost
 * one and free edges (group membership, the choice out of a virtual node) cost nothing, so the
 * chain found has the fewest steps. Forward from a subject to a target, or backward from a target
 * to every subject at once. Cycles are harmless: a node is reached once.
 */
import type { Grant, Subject } from '../index.js';
import { CLUSTER_ADMIN, type EdgeKind, type EscalationEdge, type EscalationGraph } from './graph.js';

export interface ChainStep {
  /** Who acts: the subject, or what the previous step reached. */
  actor: string;
  /** The groups through which the actor holds the permission (`Group system:serviceaccounts:dev`). */
  via: string[];
  kind: EdgeKind;
  /** What the actor does. */
  action: string;
  /** What the step reaches (after the choice out of a virtual node: the ServiceAccount picked). */
  to: string;
  /** Free hops after the step, e.g. `ServiceAccount kube-system/admin` picked out of "any ServiceAccount of kube-system". */
  then: string[];
  /** binding → role → rule of every grant the step uses. */
  grants: Grant[];
  /** Every grant of the step is part of the Kubernetes bootstrap policy. */
  bootstrap: boolean;
}

export interface EscalationChain {
  subject: string;
  subjectId: string;
  target: string;
  targetId: string;
  steps: ChainStep[];
  /** Free hops before any step (e.g. a member of system:masters needs no step at all). */
  before: string[];
  /** The raw path through the graph. */
  edges: EscalationEdge[];
}

type Adjacency = ReadonlyMap<string, readonly EscalationEdge[]>;

/**
 * Layered 0-1 breadth-first search from `start` over `adjacency` (forward: out-edges, `next` = edge
 * end; backward: in-edges, `next` = edge start). Returns, for every node reached, its distance in
 * steps and the edge it was reached through.
 */
function search(start: string, adjacency: Adjacency, next: (e: EscalationEdge) => string, stopAt?: string): Map<string, { distance: number; edge?: EscalationEdge }> {
  const seen = new Map<string, { distance: number; edge?: EscalationEdge }>([[start, { distance: 0 }]]);
  let layer = [start];
  for (let distance = 0; layer.length > 0; distance++) {
    // everything reachable for free from this layer belongs to it
    for (let i = 0; i < layer.length; i++) {
      for (const e of adjacency.get(layer[i]!) ?? []) {
        const n = next(e);
        if (e.step || seen.has(n)) continue;
        seen.set(n, { distance, edge: e });
        layer.push(n);
      }
    }
    if (stopAt !== undefined && seen.has(stopAt)) break;
    const following: string[] = [];
    for (const node of layer) {
      for (const e of adjacency.get(node) ?? []) {
        const n = next(e);
        if (!e.step || seen.has(n)) continue;
        seen.set(n, { distance: distance + 1, edge: e });
        following.push(n);
      }
    }
    layer = following;
  }
  return seen;
}

/** Folds a path into steps: memberships become `via`, the free hops after a step its `then` and `to`. */
export function foldChain(graph: EscalationGraph, edges: EscalationEdge[]): Omit<EscalationChain, 'subject' | 'subjectId' | 'target' | 'targetId'> {
  const label = (id: string): string => graph.nodes.get(id)?.label ?? id;
  const steps: ChainStep[] = [];
  const before: string[] = [];
  let via: string[] = [];
  for (const e of edges) {
    if (e.step) {
      steps.push({ actor: steps.length ? steps.at(-1)!.to : label(edges[0]!.from), via, kind: e.kind, action: e.action, to: label(e.to), then: [], grants: e.grants, bootstrap: e.bootstrap });
      via = [];
    } else if (e.kind === 'member-of') {
      via.push(label(e.to));
    } else {
      const last = steps.at(-1);
      const text = e.kind === 'privileged-group' ? e.action : label(e.to);
      if (last && via.length === 0) {
        last.then.push(e.kind === 'privileged-group' ? e.action : `${label(e.to)}${e.action ? ` (${e.action})` : ''}`);
        last.to = label(e.to);
      } else {
        before.push(...via.map((g) => `as a member of ${g}`), text);
        via = [];
      }
    }
  }
  return { steps, before, edges };
}

function chainOf(graph: EscalationGraph, startId: string, targetId: string, edges: EscalationEdge[]): EscalationChain {
  const label = (id: string): string => graph.nodes.get(id)?.label ?? id;
  return { subject: label(startId), subjectId: startId, target: label(targetId), targetId, ...foldChain(graph, edges) };
}

/** The target of a question: cluster-admin (default) or a subject's node. */
export function targetId(graph: EscalationGraph, target?: Subject | 'cluster-admin'): string {
  return target === undefined || target === 'cluster-admin' ? CLUSTER_ADMIN : graph.subjectNode(target).id;
}

/** The shortest chain from `subject` to `target` (cluster-admin by default), or undefined when there is none. */
export function escalationsOf(graph: EscalationGraph, subject: Subject, target?: Subject | 'cluster-admin'): EscalationChain | undefined {
  const start = graph.subjectNode(subject).id;
  const goal = targetId(graph, target);
  const seen = search(start, graph.out, (e) => e.to, goal);
  if (!seen.has(goal)) return undefined;
  const edges: EscalationEdge[] = [];
  for (let node = goal; node !== start;) {
    const edge = seen.get(node)!.edge!;
    edges.push(edge);
    node = edge.from;
  }
  return chainOf(graph, start, goal, edges.reverse());
}

/** A chain whose first step is a Kubernetes bootstrap grant, or that needs no step (members of system:masters): expected. */
export function isBootstrapChain(chain: EscalationChain): boolean {
  return chain.steps.length === 0 || chain.steps[0]!.bootstrap;
}

export interface ReachOptions {
  /** Also list subjects whose first step is a Kubernetes bootstrap grant (controllers, system:masters…). */
  includeBootstrap?: boolean;
}

/**
 * Every User, Group and ServiceAccount that can reach `target` (cluster-admin by default), each
 * with its shortest chain: fewest steps first, then by name. Subjects whose chain starts with a
 * bootstrap grant (or needs no step: system:masters) are left out unless `includeBootstrap`.
 */
export function reaching(graph: EscalationGraph, target?: Subject | 'cluster-admin', options: ReachOptions = {}): EscalationChain[] {
  const goal = targetId(graph, target);
  const seen = search(goal, graph.in, (e) => e.from);
  const out: EscalationChain[] = [];
  for (const id of seen.keys()) {
    const node = graph.nodes.get(id);
    if (!node?.subject || node.queried || id === goal) continue;
    const edges: EscalationEdge[] = [];
    for (let n = id; n !== goal;) {
      const edge = seen.get(n)!.edge!;
      edges.push(edge);
      n = edge.to;
    }
    const chain = chainOf(graph, id, goal, edges);
    if (!options.includeBootstrap && isBootstrapChain(chain)) continue;
    out.push(chain);
  }
  return out.sort((a, b) => a.steps.length - b.steps.length || a.subject.localeCompare(b.subject));
}
