import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { FileEntry } from '../../model.js';
import { isMetadataPath, normalizeProjectName, parseMetadataHeaders, pythonCataloger, readHeaderBlock } from './index.js';

function fileEntry(path: string, size: number): FileEntry {
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size, layerIndex: 2, layerDigest: 'sha256:' + 'b'.repeat(64) };
}

async function catalog(files: Record<string, string | Buffer[]>) {
  const cataloger = pythonCataloger();
  const collected = [];
  for (const [path, body] of Object.entries(files)) {
    const chunks = typeof body === 'string' ? [Buffer.from(body)] : body;
    const entry = fileEntry(path, chunks.reduce((n, c) => n + c.length, 0));
    if (!cataloger.wants(entry)) continue;
    const data = await cataloger.read(entry, Readable.from(chunks));
    if (data !== undefined) collected.push({ entry, data });
  }
  return cataloger.finish(collected, { files: new Map() });
}

test('wants dist-info METADATA, egg-info PKG-INFO and single-file egg-info only', () => {
  for (const path of [
    'usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA',
    'usr/local/lib/python3.12/site-packages/six-1.16.0.egg-info/PKG-INFO',
    'usr/lib/python3/dist-packages/chardet-3.0.4.egg-info',
  ]) assert.equal(isMetadataPath(path), true, path);
  for (const path of [
    'site-packages/requests-2.31.0.dist-info/RECORD',
    'site-packages/METADATA',
    'site-packages/.dist-info/METADATA',
    'site-packages/x.egg-info/SOURCES.txt',
    'site-packages/.egg-info',
    'src/PKG-INFO',
  ]) assert.equal(isMetadataPath(path), false, path);
});

test('reads Name, Version and licences; purl name normalised per PEP 503', async () => {
  const out = await catalog({
    'site-packages/Typing_Extensions-4.9.0.dist-info/METADATA':
      'Metadata-Version: 2.1\nName: Typing_Extensions\nVersion: 4.9.0\nClassifier: Development Status :: 5\n' +
      'Classifier: License :: OSI Approved :: Python Software Foundation License\n\nLicense: not-a-header-this-is-body\n',
    'site-packages/attrs-23.2.0.dist-info/METADATA':
      'Metadata-Version: 2.4\r\nName: attrs\r\nVersion: 23.2.0\r\nLicense-Expression: MIT\r\nClassifier: License :: OSI Approved :: MIT License\r\n\r\nbody',
    'dist-packages/chardet-3.0.4.egg-info': 'Metadata-Version: 1.1\nName: chardet\nVersion: 3.0.4\nLicense: LGPL\n',
    'dist-packages/zope.interface-6.1.egg-info/PKG-INFO':
      'Name: zope.interface\nVersion: 6.1\nLicense: Zope Public License\n    continued over a second line\n',
  });
  assert.equal(out.notes, undefined);
  const loc = (path: string) => [{ path, layerIndex: 2, layerDigest: 'sha256:' + 'b'.repeat(64) }];
  assert.deepEqual(out.packages, [
    { type: 'pypi', name: 'attrs', version: '23.2.0', purl: 'pkg:pypi/attrs@23.2.0', ecosystem: 'PyPI', licenses: ['MIT'], locations: loc('site-packages/attrs-23.2.0.dist-info/METADATA') },
    { type: 'pypi', name: 'chardet', version: '3.0.4', purl: 'pkg:pypi/chardet@3.0.4', ecosystem: 'PyPI', licenses: ['LGPL'], locations: loc('dist-packages/chardet-3.0.4.egg-info') },
    {
      type: 'pypi', name: 'Typing_Extensions', version: '4.9.0', purl: 'pkg:pypi/typing-extensions@4.9.0', ecosystem: 'PyPI',
      licenses: ['Python Software Foundation License'], locations: loc('site-packages/Typing_Extensions-4.9.0.dist-info/METADATA'),
    },
    { type: 'pypi', name: 'zope.interface', version: '6.1', purl: 'pkg:pypi/zope-interface@6.1', ecosystem: 'PyPI', locations: loc('dist-packages/zope.interface-6.1.egg-info/PKG-INFO') },
  ]);
});

test('missing Version and malformed lines become notes with file and line; others survive', async () => {
  const out = await catalog({
    'sp/a-1.dist-info/METADATA': 'Name: a\nthis line has no colon\nVersion: 1\n',
    'sp/b-1.dist-info/METADATA': 'Name: b\n',
    'sp/c-1.dist-info/METADATA': '\nName: c\nVersion: 1\n',
  });
  assert.deepEqual(out.packages.map((p) => p.purl), ['pkg:pypi/a@1']);
  assert.deepEqual(out.notes, [
    'sp/a-1.dist-info/METADATA: line 2: not a "Key: value" header, skipped',
    'sp/b-1.dist-info/METADATA: Version header missing, no package reported',
    'sp/c-1.dist-info/METADATA: Name header missing, no package reported',
  ]);
});

test('stops at the blank line even when it straddles chunks, and destroys the stream', async () => {
  const chunks = [Buffer.from('Name: x\nVersion: 1\r'), Buffer.from('\n\r'), Buffer.from('\nBODY'), Buffer.from('MORE')];
  let pulled = 0;
  const stream = Readable.from((function* () { for (const c of chunks) { pulled++; yield c; } })());
  const text = await readHeaderBlock(stream);
  assert.equal(pulled, 3);
  assert.equal(stream.destroyed, true);
  assert.ok(text.startsWith('Name: x\nVersion: 1\r\n\r\n'));
  assert.deepEqual(parseMetadataHeaders(text), { name: 'x', version: '1', licenses: [], badLines: [] });
});

test('a huge header block is cut at the byte cap, not buffered whole', async () => {
  let produced = 0;
  const stream = Readable.from((function* () { for (let i = 0; i < 1000; i++) { produced++; yield Buffer.alloc(4096, 0x41); } })());
  const text = await readHeaderBlock(stream, 16 * 1024);
  assert.equal(text.length, 16 * 1024);
  assert.ok(produced < 10);
});

test('PEP 503 normalisation', () => {
  assert.equal(normalizeProjectName('Friendly-Bard'), 'friendly-bard');
  assert.equal(normalizeProjectName('FRIENDLY__bard'), 'friendly-bard');
  assert.equal(normalizeProjectName('friendly.-_bard'), 'friendly-bard');
  fc.assert(fc.property(fc.string(), (s) => {
    const n = normalizeProjectName(s);
    assert.equal(normalizeProjectName(n), n);
    assert.doesNotMatch(n, /[A-Z_.]|--/);
  }));
});

test('property: generated headers (with folded continuation lines) are parsed back', () => {
  const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,15}$/);
  fc.assert(fc.property(word, word, fc.array(word, { maxLength: 3 }), fc.array(word, { maxLength: 4 }), (name, version, licenseNames, summaryWords) => {
    const lines = ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`];
    if (summaryWords.length > 0) lines.push(`Summary: ${summaryWords[0]}`, ...summaryWords.slice(1).map((w) => `        ${w}`));
    for (const l of licenseNames) lines.push(`Classifier: License :: OSI Approved :: ${l}`);
    const parsed = parseMetadataHeaders(`${lines.join('\n')}\n\nName: ignored\n`);
    assert.equal(parsed.name, name);
    assert.equal(parsed.version, version);
    assert.deepEqual(parsed.licenses, [...new Set(licenseNames)]);
    assert.deepEqual(parsed.badLines, []);
  }));
});
