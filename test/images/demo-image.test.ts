import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requireTool } from '../e2e-tools.js';

// The committed demo image must be exactly what scripts/build-demo-image.ts writes, and must hold
// what examples/images/legacy-reports/README.md promises (read back with skopeo and GNU tar, not our code).

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const committed = path.join(repoRoot, 'examples/images/legacy-reports');
const image = `oci:${committed}:shop/legacy-reports:3.9`;

async function layoutFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name !== 'README.md')
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

test('build-demo-image.ts reproduces the committed layout byte for byte', async () => {
  const out = await mkdtemp(path.join(os.tmpdir(), 'kw-demo-image-'));
  try {
    await run(process.execPath, ['--import', 'tsx', 'scripts/build-demo-image.ts', out], { cwd: repoRoot });
    const files = await layoutFiles(committed);
    assert.deepEqual(await layoutFiles(out), files);
    for (const file of files) {
      assert.ok((await readFile(path.join(out, file))).equals(await readFile(path.join(committed, file))), `${file} differs`);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('the demo image has the promised config and files', { skip: requireTool('skopeo', ['--version']) }, async () => {
  const config = JSON.parse((await run('skopeo', ['inspect', '--config', image])).stdout) as {
    architecture: string; os: string; created: string; config: { Cmd?: string[]; User?: string; Healthcheck?: unknown };
  };
  assert.equal(config.architecture, 'amd64');
  assert.equal(config.os, 'linux');
  assert.equal(config.created, '2019-05-01T00:00:00Z');
  assert.deepEqual(config.config.Cmd, ['/usr/bin/sqlite3']);
  assert.equal(config.config.User, undefined);
  assert.equal(config.config.Healthcheck, undefined);

  const { Layers: layers } = JSON.parse((await run('skopeo', ['inspect', image])).stdout) as { Layers: string[] };
  assert.equal(layers.length, 1);
  const blob = path.join(committed, 'blobs', 'sha256', layers[0]!.slice(7));
  const read = async (member: string): Promise<string> => (await run('tar', ['-xzOf', blob, member])).stdout;
  assert.equal(await read('etc/alpine-release'), '3.9.2\n');
  assert.match(await read('etc/os-release'), /^ID=alpine$/m);
  assert.match(await read('etc/os-release'), /^VERSION_ID=3\.9\.2$/m);
  assert.match(await read('etc/shadow'), /^root:::0:::::$/m);
  const installed = await read('lib/apk/db/installed');
  const stanzas = installed.trim().split('\n\n').map((s) => Object.fromEntries(s.split('\n').filter((l) => /^[PVo]:/.test(l)).map((l) => [l[0], l.slice(2)])));
  assert.deepEqual(stanzas, [
    { P: 'musl', V: '1.1.20-r4', o: 'musl' },
    { P: 'busybox', V: '1.29.3-r10', o: 'busybox' },
    { P: 'alpine-baselayout', V: '3.1.0-r3', o: 'alpine-baselayout' },
    { P: 'sqlite-libs', V: '3.26.0-r3', o: 'sqlite' },
    { P: 'sqlite', V: '3.26.0-r3', o: 'sqlite' },
  ]);
  const listing = (await run('tar', ['--numeric-owner', '-tvzf', blob], { env: { ...process.env, TZ: 'UTC' } })).stdout;
  for (const line of listing.trim().split('\n')) assert.match(line, /^\S+ 0\/(0|42) .* 2019-05-01 00:00 /, line);
});
