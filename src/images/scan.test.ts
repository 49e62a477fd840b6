import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { baseConfig, gzippedTarLayer, removeLayout, symlinkOutsideLayout, traversalLayout, writeOciLayout, gzipBombLayout } from '../../test/images/hostile.js';
import { openAdvisories } from './advisories.js';
import { scanImage, type ImageScanOutput } from './scan.js';

// The whole image scan on images built for the project: the demo image (an Alpine 3.9-style root
// with sqlite 3.26.0-r3 and the empty root password of CVE-2019-5021) with its advisories, and
// hostile layouts. Expected values come from what the fixtures contain, not from running the code.

const repo = fileURLToPath(new URL('../../', import.meta.url));
const DEMO = join(repo, 'examples/images/legacy-reports');
const ADVISORIES = join(repo, 'examples/advisories');
const NOW = new Date('2026-01-01T00:00:00Z');

async function withCache<T>(use: (cacheDir: string) => Promise<T>): Promise<T> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'kw-scan-'));
  try {
    return await use(cacheDir);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

async function scanLayout(dir: string, reference: string, cacheDir: string, advisories: string[] = []): Promise<ImageScanOutput> {
  const opened = await openAdvisories(advisories.length > 0 ? { advisories } : { db: join(cacheDir, 'no-such.sqlite') });
  try {
    return await scanImage({ reference, source: { input: dir, cacheDir }, advisories: opened.set, now: NOW });
  } finally {
    opened.close();
  }
}

test('the demo image: Alpine 3.9, five apk packages, CVE-2019-5018 in sqlite, the empty root password, nothing for the fixed busybox', async () => {
  await withCache(async (cacheDir) => {
    const out = await scanLayout(DEMO, 'shop/legacy-reports:3.9', cacheDir, [ADVISORIES]);
    assert.equal(out.report.os?.id, 'alpine');
    assert.equal(out.report.os?.versionId, '3.9.2');
    assert.deepEqual(
      out.report.packages.map((p) => `${p.name} ${p.version} ${p.source?.name ?? ''} ${p.ecosystem}`).sort(),
      ['alpine-baselayout 3.1.0-r3 alpine-baselayout Alpine:v3.9', 'busybox 1.29.3-r10 busybox Alpine:v3.9', 'musl 1.1.20-r4 musl Alpine:v3.9', 'sqlite 3.26.0-r3 sqlite Alpine:v3.9', 'sqlite-libs 3.26.0-r3 sqlite Alpine:v3.9'],
    );
    const vulns = out.findings.filter((f) => f.checkId === 'KW-IMG-100').map((f) => `${f.package!.name} ${f.advisory!.aliases.join(',')} ${f.package!.fixedVersion}`).sort();
    assert.deepEqual(vulns, [
      'sqlite CVE-2019-5018 3.28.0-r0', 'sqlite CVE-2019-8457 3.28.0-r0',
      'sqlite-libs CVE-2019-5018 3.28.0-r0', 'sqlite-libs CVE-2019-8457 3.28.0-r0',
    ]);
    const rootPassword = out.findings.find((f) => f.checkId === 'KW-IMG-002');
    assert.ok(rootPassword, 'the empty root password of CVE-2019-5021 is reported');
    assert.equal(rootPassword.severity, 'critical');
    assert.deepEqual(rootPassword.evidence[0]?.position, { file: 'etc/shadow', line: 1, column: 1 });
    assert.ok(out.findings.some((f) => f.checkId === 'KW-IMG-001'), 'no USER: runs as root');
    assert.equal(out.report.database && 'records' in out.report.database ? out.report.database.records : -1, 3);
    assert.deepEqual(await readdir(cacheDir), ['tmp'], 'a layout is read in place; only the (emptied) temp dir is left in the cache');
    assert.deepEqual(await readdir(join(cacheDir, 'tmp')), []);
  });
});

test('--ignore-unfixed keeps fixed vulnerabilities; without a database vulnerabilities are not evaluated, and the other checks still run', async () => {
  await withCache(async (cacheDir) => {
    const none = await scanLayout(DEMO, 'shop/legacy-reports:3.9', cacheDir);
    assert.equal(none.findings.filter((f) => f.checkId === 'KW-IMG-100').length, 0);
    assert.match(none.notEvaluated.map((n) => `${n.target}: ${n.reason}`).join('\n'), /KW-IMG-100 .*no advisory database at .*kubeward db update/);
    assert.ok(none.findings.some((f) => f.checkId === 'KW-IMG-002'));
  });
});

test('a secret deleted by a later layer is still reported, with the layer that holds it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-layout-'));
  try {
    const key = 'AKIAIOSFODNN7KUBEWRD';
    const secret = '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';
    const base = await gzippedTarLayer([{ name: 'root/.aws/credentials', content: `[default]\naws_access_key_id = ${key}\naws_secret_access_key = ${secret}\n` }]);
    const top = await gzippedTarLayer([{ name: 'root/.aws/.wh.credentials', content: '' }]);
    await writeOciLayout(dir, { layers: [base, top], config: baseConfig({ config: { User: '1000' } }), refName: 'app:1' });
    await withCache(async (cacheDir) => {
      const out = await scanLayout(dir, 'app:1', cacheDir);
      const found = out.findings.filter((f) => f.checkId === 'KW-IMG-006');
      assert.equal(found.length, 1);
      assert.match(found[0]!.message, /root\/\.aws\/credentials .*layer 0; a later layer deletes or replaces it/);
      assert.ok(!JSON.stringify(out).includes(secret), 'the secret itself never reaches the output');
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('hostile layouts: escaping entries are dropped with notes, outside symlinks stay inside the root, a gzip bomb stops with a clear error', async () => {
  await withCache(async (cacheDir) => {
    const traversal = await traversalLayout();
    try {
      const out = await scanLayout(traversal.dir, 'hostile:traversal', cacheDir);
      assert.match(out.notes.join('\n'), /escapes the image root; dropped/);
    } finally {
      await removeLayout(traversal);
    }
    const symlinks = await symlinkOutsideLayout();
    try {
      const out = await scanLayout(symlinks.dir, 'hostile:symlink', cacheDir);
      // etc/os-release points far outside; resolved inside the root it names nothing, so no OS is claimed from the host's file.
      assert.equal(out.report.os, undefined);
    } finally {
      await removeLayout(symlinks);
    }
    const bomb = await gzipBombLayout(1100 * 1024 * 1024);
    try {
      await assert.rejects(scanLayout(bomb.dir, 'hostile:bomb', cacheDir), /decompression bomb/);
    } finally {
      await removeLayout(bomb);
    }
    assert.deepEqual(await readdir(join(cacheDir, 'tmp')), [], 'temp files are removed, also after a failure');
  });
});

test('an advisory set without the image\'s ecosystem reports its packages as not evaluated, never as clean', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-osv-'));
  try {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'npm.json'), JSON.stringify({
      id: 'GHSA-test-only-npm', modified: '2026-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }] }],
    }));
    await withCache(async (cacheDir) => {
      const out = await scanLayout(DEMO, 'shop/legacy-reports:3.9', cacheDir, [dir]);
      assert.equal(out.findings.filter((f) => f.checkId === 'KW-IMG-100').length, 0);
      const gap = out.notEvaluated.find((n) => n.target.includes('Alpine:v3.9'));
      assert.ok(gap, JSON.stringify(out.notEvaluated));
      assert.match(gap.target, /5 Alpine:v3\.9 package/);
      assert.match(gap.reason, /no advisories for Alpine:v3\.9: add them with `kubeward db update --ecosystem Alpine`/);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an advisory that rates nothing (Alpine secdb) takes the CVSS of the same CVE\'s own record, and says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-osv-'));
  try {
    const { writeFile } = await import('node:fs/promises');
    // Alpine's secdb: fix versions only. Its CVE id is an alias of the advisory it becomes.
    await writeFile(join(dir, 'main.yaml'), '---\ndistroversion: v3.9\nreponame: main\npackages:\n  - pkg:\n      name: sqlite\n      secfixes:\n        3.28.0-r0:\n          - CVE-2019-5018\n');
    // The CVE's own record (another source) carries the vector: CVSS:3.0 AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H is 8.1, high.
    await writeFile(join(dir, 'CVE-2019-5018.json'), JSON.stringify({
      id: 'CVE-2019-5018', modified: '2026-01-01T00:00:00Z', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [{ package: { ecosystem: 'Debian:10', name: 'sqlite3' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.27.2-3' }] }] }],
    }));
    await withCache(async (cacheDir) => {
      const out = await scanLayout(DEMO, 'shop/legacy-reports:3.9', cacheDir, [dir]);
      const sqlite = out.findings.filter((f) => f.checkId === 'KW-IMG-100' && f.advisory!.id === 'ALPINE-CVE-2019-5018');
      assert.deepEqual(sqlite.map((f) => f.package!.name).sort(), ['sqlite', 'sqlite-libs']);
      for (const f of sqlite) {
        assert.equal(f.severity, 'high');
        assert.match(f.advisory!.severityBasis, /= 8\.1 \(from CVE-2019-5018\)$/);
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
