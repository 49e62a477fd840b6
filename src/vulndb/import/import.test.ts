import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import yazl from 'yazl';
import { AdvisoryStore } from '../store/index.js';
import { formatImportError, importPaths } from './index.js';

function osv(id: string, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2024-06-01T12:00:00Z',
    published: '2024-05-01T00:00:00Z',
    aliases: [`CVE-2024-${id.length}`],
    summary: `${id} in ${name}`,
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.3' }] }], versions: ['1.0.0'] }],
    references: [{ type: 'ADVISORY', url: `https://example.test/${id}` }],
    database_specific: { severity: 'HIGH' },
    ...extra,
  };
}

async function writeZip(path: string, entries: Record<string, string>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(path)).on('close', resolve).on('error', reject);
  });
}

async function withDir(run: (dir: string, store: AdvisoryStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kw-import-'));
  const store = AdvisoryStore.memory();
  try {
    await run(dir, store);
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('OSV JSON files, one record or an array, import with every field kept', async () => {
  await withDir(async (dir, store) => {
    await writeFile(join(dir, 'one.json'), JSON.stringify(osv('GHSA-aaaa', 'lodash')));
    await writeFile(join(dir, 'many.json'), JSON.stringify([osv('GHSA-bbbb', 'express'), osv('GHSA-cccc', 'express')]));
    const result = await importPaths(store, [join(dir, 'one.json'), join(dir, 'many.json')]);
    assert.equal(result.imported, 3);
    assert.deepEqual(result.errors, []);
    assert.equal(result.files, 2);
    const [lodash] = store.advisoriesFor('npm', 'lodash');
    assert.deepEqual(lodash, {
      id: 'GHSA-aaaa',
      aliases: ['CVE-2024-9'],
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      references: [{ type: 'ADVISORY', url: 'https://example.test/GHSA-aaaa' }],
      affected: [{ ecosystem: 'npm', name: 'lodash', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.3' }] }], versions: ['1.0.0'] }],
      source: `osv:${join(dir, 'one.json')}`,
      modified: '2024-06-01T12:00:00Z',
      summary: 'GHSA-aaaa in lodash',
      published: '2024-05-01T00:00:00Z',
      vendorSeverity: 'HIGH',
    });
    assert.deepEqual(store.advisoriesFor('npm', 'express').map((a) => a.id).sort(), ['GHSA-bbbb', 'GHSA-cccc']);
    assert.deepEqual(store.status().sources.map((s) => [s.name, s.kind, s.records]), [
      [`import:${join(dir, 'many.json')}`, 'osv', 2],
      [`import:${join(dir, 'one.json')}`, 'osv', 1],
    ]);
  });
});

test('invalid records are reported with file, entry and JSON path while the good ones import', async () => {
  await withDir(async (dir, store) => {
    const badEvent = osv('BAD-1', 'a', {
      affected: [{ package: { ecosystem: 'npm', name: 'a' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }, { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1' }, { fixed: '2', limit: '3' }] }] }],
    });
    const badType = osv('BAD-2', 'b', { affected: [{ package: { ecosystem: 'npm', name: 'b' }, ranges: [{ type: 'RANGE', events: [{ introduced: '0' }] }] }] });
    const noIntroduced = osv('BAD-3', 'c', { affected: [{ package: { ecosystem: 'npm', name: 'c' }, ranges: [{ type: 'SEMVER', events: [{ fixed: '1' }] }] }] });
    const { modified: _drop, ...noModified } = osv('BAD-4', 'd');
    const badSeverity = osv('BAD-5', 'e', { severity: [{ type: 'CVSS_V3' }] });
    await writeFile(join(dir, 'mixed.json'), JSON.stringify([osv('GOOD-1', 'good'), badEvent, badType, noIntroduced]));
    await writeZip(join(dir, 'all.zip'), {
      'GOOD-2.json': JSON.stringify(osv('GOOD-2', 'good')),
      'BAD-4.json': JSON.stringify(noModified),
      'BAD-5.json': JSON.stringify(badSeverity),
      'broken.json': '{"id": "X",',
    });
    const result = await importPaths(store, [dir]);
    assert.equal(result.imported, 2);
    assert.deepEqual(store.advisoriesFor('npm', 'good').map((a) => a.id).sort(), ['GOOD-1', 'GOOD-2']);
    const lines = result.errors.map(formatImportError);
    const zip = join(dir, 'all.zip');
    const mixed = join(dir, 'mixed.json');
    assert.deepEqual(lines.slice(0, 2), [`${zip}!BAD-4.json:modified: modified is missing`, `${zip}!BAD-5.json:severity[0].score: score is missing`]);
    assert.match(lines[2] as string, new RegExp(`^${zip.replace(/[.]/g, '\\.')}!broken\\.json: invalid JSON: `));
    assert.deepEqual(lines.slice(3), [
      `${mixed}:[1].affected[0].ranges[1].events[2]: an event has exactly one of introduced, fixed, last_affected, limit; found fixed, limit`,
      `${mixed}:[2].affected[0].ranges[0].type: range type "RANGE" is not SEMVER, ECOSYSTEM or GIT`,
      `${mixed}:[3].affected[0].ranges[0].events: a range needs at least one introduced event`,
    ]);
    assert.deepEqual(result.errors[0], { file: zip, entry: 'BAD-4.json', path: 'modified', message: 'modified is missing' });
  });
});

test('a package given only as a purl takes its name from the purl', async () => {
  await withDir(async (dir, store) => {
    const record = osv('GHSA-purl', 'x', {
      affected: [
        { package: { ecosystem: 'Maven', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0' }, { fixed: '2.15.0' }] }] },
        { package: { ecosystem: 'npm', purl: 'pkg:npm/%40babel/traverse' }, versions: ['7.0.0'] },
      ],
    });
    await writeFile(join(dir, 'r.json'), JSON.stringify(record));
    const result = await importPaths(store, [join(dir, 'r.json')]);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(store.advisoriesFor('Maven', 'org.apache.logging.log4j:log4j-core').map((a) => a.id), ['GHSA-purl']);
    assert.deepEqual(store.advisoriesFor('npm', '@babel/traverse').map((a) => a.id), ['GHSA-purl']);
  });
});

test('a file that is not a zip, a missing path and an unknown extension are errors; the rest imports', async () => {
  await withDir(async (dir, store) => {
    await writeFile(join(dir, 'fake.zip'), 'PK but not really a zip');
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, 'ok.json'), JSON.stringify(osv('OK-1', 'ok')));
    const result = await importPaths(store, [join(dir, 'fake.zip'), join(dir, 'missing.json'), join(dir, 'notes.txt'), join(dir, 'ok.json')]);
    assert.equal(result.imported, 1);
    assert.deepEqual(result.errors.map((e) => [e.file, e.message.split(':')[0]]), [
      [join(dir, 'fake.zip'), 'not a readable zip'],
      [join(dir, 'missing.json'), 'cannot read'],
      [join(dir, 'notes.txt'), 'not an advisory file'],
    ]);
  });
});

test('importing an older copy of a record keeps the newer one and counts it as skipped', async () => {
  await withDir(async (dir, store) => {
    await writeFile(join(dir, 'new.json'), JSON.stringify(osv('GHSA-v', 'p', { modified: '2024-07-01T00:00:00Z', summary: 'new' })));
    await writeFile(join(dir, 'old.json'), JSON.stringify(osv('GHSA-v', 'p', { modified: '2024-01-01T00:00:00Z', summary: 'old' })));
    const result = await importPaths(store, [join(dir, 'new.json'), join(dir, 'old.json')]);
    assert.equal(result.imported, 1);
    assert.equal(result.skipped, 1);
    assert.equal(store.get('GHSA-v')?.summary, 'new');
  });
});

const SECDB_318_YAML = `---
distroversion: v3.18
reponame: main
urlprefix: https://dl-cdn.alpinelinux.org/alpine
packages:
  - pkg:
      name: openssl
      secfixes:
        3.1.4-r0:
          - CVE-2023-5363
          - CVE-2023-5678
        "0":
          - CVE-2022-0001
  - pkg:
      name: libssl-tools
      secfixes:
        1.10-r0:
          - CVE-2023-5363 (shared with openssl)
  - pkg:
      name: nofixes
`;

test('Alpine secdb YAML and JSON: one advisory per CVE, branches merged, version 0 means never affected', async () => {
  await withDir(async (dir, store) => {
    await mkdir(join(dir, 'v3.18'));
    await mkdir(join(dir, 'v3.19'));
    await writeFile(join(dir, 'v3.18', 'main.yaml'), SECDB_318_YAML);
    const secdb319 = { distroversion: 'v3.19', reponame: 'main', packages: [{ pkg: { name: 'openssl', secfixes: { '3.1.4-r1': ['CVE-2023-5363'] } } }] };
    await writeFile(join(dir, 'v3.19', 'main.json'), JSON.stringify(secdb319));
    const mtime = new Date('2024-02-03T04:05:06.000Z');
    await utimes(join(dir, 'v3.18', 'main.yaml'), mtime, mtime);
    await utimes(join(dir, 'v3.19', 'main.json'), mtime, mtime);
    const result = await importPaths(store, [join(dir, 'v3.18')]);
    const second = await importPaths(store, [join(dir, 'v3.19', 'main.json')]);
    assert.deepEqual([...result.errors, ...second.errors], []);
    assert.equal(result.imported, 2, 'CVE-2023-5363 and CVE-2023-5678; CVE-2022-0001 is under version 0');
    const advisory = store.get('ALPINE-CVE-2023-5363');
    assert.ok(advisory);
    assert.deepEqual(advisory.aliases, ['CVE-2023-5363']);
    assert.equal(advisory.modified, '2024-02-03T04:05:06.000Z');
    const range = (fixed: string) => [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }];
    assert.deepEqual(
      advisory.affected.map((p) => [p.ecosystem, p.name, p.ranges]),
      [
        ['Alpine:v3.18', 'openssl', range('3.1.4-r0')],
        ['Alpine:v3.18', 'libssl-tools', range('1.10-r0')],
        ['Alpine:v3.19', 'openssl', range('3.1.4-r1')],
      ],
    );
    assert.equal(store.get('ALPINE-CVE-2022-0001'), undefined);
    assert.deepEqual(store.advisoriesFor('Alpine:v3.19', 'openssl').map((a) => a.id), ['ALPINE-CVE-2023-5363']);
    assert.deepEqual(store.advisoriesFor('Alpine:v3.18', 'openssl').map((a) => a.id).sort(), ['ALPINE-CVE-2023-5363', 'ALPINE-CVE-2023-5678']);
    assert.equal(store.status().sources.find((s) => s.location === join(dir, 'v3.18'))?.kind, 'alpine-secdb');
  });
});

test('a bad secdb package is reported with its path; the other packages import', async () => {
  await withDir(async (dir, store) => {
    const doc = { distroversion: 'v3.20', reponame: 'community', packages: [{ pkg: { name: 'good', secfixes: { '1-r0': ['CVE-2024-1'] } } }, { pkg: { name: 'bad', secfixes: { '2-r0': 'CVE-2024-2' } } }, { nopkg: true }] };
    await writeFile(join(dir, 'community.json'), JSON.stringify(doc));
    const result = await importPaths(store, [join(dir, 'community.json')]);
    assert.equal(result.imported, 1);
    assert.deepEqual(result.errors.map((e) => `${e.path}: ${e.message}`), ['packages[1].pkg.secfixes["2-r0"]: expected a list of ids', 'packages[2].pkg: expected an object with name and secfixes']);
  });
});

test('Alpine\'s own quirks import without errors: an empty packages list (YAML null), a fixed version listed without ids', async () => {
  await withDir(async (dir, store) => {
    // v3.3 community.yaml has `packages:` with nothing under it; v3.6 main lists heimdal 7.4.0-r0 with no ids.
    await writeFile(join(dir, 'community.yaml'), '---\ndistroversion: v3.3\nreponame: community\npackages:\n');
    await writeFile(join(dir, 'main.yaml'), '---\ndistroversion: v3.6\nreponame: main\npackages:\n  - pkg:\n      name: heimdal\n      secfixes:\n        7.4.0-r0:\n        7.5.0-r0:\n          - CVE-2018-16860\n');
    const result = await importPaths(store, [dir]);
    assert.deepEqual(result.errors, []);
    assert.equal(result.imported, 1);
    assert.deepEqual(store.advisoriesFor('Alpine:v3.6', 'heimdal').map((a) => a.id), ['ALPINE-CVE-2018-16860']);
  });
});

test('a zip entry larger than the cap is an error for that entry only, never written to disk', async () => {
  await withDir(async (dir) => {
    const { readZipEntries } = await import('./zip.js');
    await writeZip(join(dir, 'big.zip'), { 'big.json': JSON.stringify(osv('BIG-1', 'x', { details: 'z'.repeat(5000) })), 'small.json': JSON.stringify(osv('S-1', 'x')) });
    const seen = [];
    for await (const entry of readZipEntries(join(dir, 'big.zip'), { maxEntryBytes: 2000 })) seen.push([entry.name, entry.error?.split(' ').slice(0, 2).join(' ') ?? 'ok']);
    assert.deepEqual(seen, [['big.json', 'entry is'], ['small.json', 'ok']]);
  });
});
