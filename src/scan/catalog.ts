import { CheckCatalog } from '../core/catalog.js';
import { MANIFEST_ANALYZERS } from './analyzers.js';

/** The catalog of every check kubeward has: each analyzer brings its own. */
export function loadCatalog(): CheckCatalog {
  return new CheckCatalog(MANIFEST_ANALYZERS.flatMap((a) => a.checks()));
}
