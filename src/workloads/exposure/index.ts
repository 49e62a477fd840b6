import type { Check } from '../check.js';
import { DEPRECATION_CHECKS } from './deprecated-apis.js';
import { INGRESS_CHECKS } from './ingress.js';
import { SERVICE_CHECKS } from './services.js';

/** Exposure outside the cluster (KW-NET-001 … KW-NET-004) and manifest hygiene (KW-DEP-001), in id order. */
export const EXPOSURE_CHECKS: readonly Check[] = [...DEPRECATION_CHECKS, ...SERVICE_CHECKS, ...INGRESS_CHECKS];

export { removedApi, REMOVED_APIS, type RemovedApi } from './deprecated-apis.js';
export { loadBalancerReach } from './services.js';
export { tlsCovers } from './ingress.js';
