import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  evaluateTest, lastValues, parseFlags, parseGoBool, parseGoDuration, splitList, splitMap,
  type FlagReader, type FlagReading, type FlagSpec, type FlagSyntax, type FlagTest,
} from './flags.js';

const pflag = (booleans: string[] = []): FlagSyntax => ({ style: 'pflag', booleans: new Set(booleans), shorthands: { v: 'v', h: 'help' }, normalizeUnderscores: true });
const goflag = (booleans: string[] = []): FlagSyntax => ({ style: 'go', booleans: new Set(booleans) });

test('parseFlags reads --flag=value, --flag value and bare booleans, and says where each value is', () => {
  const parsed = parseFlags(['--a=1', '--b', '2', '--bool', '--c=x=y', '--empty='], pflag(['bool']));
  assert.deepEqual(parsed.occurrences.map((o) => [o.name, o.value, o.syntax, o.index, o.valueIndex]), [
    ['a', '1', 'equals', 0, 0],
    ['b', '2', 'separate', 1, 2],
    ['bool', 'true', 'bare', 3, 3],
    ['c', 'x=y', 'equals', 4, 4],
    ['empty', '', 'equals', 5, 5],
  ]);
  assert.deepEqual(parsed.problems, []);
});

test('a boolean flag never takes the next argument: `--profiling false` leaves `false` as a stray argument', () => {
  const parsed = parseFlags(['--profiling', 'false', '--x=1'], pflag(['profiling']));
  assert.equal(lastValues(parsed).get('profiling'), 'true');
  assert.deepEqual(parsed.positional, [{ index: 1, text: 'false' }]);
  assert.equal(lastValues(parsed).get('x'), '1', 'pflag goes on parsing after a positional argument');
});

test('a non-boolean flag takes the next argument even when it looks like a flag (both libraries do)', () => {
  const parsed = parseFlags(['--audit-log-path', '--profiling=false'], pflag(['profiling']));
  assert.deepEqual([...lastValues(parsed)], [['audit-log-path', '--profiling=false']]);
});

test('repeated flags: every occurrence is kept, the last one wins for scalars', () => {
  const parsed = parseFlags(['--profiling=false', '--profiling=true', '--enable-admission-plugins=A', '--enable-admission-plugins', 'B,C'], pflag(['profiling']));
  assert.equal(lastValues(parsed).get('profiling'), 'true');
  assert.deepEqual(parsed.occurrences.filter((o) => o.name === 'enable-admission-plugins').flatMap((o) => splitList(o.value)), ['A', 'B', 'C']);
});

test('pflag: underscores normalize to dashes, shorthands, -- ends the flags, bad syntax is a problem', () => {
  const parsed = parseFlags(['--anonymous_auth=true', '-v=4', '-v5', '-v', '6', '-x', '---bad', '--=x', '--', '--after=1'], pflag(['anonymous-auth']));
  assert.deepEqual(parsed.occurrences.map((o) => [o.name, o.value]), [['anonymous-auth', 'true'], ['v', '4'], ['v', '5'], ['v', '6']]);
  assert.deepEqual(parsed.problems.map((p) => p.index), [5, 6, 7]);
  assert.deepEqual(parsed.positional, [{ index: 9, text: '--after=1' }]);
});

test('Go flag package (etcd): one dash or two, and parsing stops at the first non-flag', () => {
  const parsed = parseFlags(['-name=a', '--data-dir', '/d', '-auto-tls', 'stray', '--client-cert-auth=true'], goflag(['auto-tls', 'client-cert-auth']));
  assert.deepEqual([...lastValues(parsed)], [['name', 'a'], ['data-dir', '/d'], ['auto-tls', 'true']]);
  assert.deepEqual(parsed.positional.map((p) => p.text), ['stray', '--client-cert-auth=true']);
});

test('a flag missing its value at the end is a problem, not a flag', () => {
  const parsed = parseFlags(['--tls-cert-file'], pflag());
  assert.deepEqual(parsed.occurrences, []);
  assert.match(parsed.problems[0]!.message, /needs an argument/);
});

// ------------------------------------------------------------------------------------------------
// Property: any flag map, rendered in any mix of the syntaxes the library accepts, parses back.

