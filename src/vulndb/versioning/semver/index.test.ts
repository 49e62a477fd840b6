import { test } from 'node:test';
import { assertTotalOrder } from '../laws.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { semver } from './index.js';

const num = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1_000_000 }));
const alnumId = fc.constantFrom('alpha', 'beta', 'rc', 'x-y', 'a1', '0a', 'A', 'z');
const preId = fc.oneof(num.map(String), alnumId);
const core = fc.tuple(num, num, num);
const coreStr = ([a, b, c]: [number, number, number]): string => `${a}.${b}.${c}`;
const pre = fc.array(preId, { minLength: 1, maxLength: 4 });
const build = fc.array(fc.constantFrom('001', 'build', 'sha', '5', 'x-1'), { minLength: 1, maxLength: 3 });
/** A SemVer 2.0.0 string. */
const version = fc
  .tuple(core, fc.option(pre), fc.option(build))
  .map(([c, p, b]) => coreStr(c) + (p ? `-${p.join('.')}` : '') + (b ? `+${b.join('.')}` : ''));
const anyString = fc.oneof(version, fc.string({ maxLength: 12 }), version.map((v) => `0${v}`));

test('semver: the precedence example of SemVer 2.0.0 §11', () => {
  const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '2.0.0', '2.1.0', '2.1.1'];
  for (let i = 0; i + 1 < chain.length; i++) {
    assert.equal(semver.compare(chain[i]!, chain[i + 1]!), -1, `${chain[i]} < ${chain[i + 1]}`);
    assert.equal(semver.compare(chain[i + 1]!, chain[i]!), 1);
  }
  assert.equal(semver.compare('1.0.0+20130313144700', '1.0.0+exp.sha.5114f85'), 0);
  assert.equal(semver.compare('v1.2.3', '1.2.3'), 0);
});

test('semver: validity and the loose fallback', () => {
  for (const v of ['0.0.0', '1.2.3-rc.1+b.5', 'v1.2.3']) assert.ok(semver.isValid(v), v);
  for (const v of ['1.2', '01.2.3', '1.2.3-01', '', 'latest', '1.2.3.4', '9'.repeat(300) + '.0.0']) assert.ok(!semver.isValid(v), v);
  assert.equal(semver.parse('1.2.3-rc.1')?.prerelease.join('.'), 'rc.1');
  assert.equal(semver.parse('junk'), null);
  // Loose-only versions compare as what the loose parser reads; others sort below every version.
  assert.equal(semver.compare('01.2.3', '1.2.3'), 0);
  assert.equal(semver.compare('latest', '0.0.0-0'), -1);
  assert.equal(semver.compare('abc', 'abd'), -1);
});

test('semver: a pre-release sorts before its release', () => {
  fc.assert(fc.property(core, pre, (c, p) => semver.compare(`${coreStr(c)}-${p.join('.')}`, coreStr(c)) === -1));
});

test('semver: major, minor, patch compare numerically in order', () => {
  fc.assert(
    fc.property(core, core, (a, b) => {
      const expected = Math.sign(a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      assert.equal(semver.compare(coreStr(a), coreStr(b)), expected);
    }),
  );
});

test('semver: numeric identifiers compare numerically and below alphanumeric ones', () => {
  fc.assert(
    fc.property(num, num, (x, y) => semver.compare(`1.0.0-${x}`, `1.0.0-${y}`) === Math.sign(x - y)),
  );
  fc.assert(fc.property(num, alnumId, (x, s) => semver.compare(`1.0.0-${x}`, `1.0.0-${s}`) === -1));
  fc.assert(fc.property(pre, preId, (p, extra) => semver.compare(`1.0.0-${p.join('.')}`, `1.0.0-${[...p, extra].join('.')}`) === -1));
});

test('semver: build metadata is ignored', () => {
  fc.assert(fc.property(version, build, (v, b) => semver.compare(v.replace(/\+.*$/, ''), `${v.replace(/\+.*$/, '')}+${b.join('.')}`) === 0));
});

test('semver: compare is a total order, also on non-versions', () => {
  assertTotalOrder(semver, anyString);
});
