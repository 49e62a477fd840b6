import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isReportFormat, renderReport, REPORT_FORMATS } from './index.js';
import { emptyResult, scanResult } from '../../test/report-fixtures.js';

test('every format renders a full and an empty scan, ending with a newline', async () => {
  assert.deepEqual([...REPORT_FORMATS], ['table', 'json', 'sarif', 'junit', 'html']);
  for (const format of REPORT_FORMATS) {
    for (const result of [scanResult(), emptyResult()]) {
      const out = await renderReport(format, result, { color: false, showSuppressed: true });
      assert.ok(out.length > 0 && out.endsWith('\n'), format);
    }
  }
});

test('reports are pure: the same result gives the same bytes, and the result is not modified', async () => {
  for (const format of REPORT_FORMATS) {
    const result = scanResult();
    const before = JSON.stringify(result);
    const a = await renderReport(format, result, { color: true, showSuppressed: true });
    const b = await renderReport(format, scanResult(), { color: true, showSuppressed: true });
    assert.equal(a, b, format);
    assert.equal(JSON.stringify(result), before, format);
  }
});

test('isReportFormat', () => {
  assert.ok(isReportFormat('sarif'));
  assert.ok(!isReportFormat('xml'));
});
