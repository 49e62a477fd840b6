// Differential test: js-yaml 4 + YAML11_SCHEMA_V4 against js-yaml 5 + YAML11_SCHEMA (the oracle).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect, isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import yaml4 from 'js-yaml-4';
import { load as load5, loadAll as loadAll5, YAML11_SCHEMA } from 'js-yaml';
import { YAML11_SCHEMA_V4 } from './yaml11.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

function run(parse: () => unknown): Outcome {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    return { ok: false, error: String((error as Error).message).split('\n')[0] ?? '' };
  }
}

const v4 = (doc: string): Outcome => run(() => yaml4.load(doc, { schema: YAML11_SCHEMA_V4 }));
const v5 = (doc: string): Outcome => run(() => load5(doc, { schema: YAML11_SCHEMA }));

/**
 * Same value (isDeepStrictEqual: Dates by time, NaN equals NaN, -0 is not 0), or both rejected
 * (the two versions word their errors differently).
 */
function agree(a: Outcome, b: Outcome): boolean {
  if (a.ok !== b.ok) return false;
  return !a.ok || isDeepStrictEqual(a.value, (b as { value: unknown }).value);
}

function assertAgree(doc: string): void {
  const [four, five] = [v4(doc), v5(doc)];
  assert.ok(agree(four, five), `${inspect(doc)}\n  js-yaml 4: ${inspect(four)}\n  js-yaml 5: ${inspect(five)}`);
}

/** Every upper/lower-case spelling of a word: `yes` → yes, yeS, yEs, yES, Yes, … */
function casings(word: string): string[] {
  let result = [''];
  for (const c of word) result = result.flatMap((prefix) => [...new Set([prefix + c.toLowerCase(), prefix + c.toUpperCase()])]);
  return result;
}

const BOOL_WORDS = ['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false'];

const TRICKY = [
  // null
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'nul', '~~', 'null ~',
  // bool look-alikes
  'yes please', 'yes-no', 'Y2K', 'o', 'onn', 'tru',
  // ints: octal, 0o, hex, binary, signs, underscores, base 60
  '0', '-0', '+0', '00', '-00', '0_', '-0_', '007', '0644', '-0644', '+0644', '0o644', '0O644', '08', '09', '0_8', '0_7',
  '0x1F', '0x1f', '-0x1F', '+0x_1_F', '0X1F', '0x', '0x_', '0x1G', '0b101', '-0b101', '0b1_0', '0b', '0b_', '0b2', '0B1',
  '12_000', '+12_000', '-12_000', '1__2', '_1', '1_', '1', '-1', '+1', '-', '+', '--1', '+-1',
  '190:20:30', '-190:20:30', '1_2:3', '1:60', '1:5:', ':12', '12:', '1:2:3:4', '0:0', '-0:0', '01:30', '1:07', '1:7',
  '9007199254740993', '123456789012345678901234567890', '9'.repeat(400),
  '0x' + 'F'.repeat(300), '0b' + '1'.repeat(1100),
  // floats
  '1e3', '1E3', '1e+3', '1.e+3', '1.0e3', '1.0e+3', '1.0E-3', '1.5e-3', '-1.5e-3', '1.5e3', '.5', '-.5', '+.5', '0.', '1.',
  '.', '._', '-.', '+.', '_.5', '1_000.5', '1.5_5', '0.1.2', '1..2', '1.2.', '-0.0', '+0.0', '0.0', '00.5', '09.5',
  '190:20:30.15', '-1:30.5', '1:30.', '1:30.5e+1', '1.0e+400', '-1.0e+400', '1.0e-400', '9'.repeat(400) + '.0',
  '.inf', '.Inf', '.INF', '-.inf', '-.Inf', '+.INF', '.iNf', 'inf', '-inf', '.infinity',
  '.nan', '.NaN', '.NAN', '.Nan', '-.nan', '+.nan', 'nan', 'NaN',
  // timestamps
  '2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.10Z', '2001-12-14 21:59:43.10 -5', '2001-12-14 21:59:43.10',
  '2001-12-14 21:59:43.1234567', '2001-12-14\t21:59:43 +05:30', '2002-12-14', '2002-1-4 1:02:03', '2002-1-4', '2002-12-14x',
  '2000-02-29', '1970-01-01T00:00:00Z', '9999-12-31 23:59:59.999 +23:59', '0100-01-01',
  // merge key spelled as a value, and things that stay strings
  '<<', '<', '=', '0.1.2', 'v1.2.3', '1.2.3.4', '10.0.0.1/8', '0xDEADBEEFzz', '1h30m', '100Mi', '0.5Gi', '500m',
  '"0644"', "'yes'", '"~"', "''", '""', "'2002-12-14'", '"1_000"', "'.inf'",
  ...BOOL_WORDS.flatMap(casings),
  ...['null', 'nan', 'inf'].flatMap(casings).flatMap((word) => [word, '.' + word, '-.' + word]),
];

