import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { VersioningScheme } from './types.js';

/**
 * Property test every scheme must pass: `compare` is a total order on the versions `arbitrary`
 * generates — reflexive, antisymmetric, transitive (sorting three versions leaves them ordered, and
 * equality carries over). Shared by every scheme's tests; not part of the build.
 */
export function assertTotalOrder(scheme: VersioningScheme, arbitrary: fc.Arbitrary<string>, numRuns = 2000): void {
  fc.assert(fc.property(arbitrary, (a) => scheme.compare(a, a) === 0));
  fc.assert(fc.property(arbitrary, arbitrary, (a, b) => scheme.compare(a, b) === -scheme.compare(b, a)));
  fc.assert(
    fc.property(arbitrary, arbitrary, arbitrary, (...vs) => {
      const [a, b, c] = vs.sort((x, y) => scheme.compare(x, y));
      assert.ok(scheme.compare(a!, b!) <= 0 && scheme.compare(b!, c!) <= 0);
      assert.ok(scheme.compare(a!, c!) <= 0, `${a} <= ${b} <= ${c}`);
      if (scheme.compare(a!, b!) === 0 && scheme.compare(b!, c!) === 0) assert.equal(scheme.compare(a!, c!), 0);
    }),
    { numRuns },
  );
  assertPreparedAgrees(scheme, arbitrary);
}

/** `comparePrepared(prepare(a), prepare(b))` is `compare(a, b)`: matching may use either. */
export function assertPreparedAgrees(scheme: VersioningScheme, arbitrary: fc.Arbitrary<string>, numRuns = 1000): void {
  fc.assert(fc.property(arbitrary, arbitrary, (a, b) => scheme.comparePrepared(scheme.prepare(a), scheme.prepare(b)) === scheme.compare(a, b)), { numRuns });
}
