/**
 * Escalation paths: for every subject, what it can become — impersonation, bind/escalate, pods and
 * tokens of ServiceAccounts, kubelet exec, certificates — as an in-memory graph with the grant of
 * every step, and the shortest chain to cluster-admin or to a named subject. See README.md.
 */
import type { Inventory } from '../../inventory/index.js';
import type { RbacIndex, Subject } from '../index.js';
import type { RbacAnalysisOptions } from '../risky/index.js';
import { buildEscalationGraph, type EscalationGraph } from './graph.js';
import { escalationsOf as shortestChain, reaching, type EscalationChain, type ReachOptions } from './paths.js';

export { EscalationGraph, buildEscalationGraph, parseSubject, subjectNodeId, CLUSTER_ADMIN, type EscalationNode, type EscalationEdge, type EdgeKind, type NodeKind } from './graph.js';
export { reaching, foldChain, targetId, isBootstrapChain, type EscalationChain, type ChainStep, type ReachOptions } from './paths.js';
export { formatChain, formatReaching, chainLines, chainJson } from './format.js';

/** A graph and its two questions, for callers that do not need the graph itself. */
export interface EscalationAnalysis {
  graph: EscalationGraph;
  /** The shortest chain from `subject` to `target` (cluster-admin: full `*`/`*` cluster-wide, by default), or undefined. */
  escalationsOf(subject: Subject, target?: Subject | 'cluster-admin'): EscalationChain | undefined;
  /** Every subject that can reach `target` (cluster-admin by default), shortest chain each. */
  reaching(target?: Subject | 'cluster-admin', options?: ReachOptions): EscalationChain[];
}

export function analyzeEscalations(inventory: Inventory, index?: RbacIndex, options: Omit<RbacAnalysisOptions, 'includeBootstrap'> = {}): EscalationAnalysis {
  const graph = buildEscalationGraph(inventory, index, options);
  return {
    graph,
    escalationsOf: (subject, target) => shortestChain(graph, subject, target),
    reaching: (target, opts) => reaching(graph, target, opts),
  };
}

export { shortestChain as escalationsOf };