/**
 * As a mapping key. Known loader difference: js-yaml 5's `{}` maps reject a Date key ("object-based
 * map does not support complex keys"); js-yaml 4 stringifies it with String(date), in local time.
 */
function assertKeyAgrees(s: string): void {
  const five = v5(`v: ${s}`);
  if (!(five.ok && (five.value as { v: unknown }).v instanceof Date)) return assertAgree(`${s}: v`);
  const date = (five.value as { v: Date }).v;
  assert.deepStrictEqual(v4(`${s}: v`), { ok: true, value: { [String(date)]: 'v' } });
  assert.match((v5(`${s}: v`) as { error: string }).error, /complex keys/);
}

test('hand-written scalars resolve as in js-yaml 5: plain, flow, key, quoted, explicitly tagged', () => {
  for (const s of TRICKY) {
    assertAgree(`v: ${s}`);
    if (s !== '') {
      assertAgree(`v: [${s}]`);
      assertKeyAgrees(s);
      assertAgree(`v: '${s.replaceAll("'", "''")}'`);
      assertAgree(`v: ${JSON.stringify(s)}`);
    }
    for (const tag of ['str', 'null', 'bool', 'int', 'float', 'timestamp']) assertAgree(`v: !!${tag} ${s}`);
  }
});

test('the oracle is YAML 1.1: a few known values', () => {
  const value = (s: string): unknown => (yaml4.load(`v: ${s}`, { schema: YAML11_SCHEMA_V4 }) as { v: unknown }).v;
  const expected: Array<[string, unknown]> = [
    ['yes', true], ['Off', false], ['y', true], ['N', false], ['yEs', 'yEs'], ['0644', 420], ['0o644', '0o644'],
    ['0x1F', 31], ['0b101', 5], ['-0', -0], ['+12_000', 12000], ['190:20:30', 685230], ['1_2:3', 723], ['1e3', '1e3'],
    ['1.5e-3', 0.0015], ['.5', 0.5], ['-.Inf', -Infinity], ['.NaN', NaN], ['~', null], ['', null], ['0.1.2', '0.1.2'],
    ['2002-12-14', new Date(Date.UTC(2002, 11, 14))], ['<<', '<<'], ['"0644"', '0644'],
  ];
  for (const [s, want] of expected) assert.deepStrictEqual(value(s), want, s);
});

