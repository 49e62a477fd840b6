import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CATEGORIES, SEVERITIES } from '../core/severity.js';
import { countByCategory, countBySeverity } from './common.js';
import { renderReport } from './index.js';
import { emptyResult, scanResult } from '../../test/report-fixtures.js';

const CHROMIUM = process.env.KUBEWARD_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRE_E2E = process.env.KUBEWARD_REQUIRE_E2E === '1';
const OPTIONS = { color: false, showSuppressed: false };

test('html is self-contained: no external resource of any kind', async () => {
  const html = await renderReport('html', scanResult(), OPTIONS);
  assert.ok(html.startsWith('<!doctype html>'));
  assert.doesNotMatch(html, /\s(src|srcset|poster|data|action|formaction|background)\s*=/i, 'no attribute that loads anything');
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /@import|url\(\s*['"]?(?!#)/i, 'CSS loads nothing (only url(#fragment) references)');
  assert.doesNotMatch(html, /<(iframe|img|object|embed|video|audio|base)\b/i);
  // Web addresses appear only as reference links (and in the CSP-free text); none is fetched.
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
  assert.ok(hrefs.length > 0 && hrefs.every((h) => h.startsWith('https://kubernetes.io/')), hrefs.join(' '));
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-/);
});

test('html shows scanned images and nodes, vulnerability and benchmark lines, escaping image and node names', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  const image = { reference: `registry.example.com/${evil}:1`, digest: 'sha256:' + 'a'.repeat(64) };
  const vuln = {
    checkId: 'KW-IMG-100', severity: 'high' as const, category: 'images' as const, title: 'Package with a known vulnerability',
    resource: { apiVersion: 'kubeward.io/v1', kind: 'Image', name: image.reference }, message: 'sqlite 3.26.0-r3 is affected by CVE-2019-5018',
    evidence: [{ path: 'lib/apk/db/installed', value: 'sqlite@3.26.0-r3' }], remediation: 'upgrade sqlite to 3.28.0-r0 or later', references: [],
    image, package: { type: 'apk', name: 'sqlite', version: '3.26.0-r3', purl: 'pkg:apk/alpine/sqlite@3.26.0-r3', fixedVersion: '3.28.0-r0' },
    advisory: { id: 'ALPINE-CVE-2019-5018', aliases: ['CVE-2019-5018'], severityBasis: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H = 8.1' },
    affects: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-reports', namespace: 'batch' }],
  };
  const node = {
    checkId: 'KW-NODE-001', severity: 'high' as const, category: 'nodes' as const, title: 'Control-plane file permissions',
    resource: { apiVersion: 'v1', kind: 'Node', name: `cp-${evil}` }, message: 'mode 0644', evidence: [{ path: '/etc/kubernetes/manifests/kube-apiserver.yaml', value: '0644 root:root' }],
    remediation: 'chmod 600', references: [], benchmark: { id: 'cis-1.12', title: 'CIS Kubernetes Benchmark', version: '1.12.0', control: '1.1.1' },
  };
  const result = scanResult({
    findings: [vuln, node],
    images: [{ reference: image.reference, repository: 'registry.example.com/x', manifestDigest: image.digest, platform: 'linux/amd64', os: { id: 'alpine', versionId: '3.9.2', prettyName: 'Alpine Linux v3.9', source: 'etc/os-release' }, layers: [], packages: [] }],
    nodes: [{ hostname: `cp-${evil}`, roles: ['control-plane'], benchmark: { id: 'cis-1.12', title: 'CIS Kubernetes Benchmark', version: '1.12.0', chosenBy: 'detected' },
      checks: [{ id: '1.1.1', checkId: 'KW-NODE-001', section: '1.1', title: 'perms', status: 'fail' }], summary: { pass: 0, fail: 1, manual: 0, 'not-evaluated': 0 } }],
  });
  const html = await renderReport('html', result, OPTIONS);
  assert.ok(!html.includes(evil), 'image and node names are escaped everywhere');
  assert.match(html, /id="images"/);
  assert.match(html, /id="nodes"/);
  assert.match(html, /fixed in <code>3\.28\.0-r0<\/code>/);
  assert.match(html, /<code>CVE-2019-5018<\/code>/);
  assert.match(html, /run by CronJob batch\/nightly-reports/);
  assert.match(html, /CIS 1\.1\.1 · CIS Kubernetes Benchmark v1\.12\.0 \(cis-1\.12\)/);
  assert.doesNotMatch(html, /<(img|iframe|object|embed)\b/i);
});

test('html escapes everything that comes from manifests', async () => {
  const html = await renderReport('html', scanResult(), OPTIONS);
  assert.equal(html.match(/<script\b/gi)?.length, 1, 'only our own script element');
  assert.ok(!html.includes('<script>alert'), 'the hostile name is not markup');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), 'it is shown escaped');
  assert.ok(!html.includes('evil<b>'), 'the hostile container name is escaped');
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(html), 'no raw control characters');
});