const flagName = fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('-'));
const flagValue = fc.string({ unit: fc.constantFrom('a', 'b', '1', '/', '.', ',', '=', ':', '-', '_', ' '), maxLength: 12 });
const flagMap = fc.uniqueArray(
  fc.record({ name: flagName, bool: fc.boolean(), value: flagValue, flag: fc.boolean(), earlier: fc.array(flagValue, { maxLength: 2 }) }),
  { selector: (f) => f.name, maxLength: 8 },
);

function render(style: 'pflag' | 'go', flags: { name: string; bool: boolean; value: string; flag: boolean; earlier: string[] }[], choose: (n: number) => number): string[] {
  const argv: string[] = [];
  const dash = (): string => (style === 'go' && choose(2) === 0 ? '-' : '--');
  for (const f of flags) {
    // earlier occurrences that the last one overrides
    for (const e of f.earlier) argv.push(f.bool ? `${dash()}${f.name}=${e.length % 2 === 0}` : `${dash()}${f.name}=${e}`);
    if (f.bool) {
      const forms = f.flag ? [`${dash()}${f.name}`, `${dash()}${f.name}=true`, `${dash()}${f.name}=True`] : [`${dash()}${f.name}=false`, `${dash()}${f.name}=0`];
      argv.push(forms[choose(forms.length)]!);
    } else if (choose(2) === 0) {
      argv.push(`${dash()}${f.name}=${f.value}`);
    } else {
      argv.push(`${dash()}${f.name}`, f.value);
    }
  }
  return argv;
}

for (const style of ['pflag', 'go'] as const) {
  test(`property (${style}): flag maps rendered as --f=v, --f v, bare booleans${style === 'go' ? ', -f' : ''} and repeats parse back the same`, () => {
    fc.assert(fc.property(flagMap, fc.infiniteStream(fc.nat()), (flags, stream) => {
      const iterator = stream[Symbol.iterator]();
      const choose = (n: number): number => iterator.next().value! % n;
      const syntax: FlagSyntax = { style, booleans: new Set(flags.filter((f) => f.bool).map((f) => f.name)) };
      const parsed = parseFlags(render(style, flags, choose), syntax);
      assert.deepEqual(parsed.problems, []);
      assert.deepEqual(parsed.positional, []);
      const got = lastValues(parsed);
      assert.equal(got.size, flags.length);
      for (const f of flags) {
        const value = got.get(f.name);
        if (f.bool) assert.equal(parseGoBool(value!), f.flag, f.name);
        else assert.equal(value, f.value, f.name);
      }
    }), { numRuns: 300 });
  });
}

test('property: splitList and splitMap read back what was joined', () => {
  const item = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
  fc.assert(fc.property(fc.array(item, { maxLength: 6 }), (items) => {
    assert.deepEqual(splitList(items.join(',')), items);
  }));
  fc.assert(fc.property(fc.array(fc.tuple(item, fc.boolean()), { maxLength: 6 }), (pairs) => {
    assert.deepEqual(splitMap(pairs.map(([k, v]) => `${k}=${v}`).join(',')), pairs.map(([k, v]) => [k, String(v)]));
  }));
});

test('Go value parsers: ParseBool and ParseDuration', () => {
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(t), true, t);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(f), false, f);
  for (const bad of ['yes', 'on', '', 'tRuE']) assert.equal(parseGoBool(bad), undefined, bad);
  assert.equal(parseGoDuration('1m0s'), 60);
  assert.equal(parseGoDuration('300s'), 300);
  assert.equal(parseGoDuration('1h30m'), 5400);
  assert.equal(parseGoDuration('1.5s'), 1.5);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('60'), undefined);
  assert.equal(parseGoDuration('5x'), undefined);
});

// ------------------------------------------------------------------------------------------------
// The evaluator, on a reader built from a plain argv.

function reader(argv: string[], specs: Record<string, FlagSpec>, extra: Partial<FlagReader> = {}): FlagReader {
  const booleans = Object.entries(specs).filter(([, s]) => s.type === 'bool').map(([n]) => n);
  const parsed = parseFlags(argv, pflag(booleans));
  return {
    component: 'kube-apiserver',
    read: (name): FlagReading => {
      const given = parsed.occurrences.filter((o) => o.name === name).map((o) => ({ value: o.value, path: ['command', o.valueIndex + 1], written: argv[o.valueIndex]!, where: `\`${argv[o.index]}\`` }));
      return given.length > 0 ? { name, origin: 'flag', given } : { name, origin: 'default', given: [] };
    },
    spec: (name) => specs[name],
    insertPath: ['command'],
    insertWhere: 'command',
    defaultAdmissionPlugins: ['NamespaceLifecycle', 'ServiceAccount'],
    featureGates: { RotateKubeletServerCertificate: true },
    ...extra,
  };
}

