import type { CheckMeta } from '../../core/catalog.js';
import type { Finding } from '../../core/finding.js';
import type { NodeCheckResult, NodeSnapshot } from '../model.js';
import { emptyPasswords, extraUid0, sudoNoPassword } from './accounts.js';
import { memoryEncryption } from './memory.js';
import {
  EMPTY_PASSWORD, EXTRA_UID0, KUBELET_DATA_ENCRYPTED, MEMORY_ENCRYPTION, ROOT_READ_ONLY,
  RUNTIME_DATA_ENCRYPTED, SSH_PASSWORD_LOGIN, SSH_ROOT_LOGIN, SUDO_NOPASSWD,
} from './meta.js';
import type { HostOutcome } from './result.js';
import { sshPasswordLogin, sshRootLogin } from './ssh.js';
import { kubeletDataEncrypted, rootReadOnly, runtimeDataEncrypted } from './storage.js';

// Host hardening the CIS Kubernetes Benchmark leaves out (KW-NODE-201 … 209), over a NodeSnapshot.

export { hostCheckMetas } from './meta.js';
export { dataEncryption, mountHolding, resolveNodePath, isDmCrypt, type DataEncryption } from './devices.js';
export { readSshdConfig, sshdSetting, type SshdConfig, type SshdDirective, type SshdSetting } from './sshd.js';
export { readSudoers, ruleAudience } from './accounts.js';
export { memEncryptParam } from './memory.js';
export type { HostOutcome } from './result.js';

export interface HostEvaluation {
  /** One per check, section `host`, in id order. */
  checks: NodeCheckResult[];
  findings: Finding[];
  notEvaluated: { target: string; reason: string }[];
}

const HOST_CHECKS: readonly [CheckMeta, (snapshot: NodeSnapshot) => HostOutcome][] = [
  [ROOT_READ_ONLY, rootReadOnly],
  [KUBELET_DATA_ENCRYPTED, kubeletDataEncrypted],
  [RUNTIME_DATA_ENCRYPTED, runtimeDataEncrypted],
  [MEMORY_ENCRYPTION, memoryEncryption],
  [SSH_ROOT_LOGIN, sshRootLogin],
  [SSH_PASSWORD_LOGIN, sshPasswordLogin],
  [EXTRA_UID0, extraUid0],
  [EMPTY_PASSWORD, emptyPasswords],
  [SUDO_NOPASSWD, sudoNoPassword],
];

/** A check that throws on odd input is reported as not evaluated; the other checks still run. */
function safely(run: (snapshot: NodeSnapshot) => HostOutcome, snapshot: NodeSnapshot): HostOutcome {
  try {
    return run(snapshot);
  } catch (error) {
    return { status: 'not-evaluated', reason: `internal error: ${error instanceof Error ? error.message : String(error)}`, findings: [] };
  }
}

/** Runs every host check on one node's snapshot. */
export function evaluateHost(snapshot: NodeSnapshot): HostEvaluation {
  const out: HostEvaluation = { checks: [], findings: [], notEvaluated: [] };
  for (const [meta, run] of HOST_CHECKS) {
    const outcome = safely(run, snapshot);
    out.checks.push({ id: meta.id, checkId: meta.id, section: 'host', title: meta.title, status: outcome.status, reason: outcome.reason });
    out.findings.push(...outcome.findings);
    if (outcome.status === 'not-evaluated') out.notEvaluated.push({ target: meta.id, reason: `node ${snapshot.hostname}: ${outcome.reason}` });
  }
  return out;
}
