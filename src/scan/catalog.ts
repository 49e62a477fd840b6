import { CheckCatalog } from '../core/catalog.js';
import { workloadCheckMetas } from '../workloads/index.js';

/** The catalog of every check kubeward has. Later areas add their checks here. */
export function loadCatalog(): CheckCatalog {
  return new CheckCatalog(workloadCheckMetas());
}
