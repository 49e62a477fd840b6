import { test } from 'node:test';
import { assertTotalOrder } from '../laws.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rpm, rpmvercmp } from './index.js';
import { requireTool } from '../../../../test/e2e-tools.js';
import { rpmOracle, rpmvercmpOracle } from '../../../../test/versioning-oracles.js';

const frag = (xs: string[]) => fc.array(fc.constantFrom(...xs), { maxLength: 5 }).map((a) => a.join(''));
const VER = ['0', '1', '2', '9', '10', '01', '007', '.', '.', '_', '+', '~', '~', '^', 'a', 'b', 'Z', 'rc', 'git', 'pre', '~rc1', '^20240101', '.0'];
const REL = ['0', '1', '2', '10', '.', '1.el9', '.el8_4', 'fc39', '~', '^', '.1', '_2', 'a'];
const epoch = fc.constantFrom('', '', '', '0:', '1:', '2:', '10:');
const ver = fc.tuple(fc.constantFrom('0', '1', '2', '10', '1.0', '2.36'), frag(VER)).map(([a, b]) => a + b);
const release = fc.tuple(fc.constantFrom('0', '1', '2', '3.el9'), frag(REL)).map(([a, b]) => a + b);
/** A realistic EVR, release optional. */
const evr = fc.tuple(epoch, ver, fc.option(release)).map(([e, v, r]) => e + v + (r === null ? '' : `-${r}`));
const pair = fc.oneof(
  fc.tuple(evr, evr),
  fc.tuple(evr, frag(VER), frag(VER)).map(([v, x, y]) => [v + x, v + y] as const),
  fc.tuple(ver, frag(VER), frag(VER)).map(([v, x, y]) => [v + x, v + y] as const),
);

test('rpm: rpmvercmp examples', () => {
  const lt: Array<[string, string]> = [
    ['1.0', '1.0.1'], ['1.9', '1.10'], ['1.0~rc1', '1.0'], ['1.0~~', '1.0~'], ['1.0', '1.0^git1'],
    ['1.0^git1', '1.0.1'], ['1.0^', '1.0^1'], ['a', '1'], ['1.0a', '1.0.1'], ['1.0.a', '1.0.1'], ['FC5', 'fc4'],
  ];
  for (const [a, b] of lt) {
    assert.equal(rpmvercmp(a, b), -1, `${a} < ${b}`);
    assert.equal(rpmvercmp(b, a), 1, `${b} > ${a}`);
  }
  for (const [a, b] of [['1.0', '1_0'], ['1.01', '1.1'], ['1.0.', '1.0'], ['1..0', '1.0']]) assert.equal(rpmvercmp(a!, b!), 0, `${a} = ${b}`);
});

test('rpm: EVR: epoch first, missing epoch = 0, missing release lowest', () => {
  assert.equal(rpm.compare('1:1.0-1', '2.0-1'), 1);
  assert.equal(rpm.compare('0:1.0-1', '1.0-1'), 0);
  assert.equal(rpm.compare('1.0', '1.0-1'), -1);
  assert.equal(rpm.compare('1.0-1', '1.0-1.el9'), -1);
  assert.deepEqual(rpm.parse('2:1.2.3-4.el9'), { epoch: '2', version: '1.2.3', release: '4.el9' });
  assert.deepEqual(rpm.parse('1.2'), { epoch: '0', version: '1.2', release: '' });
  for (const v of ['1.0', '1:1.0-1.el9', '1.0~rc1^git2-0.1']) assert.ok(rpm.isValid(v), v);
  for (const v of ['', '1.0-', 'a:1.0', '1.0-1-2:3', '1.0 1', '-1']) assert.ok(!rpm.isValid(v), v);
});

test('rpm: agrees with the real rpm', { skip: requireTool('rpm', ['--version']) }, (t) => {
  const pairs = fc.sample(pair, { numRuns: 3000, seed: 20240601 });
  const expected = rpmOracle(pairs);
  const wrong = pairs.filter(([a, b], i) => rpm.compare(a, b) !== expected[i]);
  t.diagnostic(`rpm.ver oracle: ${pairs.length - wrong.length}/${pairs.length} agree`);
  assert.deepEqual(wrong.slice(0, 10), []);

  const fields = fc.sample(fc.tuple(fc.string({ unit: fc.constantFrom(...VER), minLength: 1, maxLength: 6 }), fc.string({ unit: fc.constantFrom(...VER), minLength: 1, maxLength: 6 })), { numRuns: 3000, seed: 7 });
  const exp2 = rpmvercmpOracle(fields);
  const wrong2 = fields.filter(([a, b], i) => rpmvercmp(a, b) !== exp2[i]);
  t.diagnostic(`rpm.vercmp oracle: ${fields.length - wrong2.length}/${fields.length} agree`);
  assert.deepEqual(wrong2.slice(0, 10), []);
});

test('rpm: compare is a total order', () => {
  assertTotalOrder(rpm, evr);
});
