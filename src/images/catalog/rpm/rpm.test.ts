import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { requireTool } from '../../../../test/e2e-tools.js';
import { layerOf } from '../../layers/fixtures.js';
import { walkLayers } from '../../layers/index.js';
import { osReleaseCataloger } from '../os-release/index.js';
import { parseRpmHeader, parseSourceRpm, RpmHeaderError, rpmCataloger, TAG } from './index.js';
import { rpmEcosystem } from './index.js';

/** Builds a header blob as rpm stores it: il, dl, index entries, data store (all big-endian). */
function headerBlob(entries: { tag: number; type: number; value: string | number }[]): Buffer {
  const data: Buffer[] = [];
  let size = 0;
  const index = Buffer.alloc(entries.length * 16);
  entries.forEach((e, i) => {
    if (typeof e.value === 'number') {
      const pad = (4 - (size % 4)) % 4;
      data.push(Buffer.alloc(pad));
      size += pad;
    }
    const bytes = typeof e.value === 'number' ? Buffer.alloc(4) : Buffer.from(`${e.value}\0`);
    if (typeof e.value === 'number') bytes.writeUInt32BE(e.value);
    index.writeUInt32BE(e.tag, i * 16);
    index.writeUInt32BE(e.type, i * 16 + 4);
    index.writeUInt32BE(size, i * 16 + 8);
    index.writeUInt32BE(1, i * 16 + 12);
    data.push(bytes);
    size += bytes.length;
  });
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(size, 4);
  return Buffer.concat([head, index, ...data]);
}

const BASH = [
  { tag: TAG.NAME, type: 6, value: 'bash' },
  { tag: TAG.VERSION, type: 6, value: '5.1.8' },
  { tag: TAG.RELEASE, type: 6, value: '6.el9' },
  { tag: TAG.EPOCH, type: 4, value: 1 },
  { tag: TAG.LICENSE, type: 6, value: 'GPLv3+' },
  { tag: TAG.ARCH, type: 6, value: 'x86_64' },
  { tag: TAG.SOURCERPM, type: 6, value: 'bash-5.1.8-6.el9.src.rpm' },
  { tag: 1004, type: 9, value: 'The GNU Bourne Again shell' }, // SUMMARY: ignored
];

test('hand-built header blobs parse; source rpm names split', () => {
  assert.deepEqual(parseRpmHeader(headerBlob(BASH)), {
    name: 'bash',
    version: '5.1.8',
    release: '6.el9',
    epoch: 1,
    license: 'GPLv3+',
    arch: 'x86_64',
    sourceRpm: 'bash-5.1.8-6.el9.src.rpm',
  });
  assert.deepEqual(parseSourceRpm('python3-libs-3.9.18-1.el9.src.rpm'), { name: 'python3-libs', version: '3.9.18-1.el9' });
  assert.equal(parseSourceRpm('garbage'), undefined);
});

test('corrupt headers are rejected with a reason, never read out of bounds', () => {
  const good = headerBlob(BASH);
  assert.throws(() => parseRpmHeader(good.subarray(0, 5)), RpmHeaderError);
  assert.throws(() => parseRpmHeader(good.subarray(0, good.length - 1)), /declares/);
  const badOffset = Buffer.from(good);
  badOffset.writeUInt32BE(0xffff, 8 + 8); // NAME's offset
  assert.throws(() => parseRpmHeader(badOffset), /tag 1000: offset 65535 outside/);
  const unterminated = headerBlob([{ tag: TAG.NAME, type: 6, value: 'x' }]);
  unterminated[unterminated.length - 1] = 0x41;
  assert.throws(() => parseRpmHeader(unterminated), /not terminated/);
  assert.throws(() => parseRpmHeader(headerBlob(BASH.slice(1))), /no NAME tag/);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (noise, at, byte) => {
      const mutated = Buffer.from(good);
      mutated[at] = byte;
      for (const blob of [mutated, Buffer.from(noise)]) {
        try {
          parseRpmHeader(blob);
        } catch (error) {
          assert.ok(error instanceof RpmHeaderError, String(error));
        }
      }
    }),
  );
});

