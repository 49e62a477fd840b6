import { test } from 'node:test';
import { assertPreparedAgrees } from '../laws.js';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { maven } from './index.js';
import type { Ordering } from '../types.js';

const TOKENS = [
  '1', '0', '2', '10', '01', '000', '1234567890', '0000000000', '12345678901234567890',
  'alpha', 'a', 'b', 'm', 'beta', 'milestone', 'rc', 'cr', 'RC', 'snapshot', 'SNAPSHOT', 'ga', 'final',
  'Final', 'release', 'sp', 'foo', 'x', 'jre', '.', '-', '.', '-', '.', '-',
];
const version = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 }).map((t) => t.join(''));
const pair = fc.oneof(
  fc.tuple(version, version),
  fc.tuple(version, version, version).map(([p, x, y]) => [p + x, p + y] as const),
);

const ARTIFACT_DIR = '/usr/share/maven/lib';

/** The maven-artifact jar holding the real ComparableVersion, or a loud skip reason (optional oracle). */
function mavenArtifactJar(): { jar?: string; skip: string | false } {
  let jar: string | undefined;
  try {
    jar = readdirSync(ARTIFACT_DIR).find((f) => /^maven-artifact-.*\.jar$/.test(f));
  } catch {
    jar = undefined;
  }
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (jar && java.status === 0) return { jar: `${ARTIFACT_DIR}/${jar}`, skip: false };
  const reason = `${jar ? 'java' : `maven-artifact-*.jar in ${ARTIFACT_DIR}`} is missing: the ComparableVersion oracle cannot run`;
  process.stderr.write(`\n*** SKIPPED: ${reason} ***\n\n`);
  return { skip: reason };
}

/**
 * ComparableVersion's main prints `N. v -> canonical; tokens: …` per argument and `   a OP b` for
 * consecutive arguments; returns the canonical forms and the orderings of consecutive versions.
 */