// YYYY-MM-DD[ T]h:mm:ss… as js-yaml 4's timestamp type matches it.
const TIMESTAMP_SHAPE =
  /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+]([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (year: number, month: number): number =>
  [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;

/**
 * js-yaml 4's timestamp type (used as is) takes any digits and lets Date roll over
 * (`2001-02-30` → March 2); js-yaml 5 keeps out-of-range dates as strings. And Date.UTC reads
 * years 0–99 as 19xx; js-yaml 5 keeps the year as written.
 */
function knownTimestampDifference(s: string): boolean {
  const m = TIMESTAMP_SHAPE.exec(s);
  if (!m || (!m[4] && (m[2]!.length !== 2 || m[3]!.length !== 2))) return false; // a bare date is YYYY-MM-DD
  const [year, month, day, hour, minute, second, tzHour, tzMinute] = m.slice(1).map((field) => Number(field ?? 0));
  const badDate = month < 1 || month > 12 || day < 1 || day > daysIn(year, month);
  return year < 100 || badDate || hour > 23 || minute > 59 || second > 59 || tzHour > 23 || tzMinute > 59;
}

test('known differences: js-yaml 4 timestamp and set types', () => {
  for (const s of ['2001-02-30', '2001-02-29', '2001-13-01', '2001-00-10', '2001-12-14 24:00:00', '2001-12-14 23:60:00',
    '2001-12-14 23:59:60', '2001-1-1 1:00:00 +24', '0099-01-01', '0000-01-01 00:00:00']) {
    assert.ok(knownTimestampDifference(s), s);
    const [four, five] = [v4(`v: ${s}`), v5(`v: ${s}`)];
    assert.ok(four.ok && (four.value as { v: unknown }).v instanceof Date, s); // js-yaml 4: a (rolled-over) Date
    assert.ok(!agree(four, five), s); // js-yaml 5: the string, or the year as written
  }
  assert.deepStrictEqual(yaml4.load('v: !!set {a, b}', { schema: YAML11_SCHEMA_V4 }), { v: { a: null, b: null } });
  assert.deepStrictEqual(load5('v: !!set {a, b}', { schema: YAML11_SCHEMA }), { v: new Set(['a', 'b']) });
});

const casedWord = (words: string[]): fc.Arbitrary<string> => fc.constantFrom(...words).chain((w) => fc.constantFrom(...casings(w)));
const charsOf = (chars: string, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength });

const fragment = fc.oneof(
  charsOf('0123456789', 4),
  charsOf('01234567_', 4),
  charsOf('0123456789abcdefABCDEF_', 4),
  fc.constantFrom('0', '00', '0b', '0x', '0o', '0B', '0X', '.', ':', '_', 'e', 'E', 'e+', 'e-', 'E+', ':5', ':59', ':60', '.5', ' ', '-', '+'),
  fc.constantFrom('.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN', '~', '<<'),
  casedWord([...BOOL_WORDS, 'null', 'nan', 'inf']),
);
const numberOrBoolLike = fc
  .tuple(fc.constantFrom('', '', '-', '+', '.'), fc.array(fragment, { minLength: 1, maxLength: 6 }))
  .map(([sign, parts]) => sign + parts.join(''));
const maybe = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.option(arb).map((x) => x ?? '');
const decimal = charsOf('0123456789_', 8);
const base60 = fc.tuple(charsOf('0123456789_', 3), fc.array(charsOf('0123456789', 2), { minLength: 1, maxLength: 3 }))
  .map(([head, parts]) => [head, ...parts].join(':'));
const exponent = fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), charsOf('0123456789', 3)).map((p) => p.join(''));
const numberShaped = fc.tuple(
  fc.constantFrom('', '-', '+'),
  fc.oneof(
    decimal,
    charsOf('01234567_', 6).map((digits) => '0' + digits),
    fc.tuple(fc.constantFrom('0x', '0b', '0o', '0X'), maybe(charsOf('0123456789abcdefABCDEF_', 6))).map((p) => p.join('')),
    base60,
    { weight: 3, arbitrary: fc.tuple(fc.oneof(maybe(decimal), base60), fc.constantFrom('.', '.', ''), maybe(decimal), maybe(exponent)).map((p) => p.join('')) },
  ),
).map((p) => p.join(''));
const noise = charsOf('0123456789+-._:eExXbBoOfFiInNaAyYsStTlLuU~ ', 12);

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const validTimestamp = fc
  .record({
    year: fc.integer({ min: 100, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }),
    time: fc.option(fc.record({
      sep: fc.constantFrom('T', 't', ' ', '  ', '\t'), hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }),
      second: fc.integer({ min: 0, max: 59 }), fraction: fc.option(charsOf('0123456789', 9)), short: fc.boolean(),
      tz: fc.option(fc.oneof(fc.constantFrom('Z', ' Z'), fc.tuple(fc.constantFrom('', ' '), fc.constantFrom('+', '-'),
        fc.integer({ min: 0, max: 23 }), fc.option(fc.integer({ min: 0, max: 59 }))).map(([sp, sg, h, m]) =>
        `${sp}${sg}${h}${m === null ? '' : ':' + pad(m, 2)}`))),
    })),
  })
  .map(({ year, month, day, time }) => {
    const d = Math.min(day, daysIn(year, month));
    if (!time) return `${pad(year, 4)}-${pad(month, 2)}-${pad(d, 2)}`;
    const w = time.short ? 1 : 2;
    return `${pad(year, 4)}-${pad(month, w)}-${pad(d, w)}${time.sep}${pad(time.hour, w)}:${pad(time.minute, 2)}:${pad(time.second, 2)}` +
      `${time.fraction === null ? '' : '.' + time.fraction}${time.tz ?? ''}`;
  });

function property(s: string): void {
  const doc = `v: ${s}`;
  if (knownTimestampDifference(s.trim())) return;
  assertAgree(doc);
}

test('generated number-like and bool-like scalars resolve as in js-yaml 5', () => {
  fc.assert(fc.property(numberShaped, property), { numRuns: 20_000 });
  fc.assert(fc.property(numberOrBoolLike, property), { numRuns: 20_000 });
  fc.assert(fc.property(noise, property), { numRuns: 10_000 });
});

test('generated in-range timestamps resolve as in js-yaml 5', () => {
  fc.assert(fc.property(validTimestamp, (s) => {
    assert.ok(!knownTimestampDifference(s), s);
    assertAgree(`v: ${s}`);
  }), { numRuns: 5_000 });
});

