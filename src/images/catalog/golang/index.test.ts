import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { FileEntry } from '../../model.js';
import { requireTool } from '../../../../test/e2e-tools.js';
import { golangCataloger, parseModInfo, readUvarint, stdlibVersion, type BuildInfo } from './index.js';

// cmd/go/internal/modload infoStart / infoEnd sentinels framing the modinfo string.
const INFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const INFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const MAGIC = Buffer.from('ff20476f206275696c64696e663a', 'hex'); // "\xff Go buildinf:"

/** Unsigned LEB128, written out independently of the code under test. */
function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

/** A Go >= 1.18 build info blob: magic, ptrSize 8, flags 2 (inline strings), 16 zero bytes, two strings. */
function inlineBlob(goVersion: string, modinfo: string, frame = true): Buffer {
  const mod = frame ? Buffer.concat([INFO_START, Buffer.from(modinfo), INFO_END]) : Buffer.from(modinfo);
  const vers = Buffer.from(goVersion);
  return Buffer.concat([MAGIC, Buffer.from([8, 2]), Buffer.alloc(16), uvarint(vers.length), vers, uvarint(mod.length), mod]);
}

/** An ELF-looking file with `blob` at file offset `at`, padded with `before` noise and a tail. */
function fakeElf(blob: Buffer, at: number, size = at + blob.length + 4096): Buffer {
  const file = Buffer.alloc(size, 0x90);
  Buffer.from('7f454c46020101', 'hex').copy(file, 0);
  blob.copy(file, at);
  return file;
}

