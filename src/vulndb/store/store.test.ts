import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { Advisory } from '../model.js';
import { AdvisoryStore, AdvisoryStoreError, isNotOlder, nameKey, SCHEMA_VERSION } from './index.js';

function advisory(id: string, modified: string, packages: [string, string][], extra: Partial<Advisory> = {}): Advisory {
  return {
    id,
    aliases: [],
    modified,
    severity: [],
    references: [],
    affected: packages.map(([ecosystem, name]) => ({ ecosystem, name, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], versions: [] })),
    source: 'test',
    ...extra,
  };
}

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kw-store-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a record replaces one with the same id only when its modified time is not older', () => {
  const store = AdvisoryStore.memory();
  store.upsert([advisory('GHSA-1', '2024-05-01T00:00:00Z', [['npm', 'left-pad']], { summary: 'first' })], 'a');
  const older = store.upsert([advisory('GHSA-1', '2024-04-30T23:59:59Z', [['npm', 'right-pad']], { summary: 'older' })], 'b');
  assert.deepEqual(older, { written: 0, skipped: 1 });
  assert.equal(store.get('GHSA-1')?.summary, 'first');
  assert.deepEqual(store.advisoriesFor('npm', 'right-pad'), []);

  // Same instant in another spelling counts as not older.
  const same = store.upsert([advisory('GHSA-1', '2024-05-01T02:00:00+02:00', [['npm', 'right-pad']], { summary: 'same time' })], 'c');
  assert.deepEqual(same, { written: 1, skipped: 0 });
  assert.equal(store.get('GHSA-1')?.summary, 'same time');
  // The replaced record's packages are gone, the new ones are looked up.
  assert.deepEqual(store.advisoriesFor('npm', 'left-pad'), []);
  assert.deepEqual(store.advisoriesFor('npm', 'right-pad').map((a) => a.id), ['GHSA-1']);
  store.close();
});

test('withdrawn advisories are stored but never looked up', () => {
  const store = AdvisoryStore.memory();
  store.upsert([advisory('OSV-1', '2024-01-01T00:00:00Z', [['Go', 'example.com/m']], { withdrawn: '2024-02-01T00:00:00Z' }), advisory('OSV-2', '2024-01-01T00:00:00Z', [['Go', 'example.com/m']])], 's');
  assert.deepEqual(store.advisoriesFor('Go', 'example.com/m').map((a) => a.id), ['OSV-2']);
  assert.equal(store.get('OSV-1')?.withdrawn, '2024-02-01T00:00:00Z');
  const status = store.status();
  assert.equal(status.records, 2);
  assert.equal(status.withdrawn, 1);
  assert.deepEqual(status.ecosystems, [{ ecosystem: 'Go', records: 1 }]);
  store.close();
});

test('PyPI names are compared PEP 503-normalised; other ecosystems exactly', () => {
  const store = AdvisoryStore.memory();
  store.upsert([advisory('PYSEC-1', '2024-01-01T00:00:00Z', [['PyPI', 'Zope.Interface']]), advisory('GHSA-2', '2024-01-01T00:00:00Z', [['Maven', 'org.Foo:Bar']])], 's');
  for (const spelling of ['zope-interface', 'ZOPE_INTERFACE', 'zope__.-interface', 'Zope.Interface']) {
    assert.deepEqual(store.advisoriesFor('PyPI', spelling).map((a) => a.id), ['PYSEC-1'], spelling);
  }
  assert.deepEqual(store.advisoriesFor('Maven', 'org.foo:bar'), []);
  assert.deepEqual(store.advisoriesFor('Maven', 'org.Foo:Bar').map((a) => a.id), ['GHSA-2']);
  store.close();
});

test('nameKey: PEP 503 normalisation is idempotent and ignores case and separator runs', () => {
  const part = fc.stringMatching(/^[A-Za-z0-9]{1,6}$/);
  const sep = fc.stringMatching(/^[-_.]{1,3}$/);
  fc.assert(
    fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.array(sep, { minLength: 3, maxLength: 3 }), (parts, seps) => {
      const spelled = parts.map((p, i) => (i === 0 ? p : `${seps[i % 3]}${p}`)).join('');
      const expected = parts.map((p) => p.toLowerCase()).join('-');
      assert.equal(nameKey('PyPI', spelled), expected);
      assert.equal(nameKey('PyPI', nameKey('PyPI', spelled)), expected);
      assert.equal(nameKey('npm', spelled), spelled);
    }),
  );
});

test('repeated lookups return the parsed advisory without parsing again', () => {
  const store = AdvisoryStore.memory();
  store.upsert([advisory('A-1', '2024-01-01T00:00:00Z', [['npm', 'x']])], 's');
  const first = store.advisoriesFor('npm', 'x')[0];
  assert.ok(first);
  assert.equal(store.advisoriesFor('npm', 'x')[0], first, 'the same object: served from the cache');
  store.upsert([advisory('A-1', '2024-02-01T00:00:00Z', [['npm', 'x']], { summary: 'new' })], 's');
  assert.equal(store.advisoriesFor('npm', 'x')[0]?.summary, 'new', 'a write clears the cache');
  store.close();
});

