import { test } from 'node:test';
import { assertTotalOrder } from '../laws.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dpkg } from './index.js';
import { requireTool } from '../../../../test/e2e-tools.js';
import { dpkgOracle } from '../../../../test/versioning-oracles.js';

const frag = (xs: string[]) => fc.array(fc.constantFrom(...xs), { maxLength: 5 }).map((a) => a.join(''));
const UP = ['0', '1', '2', '9', '10', '01', '007', '.', '.', '+', '~', '~', 'a', 'b', 'z', 'A', 'Z', 'rc', 'beta', 'dfsg', '~rc1', '+b1', '.0', 'ubuntu', '+git20240101'];
const REV = ['0', '1', '2', '10', '1ubuntu1', 'deb12u1', '+b1', '~bpo12', '.1', '~', 'a', '+'];
const epoch = fc.constantFrom('', '', '', '0:', '1:', '2:', '10:');
const upstream = fc.tuple(fc.constantFrom('0', '1', '2', '10', '1.0', '2.36'), frag(UP)).map(([a, b]) => a + b);
const revision = fc.oneof(fc.constant(''), fc.tuple(fc.constantFrom(...REV), frag(REV)).map(([a, b]) => '-' + a + b));
/** A realistic Debian version; shares prefixes often enough to hit the interesting cases. */
const version = fc
  .tuple(epoch, upstream, revision, fc.boolean(), frag(['-', '1', 'a', '.', '~']))
  .map(([e, u, r, hy, mid]) => e + u + (hy && r ? `-${mid}` : '') + r);
const pair = fc.oneof(
  fc.tuple(version, version),
  fc.tuple(version, frag(UP), frag(UP)).map(([v, x, y]) => [v + x, v + y] as const),
  version.map((v) => [v, v.replace(/0/g, '00')] as const),
);

test('dpkg: Debian Policy examples', () => {
  const lt: Array<[string, string]> = [
    ['1.0~rc1', '1.0'], ['1.0', '1.0+b1'], ['1.0~~', '1.0~'], ['1.0~', '1.0'], ['1.0', '1.0a'],
    ['1.0a', '1.0+'], ['1.9', '1.10'], ['1:0.1', '2:0.0'], ['9.9', '1:0'], ['1.0-1', '1.0-1.1'],
    ['1.0-1~bpo1', '1.0-1'], ['2.36-9', '2.36-9+deb12u14'], ['1.0', '1.0.0'], ['a', 'b'], ['1.0-9', '1.0-10'],
  ];
  for (const [a, b] of lt) {
    assert.equal(dpkg.compare(a, b), -1, `${a} < ${b}`);
    assert.equal(dpkg.compare(b, a), 1, `${b} > ${a}`);
  }
  for (const [a, b] of [['1.0', '1.0-0'], ['0:1.0', '1.0'], ['1.01', '1.1'], ['1.0', ' 1.0 '], ['1.0-00', '1.0']]) {
    assert.equal(dpkg.compare(a!, b!), 0, `${a} = ${b}`);
  }
});

test('dpkg: validity and parts', () => {
  assert.deepEqual(dpkg.parse('1:2.3-4-5'), { epoch: 1, upstream: '2.3-4', revision: '5' });
  assert.deepEqual(dpkg.parse('2.36'), { epoch: 0, upstream: '2.36', revision: '' });
  for (const v of ['1.0', '1:1.0~rc1-2ubuntu1', '1.0+dfsg-1~bpo12+1', '0']) assert.ok(dpkg.isValid(v), v);
  for (const v of ['', '1.0-', 'a:1', '1:', 'abc', '1.0 0', '1.0_1', '1.0-1:2', '-1']) assert.ok(!dpkg.isValid(v), v);
});

test('dpkg: agrees with the real dpkg --compare-versions', { skip: requireTool('dpkg', ['--version']) }, (t) => {
  const pairs = fc.sample(pair, { numRuns: 1500, seed: 20240601 });
  for (const [a, b] of pairs) assert.ok(dpkg.isValid(a) && dpkg.isValid(b), `generator made an invalid version: ${a} ${b}`);
  const expected = dpkgOracle(pairs);
  const wrong = pairs.filter(([a, b], i) => dpkg.compare(a, b) !== expected[i]);
  t.diagnostic(`dpkg oracle: ${pairs.length - wrong.length}/${pairs.length} agree`);
  assert.deepEqual(wrong.slice(0, 10), []);
});

test('dpkg: compare is a total order', () => {
  assertTotalOrder(dpkg, version);
});