function comparableVersionOracle(jar: string, versions: string[]): { canonical: string[]; order: Ordering[] } {
  const r = spawnSync('java', ['-cp', jar, 'org.apache.maven.artifact.versioning.ComparableVersion', ...versions], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`ComparableVersion failed: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  const canonical: string[] = [];
  const order: Ordering[] = [];
  const ops: Record<string, Ordering> = { '<': -1, '==': 0, '>': 1 };
  versions.forEach((v, i) => {
    const head = `${i + 1}. ${v} -> `;
    const line = lines.find((l) => l.startsWith(head));
    if (!line) throw new Error(`no canonical form for ${v}`);
    canonical.push(line.slice(head.length, line.lastIndexOf('; tokens: ')));
  });
  for (let i = 0; i + 1 < versions.length; i++) {
    const [a, b] = [versions[i]!, versions[i + 1]!];
    const line = lines.find((l) => l.startsWith(`   ${a} `) && l.endsWith(` ${b}`) && ops[l.slice(a.length + 4, l.length - b.length - 1)] !== undefined);
    if (!line) throw new Error(`no comparison for ${a} / ${b}`);
    order.push(ops[line.slice(a.length + 4, line.length - b.length - 1)]!);
  }
  return { canonical, order };
}

test('maven: the version order specification examples', () => {
  const lt: Array<[string, string]> = [
    ['1-alpha', '1-beta'], ['1-beta', '1-milestone'], ['1-milestone', '1-rc'], ['1-rc', '1-snapshot'],
    ['1-snapshot', '1'], ['1', '1-sp'], ['1-sp', '1-foo'], ['1-foo', '1-foo1'], ['1.0.0-foo', '1.0.0-1'],
    ['1-1', '1.1'], ['1.0-alpha1', '1.0'], ['1-foo2', '1-foo10'], ['1.1', '1.10'], ['1-a1', '1-b1'],
    ['1.0-SNAPSHOT', '1.0'], ['2.0.0.Final', '2.0.1'], ['1.999999999', '1.1000000000'],
  ];
  for (const [a, b] of lt) {
    assert.equal(maven.compare(a, b), -1, `${a} < ${b}`);
    assert.equal(maven.compare(b, a), 1, `${b} > ${a}`);
  }
  const eq: Array<[string, string]> = [
    ['1', '1.0'], ['1', '1.0.0'], ['1.ga', '1-ga'], ['1.final', '1'], ['1-release', '1'], ['1-cr1', '1-rc1'],
    ['1a1', '1-alpha-1'], ['1.0-ALPHA1', '1-alpha1'], ['1-0.ga', '1'], ['1.0.0-0.0.0', '1'],
  ];
  for (const [a, b] of eq) assert.equal(maven.compare(a, b), 0, `${a} = ${b}`);
});

test('maven: parse gives the canonical form; validity', () => {
  assert.equal(maven.parse('1.0-alpha1')?.canonical, '1-alpha-1');
  assert.equal(maven.parse('1.0.0.GA')?.canonical, '1');
  assert.equal(maven.parse('2.0.0-SNAPSHOT')?.canonical, '2-snapshot');
  for (const v of ['', '1.0 beta', '1/2', 'a:b', 'x'.repeat(1025)]) assert.equal(maven.isValid(v), false, v);
  assert.ok(maven.isValid('1.0.0.Final-jre'));
});

test('maven: agrees with the real ComparableVersion', (t) => {
  const { jar, skip } = mavenArtifactJar();
  if (skip) return t.skip(skip);
  for (const seed of [1, 2]) {
    const versions = fc.sample(pair, { numRuns: 1200, seed }).flat();
    const expected = comparableVersionOracle(jar!, versions);
    const wrongCanonical = versions.filter((v, i) => maven.parse(v)?.canonical !== expected.canonical[i]);
    assert.deepEqual(wrongCanonical.slice(0, 10), []);
    const wrong = expected.order.flatMap((o, i) => (maven.compare(versions[i]!, versions[i + 1]!) === o ? [] : [`${versions[i]} ${o} ${versions[i + 1]}`]));
    t.diagnostic(`ComparableVersion oracle (seed ${seed}): ${expected.order.length - wrong.length}/${expected.order.length} agree`);
    assert.deepEqual(wrong.slice(0, 10), []);
  }
});

/** Release numbers and at most one qualifier (with its number): the shape of nearly all published versions. */
const usual = fc
  .tuple(
    fc.array(fc.constantFrom('0', '1', '2', '10', '01', '1234567890'), { minLength: 1, maxLength: 4 }),
    fc.option(fc.tuple(fc.constantFrom('-', '.'), fc.constantFrom('alpha', 'a', 'b', 'M', 'beta', 'rc', 'CR', 'SNAPSHOT', 'GA', 'Final', 'sp', 'jre', 'android'), fc.constantFrom('', '1', '2', '10'))),
  )
  .map(([ns, q]) => ns.join('.') + (q ? q.join('') : ''));

test('maven: compare is reflexive and antisymmetric on any string, transitive on usual versions', () => {
  fc.assert(fc.property(version, (a) => maven.compare(a, a) === 0));
  fc.assert(fc.property(version, version, (a, b) => maven.compare(a, b) === -maven.compare(b, a)));
  fc.assert(
    fc.property(usual, usual, usual, (...vs) => {
      const [a, b, c] = vs.sort(maven.compare);
      assert.ok(maven.compare(a!, c!) <= 0, `${a} <= ${b} <= ${c}`);
      if (maven.compare(a!, b!) === 0 && maven.compare(b!, c!) === 0) assert.equal(maven.compare(a!, c!), 0);
    }),
    { numRuns: 5000 },
  );
  // Maven's own order has cycles on unusual strings (ComparableVersion prints 2-alpha < 2 <
  // 2.incubating-alpha < 2-alpha); being faithful, so does ours.
  assert.deepEqual([maven.compare('2-alpha', '2'), maven.compare('2', '2.incubating-alpha'), maven.compare('2.incubating-alpha', '2-alpha')], [-1, -1, -1]);
  const long = '1.'.repeat(600);
  assert.equal(maven.compare(long + '1', long + '2'), -1);
  assertPreparedAgrees(maven, version);
});
