import { alias, type CheckMeta } from '../../core/catalog.js';

// Catalog entries of the host hardening checks the CIS Kubernetes Benchmark leaves out (KW-NODE-201 … 209).

const { mitre } = alias;
const SSHD_CONFIG = 'https://man.openbsd.org/sshd_config';
const SUDOERS = 'https://www.sudo.ws/docs/man/sudoers.man/';
const CRYPTSETUP = 'https://gitlab.com/cryptsetup/cryptsetup/-/wikis/FrequentlyAskedQuestions';
const MOUNTINFO = 'https://man7.org/linux/man-pages/man5/proc_pid_mountinfo.5.html';

const meta = (m: Omit<CheckMeta, 'category'>): CheckMeta => ({ ...m, category: 'nodes' });

export const ROOT_READ_ONLY = meta({
  id: 'KW-NODE-201',
  title: 'Root filesystem is not mounted read-only',
  severity: 'medium',
  description: 'The mount of `/` in the node\'s mountinfo does not carry the `ro` option. Immutable node operating systems (Bottlerocket, Talos) mount the root read-only; Flatcar keeps `/usr` read-only and `/` writable.',
  rationale: 'A writable root lets anyone who reaches root on the node (a container escape, a compromised agent) replace binaries and plant persistence that survives restarts of the workloads; a read-only root forces changes through the OS update path.',
  remediation: 'Mount `/` read-only: `ro` in its /etc/fstab options and on the kernel command line, with writable state on separate mounts (/var, /etc overlays); or run an immutable node OS (Bottlerocket, Talos, Flatcar).',
  references: [MOUNTINFO, 'https://bottlerocket.dev/en/os/latest/concepts/security-guidance/', 'https://www.talos.dev/latest/learn-more/philosophy/'],
  aliases: [],
});

export const KUBELET_DATA_ENCRYPTED = meta({
  id: 'KW-NODE-202',
  title: 'kubelet data is not on an encrypted block device',
  severity: 'medium',
  description: 'The filesystem holding the kubelet\'s root directory (`/var/lib/kubelet`, or `--root-dir`) is not on a dm-crypt device: no device from the mount down the device-mapper stack (LVM, RAID) is a dm-crypt target (device-mapper uuid `CRYPT-LUKS1-`, `CRYPT-LUKS2-`, `CRYPT-PLAIN-`…).',
  rationale: 'The kubelet directory holds every pod\'s Secret and ConfigMap volumes, projected service-account tokens and emptyDir data; a disk that is not encrypted gives them to whoever obtains the disk, a snapshot or a decommissioned drive.',
  remediation: 'Put the kubelet directory on a LUKS2 volume: `cryptsetup luksFormat --type luks2 /dev/DEVICE`, add it to /etc/crypttab (`kubelet-data UUID=… none luks`) and mount `/dev/mapper/kubelet-data` at /var/lib/kubelet in /etc/fstab. Disk encryption done by a cloud provider (EBS, Persistent Disk) cannot be seen from the node: record an exception when it is in place.',
  references: [CRYPTSETUP, 'https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets'],
  aliases: [...mitre('T1006')],
});

export const RUNTIME_DATA_ENCRYPTED = meta({
  id: 'KW-NODE-203',
  title: 'Container runtime data is not on an encrypted block device',
  severity: 'medium',
  description: 'The filesystem holding the container runtime\'s data (`/var/lib/containerd`, `/var/lib/docker`, `/var/lib/containers`, `/var/lib/crio`, or the root configured for the runtime) is not on a dm-crypt device.',
  rationale: 'Image layers and the writable layers of running containers (logs, caches, files the applications write) are stored there; an unencrypted disk hands them to whoever obtains the disk or a snapshot of it.',
  remediation: 'Put the runtime\'s data directory on a LUKS2 volume (`cryptsetup luksFormat --type luks2 /dev/DEVICE`, /etc/crypttab, then mount `/dev/mapper/NAME` at the runtime root in /etc/fstab). Cloud-provider disk encryption is invisible from the node: record an exception when it is in place.',
  references: [CRYPTSETUP, 'https://github.com/containerd/containerd/blob/main/docs/ops.md'],
  aliases: [...mitre('T1006')],
});

export const MEMORY_ENCRYPTION = meta({
  id: 'KW-NODE-204',
  title: 'Memory encryption is not active',
  severity: 'medium',
  description: 'Neither AMD SME (bare metal, `sme` CPU flag and `mem_encrypt=on`), Intel TME, nor a confidential VM (AMD SEV/SEV-ES/SEV-SNP guest, Intel TDX guest) is in use on the node, judged from the CPU flags in /proc/cpuinfo and the kernel command line.',
  rationale: 'Pods of different tenants share the node\'s memory; without memory encryption its contents are readable by a cold-boot or DMA attack on bare metal, and by the hypervisor (and whoever controls it) in a VM.',
  remediation: 'Bare metal AMD EPYC: enable SME in the BIOS and add `mem_encrypt=on` to the kernel command line. VMs: run nodes that share pods as confidential VMs (AMD SEV-SNP or Intel TDX; e.g. GKE Confidential Nodes, AKS confidential VM node pools, EC2 instances with AMD SEV-SNP).',
  references: ['https://docs.kernel.org/arch/x86/amd-memory-encryption.html', 'https://docs.kernel.org/arch/x86/tdx.html', 'https://docs.kernel.org/admin-guide/kernel-parameters.html'],
  aliases: [],
});