function chunked(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

function entry(path: string, size: number, mode = 0o755): FileEntry {
  return { path, type: 'file', mode, uid: 0, gid: 0, size, layerIndex: 3, layerDigest: 'sha256:' + 'c'.repeat(64) };
}

async function run(path: string, chunks: Buffer[]) {
  const cataloger = golangCataloger();
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const e = entry(path, size);
  const data = await cataloger.read(e, Readable.from(chunks));
  const out = await cataloger.finish(data ? [{ entry: e, data }] : [], { files: new Map() });
  return { data, out };
}

const MODINFO = [
  'path\texample.com/app/cmd/server',
  'mod\texample.com/app\tv1.4.0\th1:abc=',
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:def=',
  'dep\tgolang.org/x/net\tv0.10.0\th1:ghi=',
  '=>\tgithub.com/fork/net\tv0.17.0\th1:jkl=',
  'dep\texample.com/local\tv1.0.0',
  '=>\t../local\t',
  'build\t-compiler=gc',
  'build\tGOOS=linux',
  '',
].join('\n');

const LOC = [{ path: 'usr/local/bin/server', layerIndex: 3, layerDigest: 'sha256:' + 'c'.repeat(64) }];
const EXPECTED = [
  { name: 'example.com/app', version: 'v1.4.0', purl: 'pkg:golang/example.com/app@v1.4.0' },
  { name: 'github.com/fork/net', version: 'v0.17.0', purl: 'pkg:golang/github.com/fork/net@v0.17.0' },
  { name: 'github.com/pkg/errors', version: 'v0.9.1', purl: 'pkg:golang/github.com/pkg/errors@v0.9.1' },
  { name: 'stdlib', version: 'v1.21.5', purl: 'pkg:golang/stdlib@v1.21.5' },
].map((p) => ({ type: 'golang', ...p, ecosystem: 'Go', locations: LOC }));

test('reads deps, replacements, main module and stdlib from inline build info', async () => {
  const file = fakeElf(inlineBlob('go1.21.5', MODINFO), 8192);
  const { out } = await run('usr/local/bin/server', chunked(file, 4096));
  assert.deepEqual(out.packages, EXPECTED);
  assert.deepEqual(out.notes, ['usr/local/bin/server: example.com/local@v1.0.0 replaced by local directory ../local: not reported']);
});

test('finds the magic when it straddles a chunk boundary, for every split point', async () => {
  const at = 4096;
  const file = fakeElf(inlineBlob('go1.21.5', MODINFO), at);
  for (let split = 1; split < MAGIC.length; split++) {
    const chunks = [file.subarray(0, at + split), file.subarray(at + split)];
    const { out } = await run('usr/local/bin/server', chunks);
    assert.deepEqual(out.packages, EXPECTED, `split after ${split} magic bytes`);
  }
  // Tiny chunks: the carry spans several chunks.
  const { out } = await run('usr/local/bin/server', chunked(file, 5));
  assert.deepEqual(out.packages, EXPECTED);
});

test('a main module built from a checkout, (devel), is not reported; stdlib still is', async () => {
  const modinfo = 'path\texample.com/tool\nmod\texample.com/tool\t(devel)\t\n';
  const { out } = await run('bin/tool', [fakeElf(inlineBlob('go1.22.0 X:boringcrypto', modinfo), 1024)]);
  assert.deepEqual(out.packages.map((p) => p.purl), ['pkg:golang/stdlib@v1.22.0']);
});

test('ignores a magic at an unaligned offset, as debug/buildinfo does', async () => {
  const decoy = inlineBlob('go1.9.9', 'path\tdecoy\n');
  const file = fakeElf(inlineBlob('go1.21.5', MODINFO), 4096);
  decoy.copy(file, 1001); // 1001 % 16 !== 0
  const { out } = await run('usr/local/bin/server', [file]);
  assert.deepEqual(out.packages, EXPECTED);

  const onlyDecoy = fakeElf(decoy, 1001);
  const second = await run('usr/local/bin/server', chunked(onlyDecoy, 1000));
  assert.equal(second.data, undefined);
});

test('a non-Go ELF yields nothing; a script is rejected after its first bytes', async () => {
  const plain = fakeElf(Buffer.alloc(0), 0, 64 * 1024);
  const { data, out } = await run('usr/bin/ls', chunked(plain, 1000));
  assert.equal(data, undefined);
  assert.deepEqual(out, { packages: [] });

  let pulled = 0;
  const script = Readable.from((function* () { for (let i = 0; i < 100; i++) { pulled++; yield Buffer.from('#!/bin/sh\necho hi\n'.repeat(10)); } })());
  const result = await golangCataloger().read(entry('usr/bin/hello', 19000), script);
  assert.equal(result, undefined);
  assert.equal(script.destroyed, true);
  assert.ok(pulled <= 2, `pulled ${pulled} chunks`);
});

test('Mach-O and PE headers are sniffed too', async () => {
  for (const head of ['cffaedfe', 'feedfacf', '4d5a9000']) {
    const file = fakeElf(inlineBlob('go1.20', ''), 2048);
    Buffer.from(head, 'hex').copy(file, 0);
    const { out } = await run('app', [file]);
    assert.deepEqual(out.packages.map((p) => p.purl), ['pkg:golang/stdlib@v1.20.0'], head);
  }
});

test('pre-1.18 pointer format and truncated strings become notes', async () => {
  const legacy = Buffer.concat([MAGIC, Buffer.from([8, 0]), Buffer.alloc(16, 0x11)]);
  const one = await run('bin/old', [fakeElf(legacy, 512)]);
  assert.deepEqual(one.data, { format: 'pointers' } satisfies BuildInfo);
  assert.deepEqual(one.out, { packages: [], notes: ['bin/old: Go < 1.18 binary: module list not read'] });

  // The version string claims 200 bytes but the file ends first.
  const truncated = Buffer.concat([Buffer.from('7f454c46', 'hex'), Buffer.alloc(12), MAGIC, Buffer.from([8, 2]), Buffer.alloc(16), uvarint(200), Buffer.from('go1.2')]);
  const two = await run('bin/cut', [truncated]);
  assert.deepEqual(two.out, { packages: [], notes: ['bin/cut: Go build info unreadable (Go version string truncated)'] });
});

test('wants executables and files under bin/sbin within the size bounds', () => {
  const c = golangCataloger();
  assert.equal(c.wants(entry('opt/app/server', 2048, 0o755)), true);
  assert.equal(c.wants(entry('usr/sbin/daemon', 2048, 0o644)), true);
  assert.equal(c.wants(entry('etc/config', 2048, 0o644)), false);
  assert.equal(c.wants(entry('usr/bin/tiny', 1023, 0o755)), false);
  assert.equal(c.wants(entry('usr/bin/huge', 1024 ** 3 + 1, 0o755)), false);
  assert.equal(c.wants({ ...entry('usr/bin/link', 2048), type: 'symlink' }), false);
  assert.equal(c.wants(entry('bin', 2048, 0o644)), false);
});

test('stdlib versions follow Go release naming', () => {
  assert.equal(stdlibVersion('go1.21.5'), 'v1.21.5');
  assert.equal(stdlibVersion('go1.20'), 'v1.20.0');
  assert.equal(stdlibVersion('go1.21rc2'), 'v1.21.0-rc.2');
  assert.equal(stdlibVersion('go1.19beta1'), 'v1.19.0-beta.1');
  assert.equal(stdlibVersion('go1.22.1 X:boringcrypto'), 'v1.22.1');
  assert.equal(stdlibVersion('devel go1.23-abcdef Tue'), undefined);
  assert.equal(stdlibVersion('go1.2x'), undefined);
});

test('property: uvarint decoding inverts the LEB128 encoding', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 48 }), (n) => {
    const enc = uvarint(n);
    assert.deepEqual(readUvarint(Buffer.concat([Buffer.from([1]), enc, Buffer.from([7])]), 1), { value: n, next: 1 + enc.length });
    assert.equal(readUvarint(enc.subarray(0, enc.length - 1), 0), undefined);
  }));
});

