import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCAN_RESULT_SCHEMA_VERSION } from '../core/scan-result.js';
import { renderReport } from './index.js';
import { emptyResult, scanResult } from '../../test/report-fixtures.js';
import { reportValidator as validator } from '../../test/schemas.js';

test('the fixture summary agrees with its findings', () => {
  const r = scanResult();
  assert.equal(r.summary.findings, r.findings.length);
  assert.equal(Object.values(r.summary.bySeverity).reduce((a, b) => a + b, 0), r.findings.length);
  assert.equal(r.summary.suppressed, r.suppressed.length);
});

test('json report is the ScanResult, pretty-printed', async () => {
  const result = scanResult();
  const out = await renderReport('json', result, { color: false, showSuppressed: false });
  assert.ok(out.endsWith('}\n'));
  assert.deepEqual(JSON.parse(out), JSON.parse(JSON.stringify(result)));
  assert.equal(JSON.parse(out).schemaVersion, SCAN_RESULT_SCHEMA_VERSION);
});

test('json report validates against schemas/kubeward-report.schema.json', async () => {
  const validate = validator();
  for (const result of [scanResult(), emptyResult()]) {
    const out = await renderReport('json', result, { color: false, showSuppressed: false });
    const ok = validate(JSON.parse(out));
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  }
});

test('the schema rejects what it should', () => {
  const validate = validator();
  const good = JSON.parse(JSON.stringify(scanResult()));
  const bad = (mutate: (r: any) => void): boolean => {
    const copy = structuredClone(good);
    mutate(copy);
    return !validate(copy);
  };
  assert.ok(bad((r) => (r.extra = 1)), 'unknown top-level field');
  assert.ok(bad((r) => (r.findings[0].severity = 'severe')), 'unknown severity');
  assert.ok(bad((r) => (r.findings[0].surprise = true)), 'unknown finding field');
  assert.ok(bad((r) => (r.suppressed[0].suppression.by = 'magic')), 'unknown suppression kind');
  assert.ok(bad((r) => delete r.suppressed[0].suppression), 'suppressed without suppression');
  assert.ok(bad((r) => (r.findings[0].suppression = r.suppressed[0].suppression)), 'a finding does not carry a suppression');
  assert.ok(bad((r) => (r.schemaVersion = '2.0.0')), 'another major version');
  assert.ok(bad((r) => (r.startedAt = 'yesterday')), 'startedAt is a date-time');
  assert.ok(bad((r) => (r.summary.bySeverity.critical = -1)), 'counts are non-negative');
  assert.ok(bad((r) => delete r.checks), 'checks is required');
  assert.ok(!bad((r) => delete r.compliance), 'compliance is optional');
  assert.ok(!bad((r) => (r.findings[0].evidence[0].value = { any: ['json', 1, null] })), 'evidence value is any JSON');
});