export const SSH_ROOT_LOGIN = meta({
  id: 'KW-NODE-205',
  title: 'SSH root login is not disabled',
  severity: 'high',
  description: 'The SSH server\'s effective global `PermitRootLogin` (first value read in /etc/ssh/sshd_config and its Include files, default `prohibit-password`) is not `no`. `yes` is high; the key-only values (`prohibit-password`, `without-password`) are medium and `forced-commands-only` low.',
  rationale: 'Direct root login skips the named account that would show who logged in, and a stolen root key or guessed root password is the whole node — and every Secret mounted on it.',
  remediation: 'Make `PermitRootLogin no` the first PermitRootLogin line sshd reads outside Match blocks, then reload sshd (`systemctl reload ssh`/`sshd`).',
  references: [SSHD_CONFIG, 'https://attack.mitre.org/techniques/T1021/004/'],
  aliases: [...mitre('T1021.004', 'T1078.003')],
});

export const SSH_PASSWORD_LOGIN = meta({
  id: 'KW-NODE-206',
  title: 'SSH password login is not disabled',
  severity: 'medium',
  description: 'The SSH server\'s effective global `PasswordAuthentication` or `KbdInteractiveAuthentication` (formerly `ChallengeResponseAuthentication`) is not `no`; both default to `yes`.',
  rationale: 'Passwords can be guessed and sprayed from anywhere the SSH port is reachable; keys (or certificates) cannot.',
  remediation: 'Make `PasswordAuthentication no` and `KbdInteractiveAuthentication no` the first such lines sshd reads outside Match blocks, then reload sshd.',
  references: [SSHD_CONFIG, 'https://attack.mitre.org/techniques/T1110/'],
  aliases: [...mitre('T1110', 'T1021.004')],
});

export const EXTRA_UID0 = meta({
  id: 'KW-NODE-207',
  title: 'Accounts with uid 0 besides root',
  severity: 'high',
  description: 'Accounts in the node\'s /etc/passwd other than `root` whose uid is 0.',
  rationale: 'Every uid-0 account is root under another name: a second way in that audits keyed on the name `root` miss, and a classic backdoor.',
  remediation: 'Remove the account (`userdel NAME`) or give it an unused uid (`usermod -u UID NAME`); only root may have uid 0.',
  references: ['https://man7.org/linux/man-pages/man5/passwd.5.html', 'https://attack.mitre.org/techniques/T1136/001/'],
  aliases: [...mitre('T1078.003', 'T1136.001')],
});

export const EMPTY_PASSWORD = meta({
  id: 'KW-NODE-208',
  title: 'Accounts with an empty password',
  severity: 'high',
  description: 'Accounts of the node whose password field (in /etc/shadow, or /etc/passwd when it is not `x`) is empty: they log in without a password.',
  rationale: 'Anyone with a console, an SSH server allowing empty passwords, or an unprivileged shell (su) becomes that account — root when it is root.',
  remediation: 'Lock the password: `passwd -l NAME` (or `usermod -p \'*\' NAME`), which writes `!` into the shadow field.',
  references: ['https://man7.org/linux/man-pages/man5/shadow.5.html'],
  aliases: [...mitre('T1078.003')],
});

export const SUDO_NOPASSWD = meta({
  id: 'KW-NODE-209',
  title: 'Passwordless sudo for every command',
  severity: 'high',
  description: 'A rule in /etc/sudoers or a file it includes (`@includedir`/`#includedir`, `@include`/`#include`) lets users run ALL commands as root with NOPASSWD. High for `ALL` users, medium for a group or User_Alias, low for one user.',
  rationale: 'Whoever runs code as such a user — a compromised service, a leaked key — is root in one command, without knowing any password.',
  remediation: 'Remove `NOPASSWD:` from the rule (sudo then asks for the user\'s password), or limit it to the few commands needed.',
  references: [SUDOERS, 'https://attack.mitre.org/techniques/T1548/003/'],
  aliases: [...mitre('T1548.003')],
});

/** Every host check, in id order. */
export function hostCheckMetas(): CheckMeta[] {
  return [ROOT_READ_ONLY, KUBELET_DATA_ENCRYPTED, RUNTIME_DATA_ENCRYPTED, MEMORY_ENCRYPTION, SSH_ROOT_LOGIN, SSH_PASSWORD_LOGIN, EXTRA_UID0, EMPTY_PASSWORD, SUDO_NOPASSWD];
}
