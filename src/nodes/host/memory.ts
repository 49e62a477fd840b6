import type { Evidence } from '../../core/finding.js';
import type { NodeSnapshot } from '../model.js';
import { MEMORY_ENCRYPTION } from './meta.js';
import { fail, hostFinding, nodeEvidence, notEvaluated, pass, type HostOutcome } from './result.js';

// KW-NODE-204: memory encryption available and active. What userspace can know: the CPU flags
// the kernel advertises in /proc/cpuinfo and the kernel command line. What it cannot: whether a
// kernel built with CONFIG_AMD_MEM_ENCRYPT_ACTIVE_BY_DEFAULT=y activated SME without the
// parameter (only the boot log says), transparent SME (TSME) and other BIOS-only encryption.

const MEMORY_FLAGS = ['sme', 'sev', 'sev_es', 'sev_snp', 'tme', 'tdx_guest', 'hypervisor'];

/** The last `mem_encrypt=` on the kernel command line (the kernel keeps the last one). */
export function memEncryptParam(cmdline: string): string | undefined {
  const values = cmdline.split(/\s+/).filter((t) => t.startsWith('mem_encrypt=')).map((t) => t.slice('mem_encrypt='.length));
  return values[values.length - 1];
}

const GRUB_HINT = 'on the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then `update-grub` or `grub2-mkconfig -o /boot/grub2/grub.cfg`) and reboot';

function flagsEvidence(flags: ReadonlySet<string>): Evidence {
  const seen = MEMORY_FLAGS.filter((f) => flags.has(f));
  return nodeEvidence('/proc/cpuinfo', seen.length ? `memory-encryption related CPU flags: ${seen.join(' ')}` : 'no memory-encryption CPU flag (sme, sev, sev_es, sev_snp, tme, tdx_guest)', { value: seen.join(' ') });
}

const cmdlineEvidence = (cmdline: string, detail: string): Evidence => nodeEvidence('/proc/cmdline', detail, { value: cmdline });

/** A confidential VM: the guest's memory is encrypted with a key the hypervisor does not hold. */
function confidentialGuest(snapshot: NodeSnapshot, flags: ReadonlySet<string>): string | undefined {
  if (flags.has('tdx_guest') || snapshot.stat('/dev/tdx_guest')) return 'Intel TDX guest';
  if (flags.has('sev_snp') || snapshot.stat('/dev/sev-guest')) return 'AMD SEV-SNP guest';
  if (flags.has('sev_es')) return 'AMD SEV-ES guest';
  if (flags.has('sev')) return 'AMD SEV guest (memory encrypted; SEV-SNP would also protect its integrity)';
  return undefined;
}

export function memoryEncryption(snapshot: NodeSnapshot): HostOutcome {
  const flags = new Set(snapshot.cpuFlags);
  if (flags.size === 0) return notEvaluated('the CPU flags were not read from /proc/cpuinfo');
  // x86 always reports `fpu`; arm64 reports `fp`, and its `sme` is the Scalable Matrix Extension.
  if (!flags.has('fpu')) return notEvaluated('not an x86 CPU: AMD SME/SEV and Intel TME/TDX do not apply, and Arm memory encryption (always on in some CPUs, CCA realms) is not visible in /proc/cpuinfo');
  const guest = flags.has('hypervisor') || flags.has('tdx_guest');
  const confidential = guest ? confidentialGuest(snapshot, flags) : undefined;
  if (confidential) return pass(`the node is a confidential VM: ${confidential}`);
  const param = memEncryptParam(snapshot.kernelCmdline);
  const finding = (message: string, detail: string, remediation?: string) =>
    hostFinding(MEMORY_ENCRYPTION, snapshot, message, [flagsEvidence(flags), cmdlineEvidence(snapshot.kernelCmdline, detail)], remediation ? { remediation } : {});

  if (guest) {
    return fail('VM without SEV or TDX: the hypervisor can read its memory', [finding(
      `Node ${snapshot.hostname} is a virtual machine without memory encryption (no SEV, SEV-ES, SEV-SNP or TDX guest flag): the hypervisor, and whoever controls it, can read the memory of every pod on it.`,
      'the kernel runs under a hypervisor (`hypervisor` flag) and reports no confidential-computing guest flag')]);
  }
  if (flags.has('sme')) {
    if (param === 'on') return pass('AMD SME is active: the CPU reports sme and the kernel command line has mem_encrypt=on');
    if (param === 'off') {
      return fail('AMD SME is available but mem_encrypt=off disables it', [finding(
        `AMD SME is available on node ${snapshot.hostname} but the kernel command line turns it off (mem_encrypt=off).`,
        'mem_encrypt=off: the kernel does not activate SME', `Replace \`mem_encrypt=off\` with \`mem_encrypt=on\` ${GRUB_HINT}.`)]);
    }
    return fail('AMD SME is available but the kernel command line has no mem_encrypt=on', [finding(
      `AMD SME is available on node ${snapshot.hostname} (the BIOS enabled it: the CPU reports sme) but the kernel command line has no mem_encrypt=on. Only kernels built with CONFIG_AMD_MEM_ENCRYPT_ACTIVE_BY_DEFAULT=y activate it without the parameter, which the boot log alone shows (\`dmesg | grep 'Memory Encryption Features active'\`).`,
      'no mem_encrypt=on on the kernel command line', `Add \`mem_encrypt=on\` ${GRUB_HINT}.`)]);
  }
  if (flags.has('tme')) return pass('Intel TME reported by the CPU (recent kernels hide the flag when the BIOS did not enable TME; on older ones confirm with `dmesg | grep x86/tme`)');
  const onNote = param === 'on' ? '; mem_encrypt=on is set but the CPU reports no sme: SME is not enabled in the BIOS or not supported' : '';
  const sevNote = flags.has('sev') ? '; the CPU offers SEV to virtual machines, but pods on this node run outside any VM' : '';
  return fail('no hardware memory encryption (SME, TME) is available on this bare-metal node', [finding(
    `Node ${snapshot.hostname} has no hardware memory encryption: pods sharing it keep their memory in clear DRAM, open to cold-boot and DMA attacks${sevNote}. Transparent SME set in the BIOS cannot be seen from the operating system.`,
    `bare metal (no hypervisor flag), no sme or tme flag${onNote}`)]);
}
