import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { FileEntry } from '../../model.js';
import { npmCataloger, isInstalledManifestPath, parseManifest, NPM_MANIFEST_MAX_BYTES } from './index.js';

function fileEntry(path: string, size: number, layerIndex = 0): FileEntry {
  return { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size, layerIndex, layerDigest: `sha256:${String(layerIndex).repeat(64)}` };
}

async function catalog(files: Record<string, string>) {
  const cataloger = npmCataloger();
  const collected = [];
  for (const [path, text] of Object.entries(files)) {
    const entry = fileEntry(path, Buffer.byteLength(text), 1);
    if (!cataloger.wants(entry)) continue;
    const data = await cataloger.read(entry, Readable.from(Buffer.from(text)));
    if (data !== undefined) collected.push({ entry, data });
  }
  return cataloger.finish(collected, { files: new Map() });
}

test('wants only a package\'s own manifest directly under node_modules', () => {
  const yes = [
    'app/node_modules/express/package.json',
    'app/node_modules/@types/node/package.json',
    'usr/lib/node_modules/npm/package.json',
    'usr/lib/node_modules/npm/node_modules/semver/package.json',
    'app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json',
  ];
  const no = [
    'app/package.json',
    'app/node_modules/express/test/fixtures/package.json',
    'app/node_modules/@types/package.json',
    'app/node_modules/@/x/package.json',
    'app/node_modules/.bin/package.json',
    'app/node_modules/express/package.json.bak',
    'app/node_modules/@scope/x/lib/package.json',
  ];
  for (const path of yes) assert.equal(isInstalledManifestPath(path), true, path);
  for (const path of no) assert.equal(isInstalledManifestPath(path), false, path);
  const cataloger = npmCataloger();
  assert.equal(cataloger.wants({ ...fileEntry(yes[0]!, 10), type: 'symlink' }), false);
});

test('reports each install with purl, licenses in all three forms and sorted output', async () => {
  const out = await catalog({
    'srv/node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL' }),
    'app/node_modules/@babel/core/package.json': JSON.stringify({ name: '@babel/core', version: '7.24.0', license: { type: 'MIT' } }),
    'app/node_modules/left-pad/package.json': JSON.stringify({ name: 'left-pad', version: '1.3.0', licenses: [{ type: 'MIT' }, 'Apache-2.0'] }),
  });
  assert.deepEqual(out.notes, undefined);
  assert.deepEqual(out.packages, [
    {
      type: 'npm', name: '@babel/core', version: '7.24.0', purl: 'pkg:npm/%40babel/core@7.24.0', ecosystem: 'npm', licenses: ['MIT'],
      locations: [{ path: 'app/node_modules/@babel/core/package.json', layerIndex: 1, layerDigest: `sha256:${'1'.repeat(64)}` }],
    },
    {
      type: 'npm', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0', ecosystem: 'npm', licenses: ['MIT', 'Apache-2.0'],
      locations: [{ path: 'app/node_modules/left-pad/package.json', layerIndex: 1, layerDigest: `sha256:${'1'.repeat(64)}` }],
    },
    {
      type: 'npm', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0', ecosystem: 'npm', licenses: ['WTFPL'],
      locations: [{ path: 'srv/node_modules/left-pad/package.json', layerIndex: 1, layerDigest: `sha256:${'1'.repeat(64)}` }],
    },
  ]);
});

test('bad manifests become notes naming file and JSON path; the others are still reported', async () => {
  const out = await catalog({
    'a/node_modules/noversion/package.json': JSON.stringify({ name: 'noversion' }),
    'a/node_modules/broken/package.json': '{"name": "broken",',
    'a/node_modules/array/package.json': '[1]',
    'a/node_modules/ok/package.json': '\uFEFF{"name":"ok","version":"2.0.0"}',
  });
  assert.deepEqual(out.packages.map((p) => p.purl), ['pkg:npm/ok@2.0.0']);
  assert.equal(out.notes?.length, 3);
  assert.match(out.notes![0]!, /^a\/node_modules\/array\/package\.json: not a JSON object$/);
  assert.match(out.notes![1]!, /^a\/node_modules\/broken\/package\.json: invalid JSON/);
  assert.equal(out.notes![2], 'a/node_modules/noversion/package.json: $.version missing or not a string');
});

test('an oversized manifest is not buffered: the stream is destroyed and a note says why', async () => {
  const cataloger = npmCataloger();
  const entry = fileEntry('x/node_modules/huge/package.json', NPM_MANIFEST_MAX_BYTES + 1);
  const stream = Readable.from([Buffer.alloc(10)]);
  const data = await cataloger.read(entry, stream);
  assert.equal(stream.destroyed, true);
  const out = await cataloger.finish([{ entry, data: data! }], { files: new Map() });
  assert.deepEqual(out.packages, []);
  assert.match(out.notes![0]!, /huge\/package\.json: larger than 1048576 bytes/);

  // A size that lies: the stream carries more than the cap although the entry said it was small.
  const lying = fileEntry('x/node_modules/liar/package.json', 10);
  const big = Readable.from((function* () { for (let i = 0; i < 20; i++) yield Buffer.alloc(64 * 1024, 0x20); })());
  const lyingData = await cataloger.read(lying, big);
  assert.deepEqual(lyingData, { problem: `larger than ${NPM_MANIFEST_MAX_BYTES} bytes, not read` });
});

test('property: any name/version/license written to package.json is read back', () => {
  const token = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/);
  fc.assert(fc.property(token, token, fc.option(token, { nil: undefined }), (name, version, license) => {
    const parsed = parseManifest(JSON.stringify({ name, version, ...(license ? { license } : {}) }));
    assert.deepEqual(parsed, { name, version, licenses: license ? [license] : [] });
  }));
});

test('property: parseManifest never throws on arbitrary text', () => {
  fc.assert(fc.property(fc.string(), (text) => {
    const parsed = parseManifest(text);
    assert.ok('problem' in parsed || typeof parsed.name === 'string');
  }));
});