test('isNotOlder compares instants, falling back to text for unparsable times', () => {
  assert.equal(isNotOlder('2024-01-01T00:00:00Z', undefined), true);
  assert.equal(isNotOlder(undefined, '2024-01-01T00:00:00Z'), false);
  assert.equal(isNotOlder('2024-01-01T00:00:00.5Z', '2024-01-01T00:00:00Z'), true);
  assert.equal(isNotOlder('2023-12-31T23:00:00-02:00', '2024-01-01T00:00:00Z'), true);
  assert.equal(isNotOlder('b', 'a'), true);
});

test('opening a missing database readonly names the path and the commands that create one', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'none', 'advisories.sqlite');
    assert.throws(
      () => AdvisoryStore.open(path, { readonly: true }),
      (error: unknown) => error instanceof AdvisoryStoreError && error.message === `no advisory database at ${path}; run \`kubeward db import\` or \`kubeward db update\``,
    );
    assert.equal(existsSync(path), false);
  });
});

test('a writable open creates directories and schema; data and sources survive reopening', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'a', 'b', 'db.sqlite');
    const store = AdvisoryStore.open(path);
    store.upsert([advisory('X-1', '2024-03-01T00:00:00Z', [['Debian:12', 'openssl'], ['Debian:11', 'openssl']])], 'import:/x');
    store.recordSource({ name: 'import:/x', kind: 'osv', location: '/x', records: 1, importedAt: '2024-03-02T00:00:00.000Z' });
    store.close();
    const reopened = AdvisoryStore.open(path, { readonly: true });
    const status = reopened.status();
    assert.deepEqual(status, {
      path,
      schemaVersion: SCHEMA_VERSION,
      records: 1,
      withdrawn: 0,
      sources: [{ name: 'import:/x', kind: 'osv', location: '/x', importedAt: '2024-03-02T00:00:00.000Z', records: 1 }],
      ecosystems: [
        { ecosystem: 'Debian:11', records: 1 },
        { ecosystem: 'Debian:12', records: 1 },
      ],
      newestModified: '2024-03-01T00:00:00Z',
    });
    assert.deepEqual(reopened.baseEcosystems(), ['Debian']);
    assert.deepEqual(reopened.advisoriesFor('Debian:12', 'openssl').map((a) => a.id), ['X-1']);
    reopened.close();
  });
});

test('a database with a newer schema is refused with a clear message', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    AdvisoryStore.open(path).close();
    const raw = new Database(path);
    raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    raw.close();
    assert.throws(() => AdvisoryStore.open(path, { readonly: true }), new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this kubeward reads \\(${SCHEMA_VERSION}\\)`));
    assert.throws(() => AdvisoryStore.open(path), AdvisoryStoreError);
  });
});

test('a file that is not SQLite is a clear error, not a crash', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'db.sqlite');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, 'not a database at all, just text'.repeat(100)));
    assert.throws(() => AdvisoryStore.open(path, { readonly: true }), (error: unknown) => error instanceof AdvisoryStoreError && error.message.includes(path));
  });
});

test('related advisories: the ids an advisory names as aliases, and those naming it or its aliases; withdrawn and replaced aliases left out', () => {
  const store = AdvisoryStore.memory();
  store.upsert([
    advisory('ALPINE-CVE-2024-1', '2024-01-01T00:00:00Z', [['Alpine:v3.19', 'x']], { aliases: ['CVE-2024-1'] }),
    advisory('CVE-2024-1', '2024-01-01T00:00:00Z', [['Debian:12', 'x']]),
    advisory('DEBIAN-CVE-2024-1', '2024-01-01T00:00:00Z', [['Debian:12', 'x']], { aliases: ['CVE-2024-1'] }),
    advisory('GHSA-old', '2024-01-01T00:00:00Z', [['npm', 'x']], { aliases: ['CVE-2024-1'], withdrawn: '2024-02-01T00:00:00Z' }),
    advisory('GHSA-moved', '2024-01-01T00:00:00Z', [['npm', 'y']], { aliases: ['CVE-2024-1'] }),
  ], 'test');
  // A newer GHSA-moved no longer names the CVE: its old alias row goes.
  store.upsert([advisory('GHSA-moved', '2024-03-01T00:00:00Z', [['npm', 'y']], { aliases: ['CVE-2024-9'] })], 'test');
  const ids = (id: string) => store.related(store.get(id)!).map((a) => a.id);
  assert.deepEqual(ids('ALPINE-CVE-2024-1'), ['CVE-2024-1', 'DEBIAN-CVE-2024-1']);
  assert.deepEqual(ids('CVE-2024-1'), ['ALPINE-CVE-2024-1', 'DEBIAN-CVE-2024-1']);
  assert.deepEqual(ids('GHSA-moved'), []);
});
