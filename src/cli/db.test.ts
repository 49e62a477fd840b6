import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AdvisoryStore } from '../vulndb/store/index.js';
import type { CliIo } from './common.js';
import { defaultDbPath, formatAge, runDbImport, runDbStatus, runDbUpdate } from './db.js';

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kw-cli-db-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const record = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'Flask' }, versions: ['1.0'] }], ...extra });

test('defaultDbPath follows XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(defaultDbPath({ XDG_CACHE_HOME: '/var/cache/me' }, '/home/u'), '/var/cache/me/kubeward/db/advisories.sqlite');
  assert.equal(defaultDbPath({}, '/home/u'), '/home/u/.cache/kubeward/db/advisories.sqlite');
});

test('db import prints the count and lists bad records one per line with exit 2', async () => {
  await withDir(async (dir) => {
    const db = join(dir, 'db.sqlite');
    await writeFile(join(dir, 'a.json'), record('PYSEC-1'));
    await writeFile(join(dir, 'b.json'), `[${record('PYSEC-2')}, ${record('PYSEC-3', { affected: [{ package: { ecosystem: 'PyPI' } }] })}]`);
    const io = capture();
    assert.equal(await runDbImport([join(dir, 'a.json'), join(dir, 'b.json')], { db }, io), 2);
    assert.match(io.out, /^imported 2 advisories \(\d+ records\/s\) from 2 file\(s\)\n$/);
    assert.equal(io.err.split('\n')[0], `${join(dir, 'b.json')}:[1].affected[0].package.name: name is missing`);

    const ok = capture();
    assert.equal(await runDbImport([join(dir, 'a.json')], { db }, ok), 0);
    assert.equal(ok.err, '');
  });
});

test('db status shows sources with their age and records per ecosystem; json gives the same facts', async () => {
  await withDir(async (dir) => {
    const db = join(dir, 'db.sqlite');
    const store = AdvisoryStore.open(db);
    store.upsert([JSON.parse(record('PYSEC-1')), JSON.parse(record('PYSEC-2'))].map((r) => ({ ...r, aliases: [], severity: [], references: [], source: 't', affected: [{ ecosystem: 'PyPI', name: 'flask', ranges: [], versions: ['1.0'] }] })), 'osv:PyPI');
    store.recordSource({ name: 'osv:PyPI', kind: 'osv-mirror', location: 'https://mirror.test/PyPI/all.zip', records: 2, importedAt: '2024-03-01T10:00:00.000Z' });
    store.close();
    const io = capture();
    assert.equal(await runDbStatus({ db }, io, new Date('2024-03-04T11:00:00.000Z')), 0);
    assert.equal(
      io.out,
      [
        `database: ${db} (schema 1)`,
        'advisories: 2 (0 withdrawn), newest modified 2024-01-01T00:00:00Z',
        'sources:',
        '  osv:PyPI  osv-mirror  2 records  imported 3 days ago  https://mirror.test/PyPI/all.zip',
        'ecosystems:',
        '  PyPI  2',
        '',
      ].join('\n'),
    );
    const json = capture();
    assert.equal(await runDbStatus({ db, format: 'json' }, json), 0);
    const parsed = JSON.parse(json.out);
    assert.equal(parsed.records, 2);
    assert.deepEqual(parsed.ecosystems, [{ ecosystem: 'PyPI', records: 2 }]);
  });
});

test('db status without a database says how to create one, exit 2', async () => {
  await withDir(async (dir) => {
    const io = capture();
    const db = join(dir, 'missing.sqlite');
    assert.equal(await runDbStatus({ db }, io), 2);
    assert.equal(io.err, `kubeward: no advisory database at ${db}; run \`kubeward db import\` or \`kubeward db update\`\n`);
  });
});

test('db update reports a failed download with exit 1 and rejects a non-http mirror with exit 2', async () => {
  await withDir(async (dir) => {
    const io = capture();
    const fetch = async () => ({ status: 503, headers: {}, body: (await import('node:stream')).Readable.from([]) });
    assert.equal(await runDbUpdate({ db: join(dir, 'db.sqlite'), ecosystem: ['npm'], mirror: 'https://mirror.test' }, io, { fetch, tty: false }), 1);
    assert.equal(io.err, 'kubeward: update failed, the database is unchanged: GET https://mirror.test/npm/all.zip: HTTP 503\n');
    const usage = capture();
    assert.equal(await runDbUpdate({ mirror: 'ftp://x' }, usage), 2);
    assert.match(usage.err, /--mirror takes an http\(s\) URL/);
  });
});

test('formatAge uses the largest whole unit', () => {
  const now = new Date('2024-01-10T00:00:00Z');
  assert.equal(formatAge('2024-01-09T23:59:30Z', now), 'just now');
  assert.equal(formatAge('2024-01-09T23:58:00Z', now), '2 minutes ago');
  assert.equal(formatAge('2024-01-09T23:00:00Z', now), '1 hour ago');
  assert.equal(formatAge('2024-01-07T00:00:00Z', now), '3 days ago');
});
