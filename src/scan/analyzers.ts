import type { Analyzer } from '../core/analyzer.js';
import type { Inventory } from '../inventory/index.js';
import { ACCESS_ANALYZER } from '../access/index.js';
import { analyzeNetworkCoverage, networkCoverageMetas } from '../network/coverage/index.js';
import { analyzeMesh, meshCheckMetas } from '../network/mesh/index.js';
import { analyzeRiskyGrants, riskyGrantMetas } from '../rbac/risky/index.js';
import { analyzeWorkloads, workloadCheckMetas } from '../workloads/index.js';

/** The analyzers `kubeward scan` runs over a manifest inventory, in report order. */
export const MANIFEST_ANALYZERS: readonly Analyzer<Inventory>[] = [
  { name: 'workloads', checks: workloadCheckMetas, analyze: (inventory) => ({ findings: analyzeWorkloads(inventory), notEvaluated: [] }) },
  ACCESS_ANALYZER,
  { name: 'rbac', checks: riskyGrantMetas, analyze: (inventory) => analyzeRiskyGrants(inventory) },
  { name: 'network', checks: networkCoverageMetas, analyze: (inventory) => analyzeNetworkCoverage(inventory) },
  { name: 'mesh', checks: meshCheckMetas, analyze: (inventory) => analyzeMesh(inventory) },
];
