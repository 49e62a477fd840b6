import { test } from 'node:test';
import { assertTotalOrder } from '../laws.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apk, fuzzyCompare } from './index.js';
import { getScheme, schemes } from '../index.js';

// Hand-written from apk-tools' documented grammar: digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}.
const LESS: Array<[string, string]> = [
  ['1.0', '1.1'], ['1.9', '1.10'], ['1.0', '1.0.1'], ['1.0', '1.0a'], ['1.0a', '1.0b'], ['1.0z', '1.0.1'],
  ['1.0_alpha', '1.0_beta'], ['1.0_beta', '1.0_pre'], ['1.0_pre', '1.0_rc'], ['1.0_rc', '1.0'],
  ['1.0', '1.0_cvs'], ['1.0_cvs', '1.0_svn'], ['1.0_svn', '1.0_git'], ['1.0_git', '1.0_hg'], ['1.0_hg', '1.0_p'],
  ['1.0_rc1', '1.0_rc2'], ['1.0_rc', '1.0_rc1'], ['1.0_p1', '1.0_p2'], ['1.0_alpha9', '1.0'],
  ['1.0-r0', '1.0-r1'], ['1.0-r9', '1.0-r10'], ['1.0', '1.0-r1'], ['1.0-r5', '1.0.1'], ['1.0_p1-r0', '1.0_p1-r1'],
  ['1.0_rc1-r9', '1.0'], ['1.0~abc', '1.0~abd'], ['1.0', '1.0~1234'], ['1.0~1234-r1', '1.0~2345-r0'],
  ['1.01', '1.1'], ['1.001', '1.01'], ['2.0bc', '2.0b'], ['1.0_foo', '1.0'],
];
const EQUAL: Array<[string, string]> = [['1.0', '1.0'], ['1.0-r0', '1.0-r0'], ['01.0', '1.0'], ['1.0_p01', '1.0_p1']];

test('apk: ordering rules', () => {
  for (const [a, b] of LESS) {
    assert.equal(apk.compare(a, b), -1, `${a} < ${b}`);
    assert.equal(apk.compare(b, a), 1, `${b} > ${a}`);
  }
  for (const [a, b] of EQUAL) assert.equal(apk.compare(a, b), 0, `${a} = ${b}`);
});

test('apk: validity', () => {
  for (const v of ['1', '1.2.3', '1.2a', '1.0_alpha1_p2', '0.1_git20240101_pre1', '1.0~1234abcd-r3', '1.0-r0']) assert.ok(apk.isValid(v), v);
  for (const v of ['', 'a1', '1.0bc', '1.0a1', '1.0a.1', '1.0_foo', '1.0_pre~', '1.0~12xz', '1.0~ab_pre1', '1.0-r1~ab', '1.0-r', '1.0-1', '1..0']) {
    assert.ok(!apk.isValid(v), v);
  }
  assert.deepEqual(apk.parse('1.2a_rc1-r3')?.map((t) => t.text), ['1', '2', 'a', 'rc', '1', '3']);
  assert.equal(apk.parse('1.0bc'), null);
});

test('apk: fuzzy match (dependency ~)', () => {
  assert.equal(fuzzyCompare('3.6.9', '3.6'), 0);
  assert.equal(fuzzyCompare('3.6_pre1', '3.6'), 0);
  assert.equal(fuzzyCompare('3.8.0', '3.8.1'), -1);
  assert.equal(fuzzyCompare('3.7', '3.6'), 1);
});

const SUF = ['_alpha', '_beta', '_pre', '_rc', '_cvs', '_svn', '_git', '_hg', '_p'];
const version = fc
  .tuple(
    fc.array(fc.constantFrom('0', '1', '2', '9', '10', '01'), { minLength: 1, maxLength: 4 }),
    fc.option(fc.constantFrom('a', 'b', 'z')),
    fc.array(fc.tuple(fc.constantFrom(...SUF), fc.constantFrom('', '1', '2', '10')), { maxLength: 2 }),
    fc.option(fc.constantFrom('~1234', '~abcd', '~12')),
    fc.option(fc.constantFrom('-r0', '-r1', '-r10')),
  )
  .map(([d, l, s, h, r]) => d.join('.') + (l ?? '') + s.map(([x, n]) => x + n).join('') + (h ?? '') + (r ?? ''));

test('apk: compare is a total order on valid versions', () => {
  fc.assert(fc.property(version, (a) => apk.isValid(a)));
  assertTotalOrder(apk, version);
});

test('registry: every scheme by id', () => {
  const ids = ['apk', 'dpkg', 'go', 'maven', 'pep440', 'rpm', 'semver'];
  assert.deepEqual(Object.keys(schemes).sort(), ids);
  for (const id of ids) assert.equal(getScheme(id).id, id);
  assert.throws(() => getScheme('cargo'), /unknown versioning scheme/);
  assert.throws(() => getScheme('toString'), /unknown versioning scheme/);
});