const DEPLOYMENT = `# a Deployment with YAML 1.1 spellings
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels
    app: web
    tier: frontend
  annotations:
    build: 2001-12-14t21:59:43.10-05:00
    released: 2002-12-14
    version: 1.10
    quoted: "0644"
    note: |
      privileged: yes
      defaultMode: 0644
    folded: >-
      one
      two
spec:
  replicas: 0x3
  revisionHistoryLimit: 1_0
  progressDeadlineSeconds: 10:00
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels:
        <<: *labels
        tier: backend
    spec:
      hostNetwork: off
      hostPID: No
      automountServiceAccountToken: n
      containers:
        - &base
          name: app
          image: nginx:1.25
          ports: [{containerPort: 080}, {containerPort: 8_080, protocol: TCP}]
          resources:
            limits: {cpu: 500m, memory: 128Mi}
            requests: {cpu: .5, memory: ~}
          securityContext:
            privileged: yes
            allowPrivilegeEscalation: On
            readOnlyRootFilesystem: TRUE
            runAsUser: 0
            runAsNonRoot: Y
            capabilities:
              add: [NET_ADMIN, SYS_TIME]
              drop: [ALL]
        - <<: *base
          name: sidecar
          image: "busybox:latest"
          args: [sleep, 1e3, .inf, -.Inf, .NaN, 190:20:30, 1_2:3]
      volumes:
        - name: config
          configMap:
            name: web-config
            defaultMode: 0644
            items:
              - {key: a, path: a, mode: 0400}
        - name: secret
          secret:
            secretName: web
            defaultMode: 0o644
            optional: yes
`;

const MERGES = `defaults: &defaults
  restartPolicy: Always
  dnsPolicy: ClusterFirst
  hostIPC: false
extra: &extra
  hostIPC: yes
  dnsPolicy: Default
  priority: 010
apiVersion: v1
kind: Pod
metadata: {name: merged, namespace: ~}
spec:
  <<: [*defaults, *extra]
  hostIPC: Off
  containers:
    - name: c
      image: app@sha256:0123abcd
      env:
        - {name: DEBUG, value: "yes"}
        - {name: LEVEL, value: 'on'}
        - name: EMPTY
          value:
        - name: MULTI
          value: this is
            a multi-line
            plain scalar
`;

const STREAM = `---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - {port: 80, targetPort: 0x50, nodePort: 30_080}
  sessionAffinityConfig:
    clientIP: {timeoutSeconds: 3:00:00}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  enabled: "true"
  mode: '0644'
  block: |+
    yes

  strip: |-
    ~
...
---
# empty document
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
  - apiGroups: [""]
    resources: [pods, "pods/log"]
    verbs: [get, list, watch]
`;

test('whole Kubernetes manifests parse the same with both', () => {
  for (const doc of [DEPLOYMENT, MERGES, STREAM]) {
    const four = run(() => yaml4.loadAll(doc, { schema: YAML11_SCHEMA_V4 }));
    const five = run(() => loadAll5(doc, { schema: YAML11_SCHEMA }));
    assert.ok(four.ok, inspect(four));
    assert.ok(agree(four, five), `js-yaml 4: ${inspect(four, { depth: 20 })}\njs-yaml 5: ${inspect(five, { depth: 20 })}`);
  }
  const [deployment] = yaml4.loadAll(DEPLOYMENT, { schema: YAML11_SCHEMA_V4 }) as any[];
  const [app, sidecar] = deployment.spec.template.spec.containers;
  assert.equal(app.securityContext.privileged, true);
  assert.equal(sidecar.securityContext.privileged, true);
  assert.equal(deployment.spec.template.spec.volumes[0].configMap.defaultMode, 420);
  assert.equal(deployment.spec.template.spec.volumes[1].secret.defaultMode, '0o644');
  assert.deepEqual(deployment.spec.template.metadata.labels, { app: 'web', tier: 'backend' });
  const pod = yaml4.load(MERGES, { schema: YAML11_SCHEMA_V4 }) as any;
  assert.deepEqual([pod.spec.hostIPC, pod.spec.dnsPolicy, pod.spec.priority], [false, 'ClusterFirst', 8]);
});

test('dumping with the schema reads back the same in both', () => {
  const data = {
    t: true, f: false, n: null, i: 420, neg: -7, z: -0, x: 1.5, big: 1e21, nan: NaN, inf: Infinity, ninf: -Infinity,
    strings: ['yes', 'No', 'y', 'on', '0644', '0o644', '1_000', '190:20:30', '1e3', '.5', '~', '', 'null', '2002-12-14', '<<'],
  };
  const text = yaml4.dump(data, { schema: YAML11_SCHEMA_V4 });
  assert.deepStrictEqual(yaml4.load(text, { schema: YAML11_SCHEMA_V4 }), data);
  assert.deepStrictEqual(load5(text, { schema: YAML11_SCHEMA }), data);
});