test('html of an empty scan says there is nothing to fix', async () => {
  const html = await renderReport('html', emptyResult(), OPTIONS);
  assert.match(html, /No findings\./);
  assert.doesNotMatch(html, /id="compliance"/);
});

test('html report in headless Chromium: no errors, no requests, right totals, working filters', async (t) => {
  if (!existsSync(CHROMIUM)) {
    const message = `Chromium not found at ${CHROMIUM}: the HTML end-to-end test did NOT run (apt-get install -y chromium)`;
    if (REQUIRE_E2E) assert.fail(`${message}, and KUBEWARD_REQUIRE_E2E=1`);
    console.warn(`\n!!!!!!!!!!\n!!! SKIPPED: ${message}\n!!!!!!!!!!\n`);
    t.skip(message);
    return;
  }
  const { chromium } = await import('playwright-core');
  const result = scanResult();
  const dir = await mkdtemp(path.join(tmpdir(), 'kubeward-html-'));
  const file = path.join(dir, 'report.html');
  await writeFile(file, await renderReport('html', result, OPTIONS));
  const url = pathToFileURL(file).href;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (r.url() !== url) requests.push(r.url());
    });

    await page.goto(url, { waitUntil: 'load' });
    const shot = path.join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);

    // Totals shown are the numbers in the result.
    const num = async (selector: string): Promise<number> => Number((await page.locator(selector).first().innerText()).trim().split(/\s/)[0]);
    assert.equal(await num('[data-total="findings"] .n'), result.findings.length);
    const bySeverity = countBySeverity(result.findings);
    for (const s of SEVERITIES) {
      assert.equal(await num(`[data-total-severity="${s}"] .n`), bySeverity[s], s);
      assert.equal(bySeverity[s], result.summary.bySeverity[s]);
    }
    const byCategory = countByCategory(result.findings);
    for (const c of CATEGORIES) assert.equal(await num(`[data-total-category="${c}"]`), byCategory[c], c);
    assert.equal(await num('[data-total="suppressed"] .n'), result.suppressed.length);
    assert.equal(await num('[data-total="not-evaluated"] .n'), result.notEvaluated.length);
    assert.equal(await num('[data-total="input-errors"] .n'), result.inputErrors.length);
    assert.equal(await num('[data-compliance="fail"]'), result.compliance!.summary.fail);
    assert.equal(await num('[data-compliance="pass"]'), result.compliance!.summary.pass);
    assert.equal(await page.locator('#compliance tbody tr').count(), result.compliance!.controls.length);
    assert.equal(await page.locator('#findings .finding').count(), result.findings.length);
    assert.equal(await page.locator('#not-evaluated tbody tr').count(), result.notEvaluated.length);
    assert.equal(await page.locator('#input-errors tbody tr').count(), result.inputErrors.length);
    assert.equal(await page.locator('#suppressed tbody tr').count(), result.suppressed.length);
    assert.match(await page.locator('#suppressed summary').innerText(), /Suppressed findings/);

    // Hostile text is shown as text: no element came from it, and no alert ran.
    assert.equal(await page.locator('script').count(), 1);
    assert.equal(await page.locator('#findings code', { hasText: 'evil<b>' }).count(), 1, 'the container name is shown literally');
    assert.ok((await page.locator('.r-head').allInnerTexts()).some((h) => h.includes('<script>alert("x")</script>')));

    const visible = async () => page.locator('#findings .finding:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-severity')));

    // Filter by severity: uncheck all but "high".
    for (const s of SEVERITIES) if (s !== 'high') await page.locator(`input[name="sev"][value="${s}"]`).uncheck();
    assert.deepEqual(await visible(), ['high']);
    assert.equal(await page.locator('#f-shown').getAttribute('data-shown'), String(bySeverity.high));
    assert.equal(await page.locator('#findings .resource:visible').count(), 1, 'resources left without a visible finding are hidden');

    // Clicking a severity tile shows that severity only.
    await page.locator('[data-total-severity="critical"]').click();
    assert.deepEqual(await visible(), Array(bySeverity.critical).fill('critical'));

    // Reset, then search text and category.
    await page.locator('#f-reset').click();
    assert.equal((await visible()).length, result.findings.length);
    await page.locator('#f-q').fill('cronjob');
    assert.equal((await visible()).length, 1);
    await page.locator('#f-q').fill('');
    await page.locator('#f-cat').selectOption('network');
    assert.deepEqual(await visible(), ['high']);
    await page.locator('#f-q').fill('no such thing anywhere');
    assert.equal((await visible()).length, 0);
    assert.ok(await page.locator('#f-none').isVisible(), 'says nothing matches');

    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [], 'the page made no request besides loading itself');
  } finally {
    await browser.close();
  }
});
