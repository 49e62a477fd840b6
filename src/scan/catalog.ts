import { CheckCatalog } from '../core/catalog.js';
import { probeCheckMetas } from '../probe/checks.js';
import { MANIFEST_ANALYZERS } from './analyzers.js';

/** The catalog of every check kubeward has: each manifest analyzer brings its own, and so does the live probe. */
export function loadCatalog(): CheckCatalog {
  return new CheckCatalog([...MANIFEST_ANALYZERS.flatMap((a) => a.checks()), ...probeCheckMetas()]);
}
