import { test } from 'node:test';
import { assertTotalOrder } from '../laws.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import npmSemver from 'semver';
import { go } from './index.js';

const num = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 99_999_999 }));
const preId = fc.oneof(num.map(String), fc.constantFrom('rc', 'pre', 'alpha', 'beta', '20191109021931-daa7c04131f5', '0', 'x-1'));
const full = fc
  .tuple(num, num, num, fc.option(fc.array(preId, { minLength: 1, maxLength: 3 })), fc.option(fc.constantFrom('incompatible', 'meta.1')))
  .map(([a, b, c, p, m]) => `v${a}.${b}.${c}${p ? `-${p.join('.')}` : ''}${m ? `+${m}` : ''}`);
const anyVersion = fc.oneof(
  full,
  full.map((v) => v.slice(1)),
  fc.tuple(num, num).map(([a, b]) => `v${a}.${b}`),
  fc.tuple(num, num, fc.constantFrom('', 'rc1', 'beta2')).map(([a, b, s]) => `go${a}.${b}${s}`),
  fc.string({ maxLength: 8 }),
);

test('go: module versions, pseudo-versions and +incompatible', () => {
  const chain = [
    'v0.0.0-20191109021931-daa7c04131f5', 'v0.0.0-20200101000000-aaaaaaaaaaaa', 'v0.0.1', 'v0.1.0',
    'v1.2.3-pre', 'v1.2.4-0.20191109021931-daa7c04131f5', 'v1.2.4', 'v1.10.0', 'v2.0.0+incompatible', 'v2.0.1',
  ];
  for (let i = 0; i + 1 < chain.length; i++) {
    assert.equal(go.compare(chain[i]!, chain[i + 1]!), -1, `${chain[i]} < ${chain[i + 1]}`);
    assert.equal(go.compare(chain[i + 1]!, chain[i]!), 1);
  }
  assert.equal(go.compare('v2.0.0+incompatible', 'v2.0.0'), 0);
  assert.equal(go.compare('v1', 'v1.0.0'), 0);
  assert.equal(go.compare('v1.2', 'v1.2.0'), 0);
  assert.deepEqual(go.parse('v0.0.0-20191109021931-daa7c04131f5'), {
    major: '0', minor: '0', patch: '0', prerelease: ['20191109021931-daa7c04131f5'], build: '',
  });
});

test('go: OSV spelling and toolchain (stdlib) versions', () => {
  assert.equal(go.compare('1.20.10', 'v1.20.10'), 0);
  assert.equal(go.compare('go1.21.5', 'v1.21.5'), 0);
  assert.equal(go.compare('go1.20', 'v1.20.0'), 0);
  assert.equal(go.compare('go1.21rc1', 'v1.21.0-rc.1'), 0);
  assert.equal(go.compare('go1.21rc2', 'go1.21.0'), -1);
  assert.equal(go.compare('go1.9beta2', 'go1.9rc1'), -1);
  assert.equal(go.compare('go1.21.5', '1.21.10'), -1);
  assert.equal(go.compare('0.0.0-20220314234659-1baeb1ce4c0b', 'v0.0.0-20220315000000-000000000000'), -1);
});

test('go: validity per golang.org/x/mod/semver', () => {
  for (const v of ['v1', 'v1.2', 'v1.2.3', 'v1.2.3-rc.1+build', 'v0.0.0-20191109021931-daa7c04131f5', 'go1.21.5', '1.2.3']) {
    assert.ok(go.isValid(v), v);
  }
  for (const v of ['', 'latest', 'v1.2.3.4', 'v01.2.3', 'v1.02.3', 'v1.2-pre', 'v1+meta', 'v1.2.3-01', 'v1.2.3-', 'V1.2.3', 'go1.21.05']) {
    assert.ok(!go.isValid(v), v);
  }
  // Invalid versions sort below every valid one (x/mod), among themselves as strings.
  assert.equal(go.compare('latest', 'v0.0.0-0'), -1);
  assert.equal(go.compare('v1.2.3.4', 'v1.2.3.5'), -1);
});

test('go: agrees with SemVer precedence of the npm semver package on full versions', () => {
  fc.assert(
    fc.property(full, full, (a, b) => {
      assert.equal(go.compare(a, b), npmSemver.compare(a.slice(1), b.slice(1)), `${a} vs ${b}`);
    }),
    { numRuns: 3000 },
  );
});

test('go: compare is a total order', () => {
  assertTotalOrder(go, anyVersion);
});
