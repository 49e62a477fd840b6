import { test } from 'node:test';
import { assertTotalOrder } from '../laws.js';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { pep440 } from './index.js';

const release = fc.constantFrom('0', '1', '1.0', '1.0.0', '2', '0.9', '01.2', '1.10', '1.2.3.4', '2024.1');
const part = (xs: string[]) => fc.constantFrom('', ...xs);
const version = fc
  .tuple(part(['1!', '0!']), release, part(['a1', 'b2', 'rc1', 'alpha3', 'c1', '-pre3', 'preview1', 'RC2', 'a']), part(['.post1', '-1', '.post', 'r2', 'rev3', '_post2']), part(['.dev1', 'dev', '.dev0']), part(['+local', '+ubuntu.1', '+1.a', '+2']))
  .map((p) => p.join(''));
const anyString = fc.oneof(version, fc.string({ maxLength: 6 }));

/** Python's packaging (or pip's vendored copy), or a loud skip reason: this oracle is optional. */
const PACKAGING_IMPORT =
  'try:\n  from packaging.version import Version, InvalidVersion\n' +
  'except ImportError:\n  from pip._vendor.packaging.version import Version, InvalidVersion\n';

function packagingSkip(): string | false {
  const r = spawnSync('python3', ['-c', PACKAGING_IMPORT], { stdio: 'ignore' });
  if (r.status === 0) return false;
  const reason = 'python3 with packaging (or pip) is missing: the packaging.version oracle cannot run';
  process.stderr.write(`\n*** SKIPPED: ${reason} ***\n\n`);
  return reason;
}

/** packaging.version.Version on pairs from a file, one python process: -1/0/1, or `invalid`. */
const ORACLE =
  PACKAGING_IMPORT +
  'import json, sys\n' +
  'def v(s):\n  try:\n    return Version(s)\n  except InvalidVersion:\n    return None\n' +
  'for line in open(sys.argv[1]):\n' +
  '  a, b = json.loads(line)\n  x, y = v(a), v(b)\n' +
  '  print("invalid" if x is None or y is None else (x > y) - (x < y))\n';

test('pep440: the ordering examples of the version specifiers spec', () => {
  const chain = ['1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1'];
  for (let i = 0; i + 1 < chain.length; i++) {
    assert.equal(pep440.compare(chain[i]!, chain[i + 1]!), -1, `${chain[i]} < ${chain[i + 1]}`);
    assert.equal(pep440.compare(chain[i + 1]!, chain[i]!), 1);
  }
  for (const [a, b] of [['1.0', '1.0.0'], ['1.0.post1', '1.0-1'], ['1.0RC1', '1.0rc1'], ['1.0c1', '1.0rc1'], ['1!0', '1!0.0'], ['01.2', '1.2']]) {
    assert.equal(pep440.compare(a!, b!), 0, `${a} = ${b}`);
  }
  assert.equal(pep440.compare('1!0.1', '2.0'), 1);
});

test('pep440: validity; invalid strings sort first', () => {
  for (const v of ['1.0.post1', '2!1.0', '1.0+local.1', 'v1.0', '1.0-dev']) assert.ok(pep440.isValid(v), v);
  for (const v of ['', 'latest', '1.0+', '1..0', '1.0-foo', '9'.repeat(300)]) assert.ok(!pep440.isValid(v), v);
  assert.equal(pep440.parse('junk'), null);
  assert.deepEqual(pep440.parse('1.2.post3')?.release, [1, 2]);
  assert.equal(pep440.compare('latest', '0.dev0'), -1);
  assert.equal(pep440.compare('abc', 'abd'), -1);
});

test('pep440: agrees with Python packaging.version', async (t) => {
  const skip = packagingSkip();
  if (skip) return t.skip(skip);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kubeward-pep440-'));
  try {
    const pairs = fc.sample(fc.tuple(version, version), { numRuns: 2000, seed: 440 });
    const file = path.join(dir, 'pairs.jsonl');
    await writeFile(file, pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const r = spawnSync('python3', ['-c', ORACLE, file], { encoding: 'utf8', maxBuffer: 16 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const answers = r.stdout.trim().split('\n');
    assert.equal(answers.length, pairs.length);
    const wrong = pairs.flatMap(([a, b], i) => {
      const ours = pep440.isValid(a) && pep440.isValid(b) ? String(pep440.compare(a, b)) : 'invalid';
      return ours === answers[i] ? [] : [`${a} ${b}: packaging ${answers[i]}, ours ${ours}`];
    });
    t.diagnostic(`packaging oracle: ${pairs.length - wrong.length}/${pairs.length} agree`);
    assert.deepEqual(wrong.slice(0, 10), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pep440: compare is a total order', () => {
  assertTotalOrder(pep440, anyString);
});