test('ndb databases and unreadable Berkeley DB databases are reported, not skipped silently', async () => {
  const layer = await layerOf([
    { name: 'var/lib/rpm/Packages', content: Buffer.alloc(512) },
    { name: 'usr/lib/sysimage/rpm/Packages.db', content: Buffer.alloc(512) },
  ]);
  const output = (await walkLayers([layer], [rpmCataloger()])).outputs.get('rpm')!;
  assert.deepEqual(output.packages, []);
  assert.deepEqual([...output.notes!].sort(), [
    'rpm: rpm database format ndb (usr/lib/sysimage/rpm/Packages.db) not read; its packages are not listed',
    'rpm: var/lib/rpm/Packages: not a Berkeley DB hash database (bad magic number); its packages are not listed',
  ]);
});

test('rpm ecosystems', () => {
  assert.equal(rpmEcosystem({ id: 'rocky', versionId: '9.3', source: '' }), 'Rocky Linux:9');
  assert.equal(rpmEcosystem({ id: 'almalinux', versionId: '8.9', source: '' }), 'AlmaLinux:8');
  assert.equal(rpmEcosystem({ id: 'rhel', versionId: '9.3', source: '' }), undefined);
  assert.equal(rpmEcosystem({ id: 'opensuse-leap', versionId: '15.5', source: '' }), 'openSUSE:Leap 15.5');
  assert.equal(rpmEcosystem({ id: 'sles', versionId: '15.5', source: '' }), 'SUSE:Linux Enterprise Server 15 SP5');
  assert.equal(rpmEcosystem({ id: 'fedora', versionId: '39', source: '' }), undefined);
});

const SPEC = (name: string, version: string, release: string, epoch?: number) => `Name: ${name}
Version: ${version}
Release: ${release}
${epoch !== undefined ? `Epoch: ${epoch}\n` : ''}Summary: kubeward test package
License: MIT and BSD
BuildArch: noarch
%description
A package built for kubeward's rpm cataloger test.
%files
`;

test('a real rpm SQLite database matches rpm -qa', { skip: requireTool('rpmbuild', ['--version']) || requireTool('rpm', ['--version']) }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubeward-rpm-'));
  try {
    const specs = join(dir, 'SPECS');
    await mkdir(specs);
    await writeFile(join(specs, 'a.spec'), SPEC('kw-alpha', '1.2.3', '4.el9', 2));
    await writeFile(join(specs, 'b.spec'), SPEC('kw-beta', '0.9', '1'));
    for (const spec of ['a.spec', 'b.spec']) {
      execFileSync('rpmbuild', ['--define', `_topdir ${dir}`, '-bb', join(specs, spec)], { stdio: 'ignore' });
    }
    const rpms = (await readdir(join(dir, 'RPMS', 'noarch'))).map((f) => join(dir, 'RPMS', 'noarch', f));
    const db = join(dir, 'db');
    const rpm = (...args: string[]) => execFileSync('rpm', ['--dbpath', db, '--define', '_db_backend sqlite', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    rpm('--initdb');
    rpm('-i', '--justdb', '--nodeps', '--noscripts', ...rpms);
    const oracle = rpm('-qa', '--qf', '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n').trim().split('\n').sort();
    assert.equal(oracle.length, 2);

    const layer = await layerOf([
      { name: 'etc/os-release', content: 'ID="rocky"\nVERSION_ID="9.3"\n' },
      { name: 'var/lib/rpm/rpmdb.sqlite', content: await readFile(join(db, 'rpmdb.sqlite')) },
    ]);
    const spill = join(dir, 'spill');
    await mkdir(spill);
    const result = await walkLayers([layer], [osReleaseCataloger(), rpmCataloger({ tmpDir: spill })]);
    const output = result.outputs.get('rpm')!;
    assert.deepEqual(output.notes, []);
    const ours = output.packages
      .map((p) => {
        const evr = p.version;
        const epoch = evr.includes(':') ? evr.split(':')[0] : '0';
        const vr = evr.slice(evr.indexOf(':') + 1);
        const release = vr.slice(vr.lastIndexOf('-') + 1);
        const version = vr.slice(0, vr.lastIndexOf('-'));
        return [p.name, epoch, version, release, p.arch, `${p.source!.name}-${p.source!.version}.src.rpm`].join('\t');
      })
      .sort();
    assert.deepEqual(ours, oracle);
    const alpha = output.packages.find((p) => p.name === 'kw-alpha')!;
    assert.equal(alpha.ecosystem, 'Rocky Linux:9');
    assert.deepEqual(alpha.licenses, ['MIT and BSD']);
    assert.match(alpha.purl, /^pkg:rpm\/rocky\/kw-alpha@1\.2\.3-4\.el9\?arch=noarch&distro=rocky-9\.3&epoch=2&upstream=/);
    assert.deepEqual(await readdir(spill), [], 'the spilled database is removed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
