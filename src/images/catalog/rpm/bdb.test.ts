import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { Package } from '../../model.js';
import { requireTool } from '../../../../test/e2e-tools.js';
import { layerOf } from '../../layers/fixtures.js';
import { walkLayers } from '../../layers/index.js';
import { osReleaseCataloger } from '../os-release/index.js';
import { bdbHashEntries, BdbError, openBdbHash, type PageSource } from './bdb.js';
import { rpmCataloger } from './index.js';
import { MAX_NOTES, readHeaders } from './rpmdb-bdb.js';

// Oracle: real rpm headers (rpmbuild + `rpm -i --justdb`), stored by Berkeley DB's own db_load as
// the hash database rpm < 4.16 writes, then listed by rpm itself through its bdb_ro backend.

const TOOLS = requireTool('db_load', ['-V']) || requireTool('rpmbuild', ['--version']) || requireTool('rpm', ['--version']);
const QF = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n';
const work = TOOLS ? '' : await mkdtemp(join(tmpdir(), 'kubeward-bdb-'));
after(() => (work ? rm(work, { recursive: true, force: true }) : undefined));

const SPEC = (name: string, version: string, release: string, epoch: number | undefined, description: string) => `Name: ${name}
Version: ${version}
Release: ${release}
${epoch !== undefined ? `Epoch: ${epoch}\n` : ''}Summary: kubeward test package
License: MIT
BuildArch: noarch
%description
${description}
%files
`;

let headersOnce: Promise<{ blobs: Buffer[]; sqlite: Buffer }> | undefined;
/** Three real header blobs; the third carries a 20 KB description, so it spans several overflow pages. */
function realHeaders(): Promise<{ blobs: Buffer[]; sqlite: Buffer }> {
  headersOnce ??= (async () => {
    const top = join(work, 'build');
    await mkdir(join(top, 'SPECS'), { recursive: true });
    const long = Array.from({ length: 400 }, (_, i) => `Line ${i} of a long description that makes this header big.`).join('\n');
    const specs = [SPEC('kw-alpha', '1.2.3', '4.el8', 2, 'a'), SPEC('kw-beta', '0.9', '1', undefined, 'b'), SPEC('kw-gamma', '3.0', '7.el8', undefined, long)];
    for (const [i, spec] of specs.entries()) {
      await writeFile(join(top, 'SPECS', `${i}.spec`), spec);
      execFileSync('rpmbuild', ['--define', `_topdir ${top}`, '-bb', join(top, 'SPECS', `${i}.spec`)], { stdio: 'ignore' });
    }
    const rpms = (await readdir(join(top, 'RPMS', 'noarch'))).map((f) => join(top, 'RPMS', 'noarch', f));
    const db = join(top, 'db');
    const rpm = (...args: string[]) => execFileSync('rpm', ['--dbpath', db, '--define', '_db_backend sqlite', ...args], { stdio: 'ignore' });
    rpm('--initdb');
    rpm('-i', '--justdb', '--nodeps', '--noscripts', ...rpms);
    const sqlite = new Database(join(db, 'rpmdb.sqlite'), { readonly: true });
    const rows = sqlite.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as { blob: Buffer }[];
    sqlite.close();
    return { blobs: rows.map((r) => Buffer.from(r.blob)), sqlite: await readFile(join(db, 'rpmdb.sqlite')) };
  })();
  return headersOnce;
}

interface BdbOptions {
  pageSize?: number;
  bigEndian?: boolean;
}

/** `Packages` built by db_load from a bytevalue dump: key 0 (rpm's next-instance record), then 1…n. */
async function buildBdb(name: string, blobs: Buffer[], options: BdbOptions = {}): Promise<{ dir: string; file: string }> {
  const bigEndian = options.bigEndian ?? endianness() === 'BE';
  const key = (n: number) => {
    const b = Buffer.alloc(4);
    if (bigEndian) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    return b.toString('hex');
  };
  const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', `db_pagesize=${options.pageSize ?? 4096}`];
  if (options.bigEndian !== undefined) lines.push(`db_lorder=${bigEndian ? 4321 : 1234}`);
  lines.push('HEADER=END', ` ${key(0)}`, ` ${key(blobs.length + 1)}`);
  blobs.forEach((blob, i) => lines.push(` ${key(i + 1)}`, ` ${blob.toString('hex')}`));
  lines.push('DATA=END', '');
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, 'dump'), lines.join('\n'));
  execFileSync('db_load', ['-f', join(dir, 'dump'), '-t', 'hash', join(dir, 'Packages')], { stdio: 'ignore' });
  return { dir, file: join(dir, 'Packages') };
}

