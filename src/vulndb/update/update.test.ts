import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import yazl from 'yazl';
import { AdvisoryStore } from '../store/index.js';
import { updateDatabase, UpdateError } from './index.js';

function record(id: string, ecosystem: string, name: string): string {
  return JSON.stringify({ id, modified: '2024-08-01T00:00:00Z', affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] }] });
}

async function zipBuffer(entries: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

type Handler = (path: string, res: import('node:http').ServerResponse) => void;

async function withServer(handler: Handler, run: (mirror: string, dir: string, requests: string[]) => Promise<void>): Promise<void> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req.url ?? '', res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'kw-update-'));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/osv/`, dir, requests);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
}

test('update downloads each ecosystem, imports it and records the source', async () => {
  const npm = await zipBuffer({ 'GHSA-1.json': record('GHSA-1', 'npm', 'lodash'), 'GHSA-2.json': record('GHSA-2', 'npm', 'express') });
  const pypi = await zipBuffer({ 'PYSEC-1.json': record('PYSEC-1', 'PyPI', 'Django') });
  const files: Record<string, Buffer> = { '/osv/npm/all.zip': npm, '/osv/PyPI/all.zip': pypi };
  await withServer(
    (path, res) => {
      const body = files[path];
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': body.length }).end(body);
    },
    async (mirror, dir, requests) => {
      const dbPath = join(dir, 'db', 'advisories.sqlite');
      const progress: string[] = [];
      const result = await updateDatabase({ dbPath, ecosystems: ['npm', 'PyPI'], mirror, onProgress: (p) => progress.push(p.phase) });
      assert.deepEqual(requests, ['/osv/npm/all.zip', '/osv/PyPI/all.zip']);
      assert.deepEqual(result.ecosystems.map((e) => [e.ecosystem, e.imported, e.bytes]), [['npm', 2, npm.length], ['PyPI', 1, pypi.length]]);
      assert.ok(progress.includes('download') && progress.includes('import') && progress.at(-1) === 'swap');
      const store = AdvisoryStore.open(dbPath, { readonly: true });
      assert.deepEqual(store.advisoriesFor('PyPI', 'django').map((a) => a.id), ['PYSEC-1']);
      const sources = store.status().sources;
      assert.deepEqual(sources.map((s) => [s.name, s.kind, s.location, s.records]), [
        ['osv:PyPI', 'osv-mirror', `${mirror}PyPI/all.zip`, 1],
        ['osv:npm', 'osv-mirror', `${mirror}npm/all.zip`, 2],
      ]);
      store.close();
      assert.deepEqual(await readdir(join(dir, 'db')), ['advisories.sqlite'], 'no temp files left');

      // A second update with no --ecosystem fetches the ecosystems already in the database.
      requests.length = 0;
      await updateDatabase({ dbPath, mirror });
      assert.deepEqual(requests.sort(), ['/osv/PyPI/all.zip', '/osv/npm/all.zip']);
    },
  );
});

test('a truncated download fails, leaves the old database byte for byte and no temp file', async () => {
  const full = await zipBuffer({ 'A.json': record('A', 'Go', 'example.com/a'), 'B.json': 'x'.repeat(20_000) });
  await withServer(
    (_path, res) => {
      res.writeHead(200, { 'content-length': full.length });
      res.write(full.subarray(0, full.length >> 1), () => res.socket?.destroy());
    },
    async (mirror, dir) => {
      const dbPath = join(dir, 'advisories.sqlite');
      const store = AdvisoryStore.open(dbPath);
      store.upsert([{ id: 'OLD-1', aliases: [], modified: '2020-01-01T00:00:00Z', severity: [], references: [], affected: [{ ecosystem: 'Go', name: 'old', ranges: [], versions: ['1'] }], source: 't' }], 'old');
      store.close();
      const before = await readFile(dbPath);
      await assert.rejects(updateDatabase({ dbPath, ecosystems: ['Go'], mirror }), (error: unknown) => error instanceof UpdateError && /broke off after \d+ of \d+ bytes/.test(error.message));
      assert.deepEqual(await readFile(dbPath), before);
      assert.deepEqual(await readdir(dir), ['advisories.sqlite']);
    },
  );
});

test('an HTTP 404 and a body that is not a zip both fail without creating a database', async () => {
  await withServer(
    (path, res) => {
      if (path.startsWith('/osv/Missing/')) return void res.writeHead(404).end('no such bucket');
      res.writeHead(200).end('this is not a zip archive');
    },
    async (mirror, dir) => {
      const dbPath = join(dir, 'advisories.sqlite');
      await assert.rejects(updateDatabase({ dbPath, ecosystems: ['Missing'], mirror }), { message: `GET ${mirror}Missing/all.zip: HTTP 404` });
      await assert.rejects(updateDatabase({ dbPath, ecosystems: ['Broken'], mirror }), (error: unknown) => error instanceof UpdateError && error.message.startsWith(`${mirror}Broken/all.zip: not a readable zip`));
      assert.deepEqual(await readdir(dir), []);
    },
  );
});

test('an entry that is not JSON marks the archive as damaged; an entry that breaks the OSV schema is listed and skipped', async () => {
  const damaged = await zipBuffer({ 'A.json': record('A', 'npm', 'a'), 'B.json': '{"id":' });
  const odd = await zipBuffer({ 'A.json': record('A', 'npm', 'a'), 'C.json': JSON.stringify({ id: 'C' }) });
  await withServer(
    (path, res) => res.writeHead(200).end(path.includes('Damaged') ? damaged : odd),
    async (mirror, dir) => {
      const dbPath = join(dir, 'advisories.sqlite');
      await assert.rejects(updateDatabase({ dbPath, ecosystems: ['Damaged'], mirror }), (error: unknown) => error instanceof UpdateError && error.message.startsWith(`${mirror}Damaged/all.zip!B.json: invalid JSON`));
      const result = await updateDatabase({ dbPath, ecosystems: ['Odd'], mirror });
      assert.deepEqual(result.errors, [{ file: `${mirror}Odd/all.zip`, entry: 'C.json', path: 'modified', message: 'modified is missing' }]);
      assert.equal(result.ecosystems[0]?.imported, 1);
    },
  );
});

test('an ecosystem name is URL-encoded and redirects are followed', async () => {
  const body = await zipBuffer({ 'X.json': record('X', 'Alpine:v3.18', 'musl') });
  await withServer(
    (path, res) => {
      if (path === '/osv/Alpine%3Av3.18/all.zip') return void res.writeHead(302, { location: '/moved/all.zip' }).end();
      if (path === '/moved/all.zip') return void res.writeHead(200).end(body);
      res.writeHead(404).end();
    },
    async (mirror, dir, requests) => {
      const result = await updateDatabase({ dbPath: join(dir, 'a.sqlite'), ecosystems: ['Alpine:v3.18'], mirror });
      assert.deepEqual(requests, ['/osv/Alpine%3Av3.18/all.zip', '/moved/all.zip']);
      assert.equal(result.ecosystems[0]?.imported, 1);
    },
  );
});
