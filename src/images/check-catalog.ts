import type { CheckMeta } from '../core/catalog.js';
import { imageCheckMetas } from './checks/index.js';
import { VULNERABILITY_CHECK } from './vulnerability-finding.js';

/** Every check an image scan can report: configuration and content (KW-IMG-001…) and vulnerabilities (KW-IMG-100). */
export function imageCheckCatalog(): CheckMeta[] {
  return [...imageCheckMetas(), VULNERABILITY_CHECK].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