function rpmQa(dir: string): string[] {
  const out = execFileSync('rpm', ['--dbpath', dir, '--define', '_db_backend bdb_ro', '-qa', '--qf', QF], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.trim().split('\n').filter(Boolean).sort();
}

/** Our packages in rpm's --qf format, to compare with the oracle. */
function asQf(packages: Package[]): string[] {
  return packages
    .map((p) => {
      const epoch = p.version.includes(':') ? p.version.split(':')[0] : '0';
      const vr = p.version.slice(p.version.indexOf(':') + 1);
      const cut = vr.lastIndexOf('-');
      return [p.name, epoch, vr.slice(0, cut), vr.slice(cut + 1), p.arch, `${p.source!.name}-${p.source!.version}.src.rpm`].join('\t');
    })
    .sort();
}

async function catalog(files: { name: string; content: Buffer }[]) {
  const spill = join(work, `spill-${Math.random().toString(36).slice(2)}`);
  await mkdir(spill);
  const layer = await layerOf([{ name: 'etc/os-release', content: 'ID="rhel"\nVERSION_ID="8.9"\n' }, ...files]);
  const output = (await walkLayers([layer], [osReleaseCataloger(), rpmCataloger({ tmpDir: spill })])).outputs.get('rpm')!;
  assert.deepEqual(await readdir(spill), [], 'the spilled database is removed');
  return { packages: output.packages, notes: output.notes ?? [] };
}

/** Page types in file order, read the way db_page.h lays them out (type byte at 25). */
function pageTypes(file: Buffer, pageSize: number): number[] {
  return Array.from({ length: file.length / pageSize }, (_, i) => file[i * pageSize + 25]!);
}

/** Every key/value pair the reader yields, hex-encoded and sorted; problems fail the test. */
async function rawPairs(bytes: Buffer): Promise<string[][]> {
  const source = bufferSource(bytes);
  const pairs: string[][] = [];
  for await (const entry of bdbHashEntries(source, await openBdbHash(source))) {
    assert.ok(!('problem' in entry), 'problem' in entry ? entry.problem : '');
    pairs.push([entry.key.toString('hex'), entry.value.toString('hex')]);
  }
  return pairs.sort();
}

/** The pairs buildBdb writes to the dump, in the same form. */
function dumpPairs(blobs: Buffer[], bigEndian: boolean): string[][] {
  const key = (n: number) => {
    const b = Buffer.alloc(4);
    if (bigEndian) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    return b.toString('hex');
  };
  return [[key(0), key(blobs.length + 1)], ...blobs.map((blob, i) => [key(i + 1), blob.toString('hex')])].sort();
}

const bufferSource = (bytes: Buffer): PageSource => ({ size: bytes.length, read: async (at, length) => Buffer.from(bytes.subarray(at, at + length)) });

for (const variant of [
  { label: '4096-byte pages, machine byte order', options: {} },
  { label: '512-byte pages (every header overflows)', options: { pageSize: 512 } },
  { label: 'big-endian (db_lorder=4321)', options: { bigEndian: true } },
  { label: 'big-endian, 512-byte pages', options: { bigEndian: true, pageSize: 512 } },
]) {
  test(`a real Berkeley DB Packages matches rpm -qa: ${variant.label}`, { skip: TOOLS }, async () => {
    const { blobs } = await realHeaders();
    const { dir, file } = await buildBdb(variant.label.replace(/\W+/g, '-'), blobs, variant.options);
    const oracle = rpmQa(dir);
    assert.equal(oracle.length, 3);
    const bytes = await readFile(file);
    const types = pageTypes(bytes, variant.options.pageSize ?? 4096);
    assert.ok(types.filter((t) => t === 7).length >= 6, 'overflow pages, including a multi-page chain, are exercised');
    assert.equal(bytes.readUInt32BE(12) === 0x061561, variant.options.bigEndian === true || endianness() === 'BE');
    assert.deepEqual(await rawPairs(bytes), dumpPairs(blobs, variant.options.bigEndian ?? endianness() === 'BE'), 'the bytes db_load was given');
    const { packages, notes } = await catalog([{ name: 'var/lib/rpm/Packages', content: bytes }]);
    assert.deepEqual(notes, []);
    assert.deepEqual(asQf(packages), oracle);
    const alpha = packages.find((p) => p.name === 'kw-alpha')!;
    assert.equal(alpha.version, '2:1.2.3-4.el8');
    assert.equal(alpha.ecosystem, undefined, 'RHEL advisories name product streams the image does not tell: not evaluated');
    assert.deepEqual(alpha.source, { name: 'kw-alpha', version: '1.2.3-4.el8' });
    assert.match(alpha.purl, /^pkg:rpm\/rhel\/kw-alpha@1\.2\.3-4\.el8\?arch=noarch&distro=rhel-8\.9&epoch=2&upstream=/);
    assert.deepEqual(alpha.locations.map((l) => l.path), ['var/lib/rpm/Packages']);
  });
}

test('200 packages over many hash buckets match rpm -qa (usr/lib/sysimage/rpm/Packages)', { skip: TOOLS }, async (t) => {
  const { blobs } = await realHeaders();
  const many = Array.from({ length: 200 }, (_, i) => blobs[i % blobs.length]!);
  const { dir, file } = await buildBdb('many', many);
  const oracle = rpmQa(dir);
  assert.equal(oracle.length, 200);
  const bytes = await readFile(file);
  assert.ok(pageTypes(bytes, 4096).filter((t) => t === 13).length > 1, 'several hash pages');
  const started = performance.now();
  const read = await readHeaders('Packages', bufferSource(bytes));
  t.diagnostic(`200 headers from a ${bytes.length}-byte database in ${(performance.now() - started).toFixed(1)} ms`);
  assert.equal(read.headers.length, 200);
  const { packages, notes } = await catalog([{ name: 'usr/lib/sysimage/rpm/Packages', content: bytes }]);
  assert.deepEqual(notes, []);
  assert.deepEqual(asQf(packages), oracle);
});

test('the SQLite database is preferred over a Berkeley DB beside it', { skip: TOOLS }, async () => {
  const { blobs, sqlite } = await realHeaders();
  const { file } = await buildBdb('both', [blobs[1]!]);
  const { packages, notes } = await catalog([
    { name: 'var/lib/rpm/Packages', content: await readFile(file) },
    { name: 'var/lib/rpm/rpmdb.sqlite', content: sqlite },
  ]);
  assert.deepEqual(packages.map((p) => p.name).sort(), ['kw-alpha', 'kw-beta', 'kw-gamma']);
  assert.ok(packages.every((p) => p.locations[0]!.path === 'var/lib/rpm/rpmdb.sqlite'));
  assert.deepEqual(notes, ['rpm: var/lib/rpm/Packages (Berkeley DB) ignored: the SQLite database var/lib/rpm/rpmdb.sqlite is used']);
});

test('a truncated database lists what its remaining pages hold, with a note', { skip: TOOLS }, async () => {
  const { blobs } = await realHeaders();
  const { dir, file } = await buildBdb('truncated', Array.from({ length: 60 }, (_, i) => blobs[i % blobs.length]!));
  const oracle = new Set(rpmQa(dir));
  const bytes = await readFile(file);
  const cut = bytes.subarray(0, Math.floor(bytes.length / 4096 / 2) * 4096 + 100);
  const { packages, notes } = await catalog([{ name: 'var/lib/rpm/Packages', content: cut }]);
  assert.match(notes[0]!, /^rpm: var\/lib\/rpm\/Packages: the metadata declares \d+ pages of 4096 bytes but the file holds \d+ bytes/);
  assert.ok(packages.length < 60);
  assert.ok(asQf(packages).every((line) => oracle.has(line)), 'whatever is listed is right');
});

test('a page of unknown type and an overflow loop are notes; the other packages are kept', { skip: TOOLS }, async () => {
  const { blobs } = await realHeaders();
  const { dir, file } = await buildBdb('damaged', Array.from({ length: 30 }, (_, i) => blobs[i % blobs.length]!), { pageSize: 512 });
  const oracle = new Set(rpmQa(dir));
  const bytes = await readFile(file);
  const types = pageTypes(bytes, 512);
  const hashPages = types.flatMap((t, i) => (t === 13 ? [i] : []));
  assert.ok(hashPages.length >= 2);
  bytes[hashPages[0]! * 512 + 25] = 99;
  // An overflow page that continues a chain: point it back at itself.
  const le = endianness() === 'LE';
  const chained = types.findIndex((t, i) => t === 7 && (le ? bytes.readUInt32LE(i * 512 + 16) : bytes.readUInt32BE(i * 512 + 16)) !== 0);
  if (le) bytes.writeUInt32LE(chained, chained * 512 + 16);
  else bytes.writeUInt32BE(chained, chained * 512 + 16);
  const { packages, notes } = await catalog([{ name: 'var/lib/rpm/Packages', content: bytes }]);
  assert.ok(notes.includes(`rpm: var/lib/rpm/Packages: page ${hashPages[0]}: unexpected page type 99; page skipped`), notes.join('\n'));
  assert.ok(notes.some((n) => new RegExp(`overflow chain from page \\d+ loops at page ${chained}; pair skipped$`).test(n)), notes.join('\n'));
  assert.ok(packages.length > 0 && packages.length < 30);
  assert.ok(asQf(packages).every((line) => oracle.has(line)));
});

test('random damage to a real database never throws', { skip: TOOLS }, async () => {
  const { blobs } = await realHeaders();
  const { file } = await buildBdb('fuzz', blobs, { pageSize: 512 });
  const bytes = await readFile(file);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      fc.nat(bytes.length),
      async (edits, length) => {
        const damaged = Buffer.from(bytes.subarray(0, Math.max(length, 600)));
        for (const [at, value] of edits) if (at < damaged.length) damaged[at] = value;
        const read = await readHeaders('Packages', bufferSource(damaged));
        assert.ok(read.headers.length <= blobs.length);
        assert.ok(read.notes.length <= MAX_NOTES + 1);
        assert.ok(read.notes.every((n) => n.startsWith('rpm: Packages: ') && !n.includes('\n')), read.notes.join('\n'));
      },
    ),
    { numRuns: 300 },
  );
});

