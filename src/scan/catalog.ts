import { CheckCatalog } from '../core/catalog.js';
import { probeCheckMetas } from '../probe/checks.js';
import { imageCheckCatalog } from '../images/check-catalog.js';
import { nodeBenchmarkCheckMetas } from '../nodes/benchmark/catalog.js';
import { etcdEncryptionCheckMetas } from '../nodes/etcd-encryption/findings.js';
import { hostCheckMetas } from '../nodes/host/meta.js';
import { MANIFEST_ANALYZERS } from './analyzers.js';

/** The catalog of every check kubeward has: each manifest analyzer brings its own, and so do the live probe, image scanning and node checks. */
export function loadCatalog(): CheckCatalog {
  return new CheckCatalog([...MANIFEST_ANALYZERS.flatMap((a) => a.checks()), ...probeCheckMetas(), ...imageCheckCatalog(), ...nodeBenchmarkCheckMetas(), ...hostCheckMetas(), ...etcdEncryptionCheckMetas()]);
}