const status = (t: FlagTest, argv: string[], specs: Record<string, FlagSpec>): string => evaluateTest(t, reader(argv, specs)).status;

test('eq/noteq compare booleans the way ParseBool reads them, and fall back to the default', () => {
  const specs: Record<string, FlagSpec> = { profiling: { type: 'bool', default: 'true' } };
  const t: FlagTest = { flag: 'profiling', op: 'eq', value: 'false' };
  assert.equal(status(t, ['--profiling=false'], specs), 'pass');
  assert.equal(status(t, ['--profiling=F'], specs), 'pass');
  assert.equal(status(t, ['--profiling=0'], specs), 'pass');
  assert.equal(status(t, ['--profiling'], specs), 'fail');
  assert.equal(status(t, [], specs), 'fail', 'absent: the default true applies');
  assert.equal(status(t, ['--profiling=maybe'], specs), 'unknown', 'the component would refuse to start');
  assert.equal(status({ flag: 'profiling', op: 'noteq', value: 'false' }, [], specs), 'pass');
  const outcome = evaluateTest(t, reader([], specs));
  assert.ok(outcome.status === 'fail' && /not set, so its default true applies/.test(outcome.detail));
  assert.ok(outcome.status === 'fail' && outcome.value === undefined && outcome.path.join('.') === 'command');
});

test('set/unset, has/nothave (lists accumulate over repeats), gte with what 0 means, valid_elements, https', () => {
  const specs: Record<string, FlagSpec> = {
    file: { type: 'string' },
    modes: { type: 'list', default: ['AlwaysAllow'] },
    age: { type: 'int', default: '0' },
    size: { type: 'int', default: '0' },
    ciphers: { type: 'list' },
    urls: { type: 'list', default: ['http://localhost:2379'] },
  };
  assert.equal(status({ flag: 'file', op: 'set' }, ['--file=/x'], specs), 'pass');
  assert.equal(status({ flag: 'file', op: 'set' }, ['--file='], specs), 'fail');
  assert.equal(status({ flag: 'file', op: 'set' }, [], specs), 'fail');
  assert.equal(status({ flag: 'file', op: 'unset' }, [], specs), 'pass');
  assert.equal(status({ flag: 'file', op: 'unset' }, ['--file', '/x'], specs), 'fail');

  assert.equal(status({ flag: 'modes', op: 'has', value: 'RBAC' }, ['--modes=Node', '--modes=RBAC'], specs), 'pass');
  assert.equal(status({ flag: 'modes', op: 'has', value: 'RBAC' }, [], specs), 'fail');
  assert.equal(status({ flag: 'modes', op: 'nothave', value: 'AlwaysAllow' }, [], specs), 'fail', 'the default is AlwaysAllow');
  assert.equal(status({ flag: 'modes', op: 'nothave', value: 'AlwaysAllow' }, ['--modes=Node,RBAC'], specs), 'pass');
  assert.equal(status({ flag: 'modes', op: 'nothave', value: 'AlwaysAllow' }, ['--modes=RBAC', '--modes', 'AlwaysAllow'], specs), 'fail');

  const age: FlagTest = { flag: 'age', op: 'gte', value: '30', zeroMeans: 'unlimited' };
  assert.equal(status(age, ['--age=30'], specs), 'pass');
  assert.equal(status(age, ['--age=7'], specs), 'fail');
  assert.equal(status(age, ['--age=0'], specs), 'pass');
  assert.equal(status(age, [], specs), 'pass', '0 by default: nothing removed by age');
  assert.equal(status(age, ['--age=thirty'], specs), 'unknown');
  const size: FlagTest = { flag: 'size', op: 'gte', value: '100', zeroMeans: '100' };
  assert.equal(status(size, [], specs), 'pass');
  assert.equal(status(size, ['--size=50'], specs), 'fail');
  assert.equal(status({ flag: 'size', op: 'gte', value: '100' }, [], specs), 'fail', 'without zeroMeans 0 is just 0');

  const ciphers: FlagTest = { flag: 'ciphers', op: 'valid_elements', values: ['A', 'B'] };
  assert.equal(status(ciphers, ['--ciphers=A,B'], specs), 'pass');
  assert.equal(status(ciphers, ['--ciphers=A,C'], specs), 'fail');
  assert.equal(status(ciphers, [], specs), 'fail');

  assert.equal(status({ flag: 'urls', op: 'https' }, ['--urls=https://a:2379,unixs://b'], specs), 'pass');
  assert.equal(status({ flag: 'urls', op: 'https' }, ['--urls=https://a:2379,http://b:2379'], specs), 'fail');
  assert.equal(status({ flag: 'urls', op: 'https' }, [], specs), 'fail', 'the default is plain http://localhost:2379');
});