test('metadata page: byte order from the magic, bounds on page size and version', async () => {
  const meta = (bigEndian: boolean, fields: { magic?: number; version?: number; pageSize?: number; type?: number; last?: number }) => {
    const page = Buffer.alloc(512);
    const w = (value: number, at: number) => (bigEndian ? page.writeUInt32BE(value, at) : page.writeUInt32LE(value, at));
    w(fields.magic ?? 0x061561, 12);
    w(fields.version ?? 9, 16);
    w(fields.pageSize ?? 512, 20);
    page[25] = fields.type ?? 8;
    w(fields.last ?? 3, 32);
    return page;
  };
  const open = (page: Buffer, size = 4 * 512) => openBdbHash(bufferSource(Buffer.concat([page, Buffer.alloc(size - page.length)])));
  assert.deepEqual(await open(meta(false, {})), { littleEndian: true, version: 9, pageSize: 512, pageCount: 4 });
  assert.deepEqual(await open(meta(true, {})), { littleEndian: false, version: 9, pageSize: 512, pageCount: 4 });
  assert.deepEqual(await open(meta(true, { last: 9 })), {
    littleEndian: false,
    version: 9,
    pageSize: 512,
    pageCount: 4,
    truncated: 'the metadata declares 10 pages of 512 bytes but the file holds 2048 bytes',
  });
  await assert.rejects(open(meta(false, { magic: 0x053162 })), /btree database, not a hash/);
  await assert.rejects(open(meta(false, { magic: 0x12345678 })), /bad magic/);
  await assert.rejects(open(meta(false, { version: 7 })), /unsupported hash version 7/);
  await assert.rejects(open(meta(false, { pageSize: 256 })), /page size 256 out of range/);
  await assert.rejects(open(meta(false, { pageSize: 131072 })), /page size 131072 out of range/);
  await assert.rejects(open(meta(false, { pageSize: 1000 })), /page size 1000 out of range/);
  await assert.rejects(open(meta(false, { type: 9 })), /metadata page has type 9/);
  await assert.rejects(openBdbHash(bufferSource(Buffer.alloc(100))), BdbError);
  const read = await readHeaders('var/lib/rpm/Packages', bufferSource(Buffer.alloc(512)));
  assert.deepEqual(read, { headers: [], notes: ['rpm: var/lib/rpm/Packages: not a Berkeley DB hash database (bad magic number); its packages are not listed'] });
});
