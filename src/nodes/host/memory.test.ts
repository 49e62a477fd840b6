import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeSnapshot } from './fake-snapshot.js';
import { memEncryptParam, memoryEncryption } from './memory.js';

const X86 = ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'lm'];
const run = (flags: string[], kernelCmdline = 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro', files = {}) =>
  memoryEncryption(fakeSnapshot(files, { cpuFlags: flags, kernelCmdline }));

test('bare-metal AMD: sme with mem_encrypt=on passes; without it or with off fails with the exact fix', () => {
  assert.equal(run([...X86, 'sme', 'sev'], 'root=/dev/sda1 mem_encrypt=on').status, 'pass');

  const noParam = run([...X86, 'sme']);
  assert.equal(noParam.status, 'fail');
  assert.match(noParam.findings[0]!.remediation, /^Add `mem_encrypt=on` on the kernel command line/);
  assert.deepEqual(noParam.findings[0]!.evidence.map((e) => [e.path, e.value]), [['/proc/cpuinfo', 'sme'], ['/proc/cmdline', 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro']]);
  assert.match(noParam.findings[0]!.message, /CONFIG_AMD_MEM_ENCRYPT_ACTIVE_BY_DEFAULT/);

  const off = run([...X86, 'sme'], 'mem_encrypt=on quiet mem_encrypt=off');
  assert.equal(off.status, 'fail');
  assert.match(off.findings[0]!.remediation, /^Replace `mem_encrypt=off` with `mem_encrypt=on`/);
});

test('confidential VMs pass: TDX guest, SEV-SNP, SEV-ES, SEV, or the sev-guest device', () => {
  assert.match(run([...X86, 'hypervisor', 'tdx_guest']).reason, /Intel TDX guest/);
  assert.match(run([...X86, 'hypervisor', 'sev', 'sev_es', 'sev_snp']).reason, /AMD SEV-SNP guest/);
  assert.match(run([...X86, 'hypervisor', 'sev', 'sev_es']).reason, /AMD SEV-ES guest/);
  assert.match(run([...X86, 'hypervisor', 'sev']).reason, /AMD SEV guest/);
  assert.equal(run([...X86, 'hypervisor'], '', { '/dev/sev-guest': { facts: { type: 'other' } } }).status, 'pass');
});

test('a plain VM and bare metal without SME/TME fail (medium); the host SEV flag does not count', () => {
  const vm = run([...X86, 'hypervisor']);
  assert.equal(vm.status, 'fail');
  assert.equal(vm.findings[0]!.severity, 'medium');
  assert.match(vm.findings[0]!.message, /hypervisor, and whoever controls it, can read the memory/);

  const host = run([...X86, 'sev', 'sev_es'], 'mem_encrypt=on');
  assert.equal(host.status, 'fail');
  assert.match(host.findings[0]!.message, /offers SEV to virtual machines/);
  assert.match(host.findings[0]!.evidence[1]!.detail!, /mem_encrypt=on is set but the CPU reports no sme/);

  assert.equal(run([...X86, 'tme']).status, 'pass');
});

test('not evaluated: no CPU flags read, or not an x86 CPU (arm64 `sme` is the matrix extension)', () => {
  assert.equal(run([]).status, 'not-evaluated');
  const arm = run(['fp', 'asimd', 'aes', 'sme']);
  assert.equal(arm.status, 'not-evaluated');
  assert.match(arm.reason, /not an x86 CPU/);
});

test('memEncryptParam keeps the last value', () => {
  assert.equal(memEncryptParam('mem_encrypt=off ro mem_encrypt=on'), 'on');
  assert.equal(memEncryptParam('ro quiet'), undefined);
});
