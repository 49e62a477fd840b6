import type { Check } from '../check.js';
import { CAPABILITY_CHECKS } from './capabilities.js';
import { noSecurityContext, readOnlyRootFilesystem } from './containers.js';
import { HOST_CHECKS } from './host.js';
import { IDENTITY_CHECKS } from './identity.js';
import { IMAGE_CHECKS } from './images.js';
import { NAMESPACE_CHECKS } from './namespace.js';
import { POD_CHECKS } from './pod.js';
import { RESOURCE_CHECKS } from './resources.js';
import { SECRET_CHECKS } from './secrets.js';
import { USER_CHECKS } from './users.js';

/** Workload hardening beyond the Pod Security Standards (KW-WL-020 … KW-WL-044), in id order. */
export const HARDENING_CHECKS: readonly Check[] = [
  readOnlyRootFilesystem,
  ...RESOURCE_CHECKS,
  ...IMAGE_CHECKS,
  ...HOST_CHECKS,
  ...IDENTITY_CHECKS,
  ...NAMESPACE_CHECKS,
  ...POD_CHECKS,
  ...CAPABILITY_CHECKS,
  ...USER_CHECKS,
  ...SECRET_CHECKS,
  noSecurityContext,
].sort((a, b) => a.meta.id.localeCompare(b.meta.id));

export { parseImageReference, floatsOnLatest, hasDigest, type ImageReference } from './image-ref.js';
export { findSecretValues, isSensitiveName, maskSecret } from './secret-scan.js';
export { canonicalHostPath, runtimeSocketExposure, sensitiveExposure } from './host.js';