test('property: generated module lists survive the embed/scan/parse round trip', async () => {
  const seg = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
  const modPath = fc.tuple(seg, seg, seg).map(([a, b, c]) => `${a}.com/${b}/${c}`);
  const ver = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `v${a}.${b}.${c}`);
  await fc.assert(fc.asyncProperty(
    fc.uniqueArray(fc.tuple(modPath, ver), { selector: ([p]) => p, maxLength: 12 }),
    fc.nat(300), fc.integer({ min: 1, max: 700 }),
    async (deps, pad, chunkSize) => {
      const modinfo = ['path\tmain.example/cmd', ...deps.map(([p, v]) => `dep\t${p}\t${v}\th1:x=`), ''].join('\n');
      const file = fakeElf(inlineBlob('go1.21.0', modinfo), 16 * (pad + 1));
      const { out } = await run('bin/x', chunked(file, chunkSize));
      const expected = [...deps.map(([p, v]) => `${p}@${v}`), 'stdlib@v1.21.0'].sort();
      assert.deepEqual(out.packages.map((p) => `${p.name}@${p.version}`).sort(), expected);
    },
  ), { numRuns: 60 });
});

test('parseModInfo reports unknown lines by number', () => {
  assert.deepEqual(parseModInfo('path\ta\nbogus line\ndep\n=>\tx\tv1\n').badLines, [2, 3, 4]);
});

const REAL = '/usr/bin/docker-registry';
test('reads a real Go binary (Debian docker-registry) and agrees with dpkg Built-Using', { skip: requireTool('docker-registry', ['--version']) }, async () => {
  const builtUsing = execFileSync('dpkg-query', ['-W', '-f', '${Built-Using}', 'docker-registry'], { encoding: 'utf8' });
  const go = /golang-1\.\d+ \(= (\d+\.\d+\.\d+)-/.exec(builtUsing);
  assert.ok(go, `no golang in Built-Using: ${builtUsing}`);
  const cataloger = golangCataloger();
  const e = entry('usr/bin/docker-registry', statSync(REAL).size);
  assert.equal(cataloger.wants(e), true);
  const data = await cataloger.read(e, createReadStream(REAL));
  const out = await cataloger.finish(data ? [{ entry: e, data }] : [], { files: new Map() });
  assert.ok(out.packages.some((p) => p.purl === `pkg:golang/stdlib@v${go[1]}`), JSON.stringify(out));
});
