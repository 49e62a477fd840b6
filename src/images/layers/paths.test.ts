import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FileEntry } from '../model.js';
import { readLines } from './lines.js';
import { isPathUnder, normaliseEntryName, resolveInRoot } from './paths.js';

function fsOf(entries: [string, Partial<FileEntry>][]): Map<string, FileEntry> {
  const base = { mode: 0o644, uid: 0, gid: 0, size: 0, layerIndex: 0, layerDigest: 'sha256:x' };
  return new Map(entries.map(([path, e]) => [path, { path, type: 'file', ...base, ...e } as FileEntry]));
}

test('resolveInRoot follows symlinks without ever leaving the image root', () => {
  const files = fsOf([
    ['usr/lib/os-release', {}],
    ['etc/os-release', { type: 'symlink', linkTarget: '../usr/lib/os-release' }],
    ['etc/passwd', {}],
    ['up', { type: 'symlink', linkTarget: '../../../../etc/passwd' }],
    ['abs', { type: 'symlink', linkTarget: '/etc/passwd' }],
    ['lib', { type: 'symlink', linkTarget: 'usr/lib' }],
    ['loop1', { type: 'symlink', linkTarget: 'loop2' }],
    ['loop2', { type: 'symlink', linkTarget: '/loop1' }],
    ['dangling', { type: 'symlink', linkTarget: 'nowhere' }],
  ]);
  assert.equal(resolveInRoot(files, 'etc/os-release')?.path, 'usr/lib/os-release');
  assert.equal(resolveInRoot(files, '/etc/os-release')?.path, 'usr/lib/os-release');
  assert.equal(resolveInRoot(files, 'up')?.path, 'etc/passwd'); // `..` stops at the root
  assert.equal(resolveInRoot(files, 'abs')?.path, 'etc/passwd'); // absolute = image root
  assert.equal(resolveInRoot(files, 'lib/os-release')?.path, 'usr/lib/os-release'); // intermediate link
  assert.equal(resolveInRoot(files, 'loop1'), undefined);
  assert.equal(resolveInRoot(files, 'dangling'), undefined);
  assert.equal(resolveInRoot(files, 'etc/../etc/passwd')?.path, 'etc/passwd');
});

test('resolveInRoot gives up after 40 hops', () => {
  const chain: [string, Partial<FileEntry>][] = [['end', {}]];
  for (let i = 0; i < 41; i++) chain.push([`l${i}`, { type: 'symlink', linkTarget: i === 0 ? 'end' : `l${i - 1}` }]);
  const files = fsOf(chain);
  assert.equal(resolveInRoot(files, 'l39')?.path, 'end'); // 40 hops
  assert.equal(resolveInRoot(files, 'l40'), undefined); // 41 hops
});

test('resolveInRoot returns an existing non-symlink entry or nothing (property)', () => {
  const name = fc.constantFrom('a', 'b', 'c', '..', '.');
  const relPath = fc.array(name, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  const target = fc.tuple(fc.boolean(), relPath).map(([abs, p]) => (abs ? `/${p}` : p));
  const node = fc.oneof(fc.constant<Partial<FileEntry>>({}), target.map((t): Partial<FileEntry> => ({ type: 'symlink', linkTarget: t })));
  const paths = fc.constantFrom('a', 'b', 'c', 'a/a', 'a/b', 'b/c', 'c/a/b');
  fc.assert(
    fc.property(fc.dictionary(paths, node), relPath, (dict, query) => {
      const files = fsOf(Object.entries(dict));
      const found = resolveInRoot(files, query);
      if (found) {
        assert.notEqual(found.type, 'symlink');
        assert.equal(files.get(found.path), found);
      }
    }),
  );
});

test('normaliseEntryName agrees with POSIX lexical resolution (property)', () => {
  const segment = fc.constantFrom('a', 'b', '..', '.', '', 'c.d');
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, absolute) => {
      const name = (absolute ? '/' : '') + segments.join('/');
      const result = normaliseEntryName(name);
      const relative = posix.normalize(segments.join('/').replace(/^\/+/, '') || '.');
      const escapes = relative === '..' || relative.startsWith('../');
      assert.equal(result.kind === 'escapes', escapes);
      if (result.kind === 'ok') {
        assert.equal(result.absolute, name.startsWith('/'));
        const expected = relative.replace(/\/$/, '');
        assert.equal(result.path, expected === '.' ? '' : expected);
        assert.ok(!result.path.split('/').some((s) => s === '..' || s === '.'));
      }
    }),
  );
});

test('isPathUnder matches whole segments only', () => {
  assert.equal(isPathUnder('usr/lib/x', 'usr/lib'), true);
  assert.equal(isPathUnder('usr/lib', 'usr/lib'), true);
  assert.equal(isPathUnder('usr/libexec', 'usr/lib'), false);
  assert.equal(isPathUnder('anything', ''), true);
});

test('readLines splits across chunks, handles CRLF and bounds line length', async () => {
  const lines = [];
  for await (const line of readLines(Readable.from([Buffer.from('ab'), Buffer.from('c\r\nde'), Buffer.from('f\nxxxxxxxxxx\nlast')]), 4)) lines.push(line);
  assert.deepEqual(lines, [
    { number: 1, text: 'abc', truncated: false },
    { number: 2, text: 'def', truncated: false },
    { number: 3, text: 'xxxx', truncated: true },
    { number: 4, text: 'last', truncated: false },
  ]);
});
