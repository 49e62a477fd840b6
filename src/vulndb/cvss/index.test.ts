import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CvssError, cvssScore, rateSeverity, severityForScore, vendorSeverity } from './index.js';

// Published base scores (NVD / FIRST calculators), not outputs of this code.
const PUBLISHED: Array<[string, string, number]> = [
  ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.0', 9.8],
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H', '3.1', 7.5],
  ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', '3.1', 8.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', '3.1', 6.1],
  ['AV:N/AC:L/Au:N/C:P/I:P/A:P', '2.0', 7.5],
  ['AV:N/AC:M/Au:N/C:N/I:P/A:N', '2.0', 4.3],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 8.5],
];

test('cvss: base scores match the published ones', () => {
  for (const [vector, version, score] of PUBLISHED) assert.deepEqual(cvssScore(vector), { version, score, vector });
});

test('cvss: temporal/threat metrics do not change the base score', () => {
  assert.equal(cvssScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C').score, 7.5);
  assert.equal(cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U').score, 9.3);
  assert.equal(cvssScore('AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC/RL:OF/RC:C').score, 7.5);
});

test('cvss: malformed vectors name the vector and the bad metric', () => {
  const cases: Array<[string, RegExp]> = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q', /'CVSS:3\.1\/AV:N.*': metric A has no value 'Q'/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', /base metric A is missing/],
    ['CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /metric AV given twice/],
    ['CVSS:3.1/FOO:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /unknown metric 'FOO'/],
    ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /base metric AV cannot be 'X'/],
    ['CVSS:5.0/AV:N', /unsupported version 'CVSS:5\.0'/],
    ['garbage', /'garbage': 'garbage' is not METRIC:VALUE/],
    ['CVSS:3.1/AV:N//AC:L', /'' is not METRIC:VALUE/],
    ['AV:N/'.repeat(200), /longer than 512/],
  ];
  for (const [vector, message] of cases) assert.throws(() => cvssScore(vector), (e: unknown) => e instanceof CvssError && message.test(e.message), vector);
});

test('cvss: FIRST severity bands', () => {
  const v3: Array<[number, string]> = [[10, 'critical'], [9, 'critical'], [8.9, 'high'], [7, 'high'], [6.9, 'medium'], [4, 'medium'], [3.9, 'low'], [0.1, 'low'], [0, 'info']];
  for (const [score, severity] of v3) {
    assert.equal(severityForScore('3.1', score), severity, `v3 ${score}`);
    assert.equal(severityForScore('4.0', score), severity, `v4 ${score}`);
  }
  const v2: Array<[number, string]> = [[10, 'high'], [7, 'high'], [6.9, 'medium'], [4, 'medium'], [3.9, 'low'], [0, 'low']];
  for (const [score, severity] of v2) assert.equal(severityForScore('2.0', score), severity, `v2 ${score}`);
});

test('cvss: vendor words', () => {
  const words: Array<[string, string | undefined]> = [
    ['CRITICAL', 'critical'], ['High', 'high'], ['important', 'high'], ['MODERATE', 'medium'], ['medium', 'medium'],
    ['LOW', 'low'], ['negligible', 'low'], ['unimportant', 'low'], ['untriaged', undefined], ['', undefined],
  ];
  for (const [word, severity] of words) assert.equal(vendorSeverity(word), severity, word);
});

test('cvss: rateSeverity prefers v3.x, then v4, then v2, then the vendor word', () => {
  const v2 = { type: 'CVSS_V2', score: 'AV:N/AC:M/Au:N/C:N/I:P/A:N' };
  const v3 = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' };
  const v4 = { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' };
  assert.deepEqual(rateSeverity([v2, v4, v3], 'LOW'), {
    severity: 'medium', basis: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N = 6.1', score: 6.1, vector: v3.score,
  });
  assert.equal(rateSeverity([v2, v4]).basis, `${v4.score} = 9.3`);
  assert.equal(rateSeverity([v2, v4]).severity, 'critical');
  assert.deepEqual(rateSeverity([v2]), { severity: 'medium', basis: `CVSS:2.0 ${v2.score} = 4.3`, score: 4.3, vector: v2.score });
  assert.equal(rateSeverity([{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }]).severity, 'high');
  assert.deepEqual(rateSeverity([], 'IMPORTANT'), { severity: 'high', basis: 'vendor: IMPORTANT' });
  assert.deepEqual(rateSeverity([{ type: 'Ubuntu', score: 'negligible' }]), { severity: 'low', basis: 'Ubuntu: negligible' });
  assert.deepEqual(rateSeverity([]), { severity: 'medium', basis: 'not rated by the advisory (reported as medium)' });
  const bad = rateSeverity([{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:Z' }], 'HIGH');
  assert.equal(bad.severity, 'high');
  assert.match(bad.basis, /^vendor: HIGH \(ignored CVSS vector 'CVSS:3\.1\/AV:Z': metric AV has no value 'Z'\)$/);
});