test('admission plugins: defaults plus --enable minus --disable, or exactly the legacy --admission-control', () => {
  const specs: Record<string, FlagSpec> = { 'enable-admission-plugins': { type: 'list', default: [] }, 'disable-admission-plugins': { type: 'list', default: [] }, 'admission-control': { type: 'list' } };
  const on = (plugin: string): FlagTest => ({ flag: 'enable-admission-plugins', op: 'plugin_enabled', value: plugin });
  const off = (plugin: string): FlagTest => ({ flag: 'enable-admission-plugins', op: 'plugin_not_enabled', value: plugin });
  assert.equal(status(on('ServiceAccount'), [], specs), 'pass', 'on by default');
  assert.equal(status(on('ServiceAccount'), ['--disable-admission-plugins=ServiceAccount'], specs), 'fail');
  assert.equal(status(on('NodeRestriction'), [], specs), 'fail', 'off by default');
  assert.equal(status(on('NodeRestriction'), ['--enable-admission-plugins=NodeRestriction'], specs), 'pass');
  assert.equal(status(on('ServiceAccount'), ['--admission-control=NodeRestriction'], specs), 'fail', 'the legacy flag replaces the defaults');
  assert.equal(status(off('AlwaysAdmit'), [], specs), 'pass');
  assert.equal(status(off('AlwaysAdmit'), ['--enable-admission-plugins=NodeRestriction,AlwaysAdmit'], specs), 'fail');
  const outcome = evaluateTest(on('ServiceAccount'), reader(['--x=1', '--disable-admission-plugins=ServiceAccount'], specs));
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(outcome.path, ['command', 2]);
  assert.equal(outcome.value, '--disable-admission-plugins=ServiceAccount');
});

test('feature gates: the last setting of the gate wins; absent means the gate\'s default', () => {
  const specs: Record<string, FlagSpec> = { 'feature-gates': { type: 'map' } };
  const t: FlagTest = { flag: 'feature-gates', op: 'gate', gate: 'RotateKubeletServerCertificate', value: 'true' };
  assert.equal(status(t, [], specs), 'pass');
  assert.equal(status(t, ['--feature-gates=Other=true'], specs), 'pass');
  assert.equal(status(t, ['--feature-gates=RotateKubeletServerCertificate=false'], specs), 'fail');
  assert.equal(status(t, ['--feature-gates=RotateKubeletServerCertificate=false', '--feature-gates=RotateKubeletServerCertificate=true'], specs), 'pass');
  assert.equal(status(t, ['--feature-gates=RotateKubeletServerCertificate=nope'], specs), 'unknown');
});

test('undecidedIf: a configuration file that replaces the flag makes the test not evaluated', () => {
  const specs: Record<string, FlagSpec> = { 'authorization-mode': { type: 'list', default: ['AlwaysAllow'] }, 'authorization-config': { type: 'string' } };
  const t: FlagTest = { flag: 'authorization-mode', op: 'nothave', value: 'AlwaysAllow', undecidedIf: ['authorization-config'] };
  const outcome = evaluateTest(t, reader(['--authorization-config=/etc/kubernetes/authz.yaml'], specs));
  assert.equal(outcome.status, 'unknown');
  assert.ok(outcome.status === 'unknown' && /authorization-config=\/etc\/kubernetes\/authz\.yaml/.test(outcome.reason));
});
