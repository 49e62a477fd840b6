import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { parseManifests } from './parse.js';
import { formatPath, getPath } from './object.js';

const pod = (name: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;

test('multi-document files yield every object with the line and column of its start', () => {
  const text = `${pod('a')}---\n${pod('b')}`;
  const { objects, errors } = parseManifests(text, 'm.yaml', 'file');
  assert.deepEqual(errors, []);
  assert.deepEqual(objects.map((o) => [(o.raw.metadata as { name: string }).name, o.source.line, o.source.column]), [['a', 1, 1], ['b', 12, 1]]);
});

test('locate() points at the key of a nested field, counting lines in the whole file', () => {
  const text = `${pod('a')}---\n${pod('b')}`;
  const second = parseManifests(text, 'm.yaml', 'file').objects[1]!;
  // line 12 starts pod b; `privileged:` is its 10th line, indented 8 spaces
  assert.deepEqual(second.source.locate(['spec', 'containers', 0, 'securityContext', 'privileged']), { file: 'm.yaml', line: 21, column: 9 });
  // a list item is located at its dash
  assert.deepEqual(second.source.locate(['spec', 'containers', 0]), { file: 'm.yaml', line: 18, column: 7 });
});

test('a missing field is located at its closest existing ancestor', () => {
  const obj = parseManifests(pod('a'), 'm.yaml', 'file').objects[0]!;
  assert.deepEqual(obj.source.locate(['spec', 'containers', 0, 'securityContext', 'runAsNonRoot']), { file: 'm.yaml', line: 9, column: 7 });
  assert.deepEqual(obj.source.locate(['spec', 'hostPID']), { file: 'm.yaml', line: 5, column: 1 });
});

test('kind: List is expanded and items keep their own positions', () => {
  const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: one}
  - apiVersion: v1
    kind: Secret
    metadata: {name: two}
`;
  const { objects } = parseManifests(text, 'list.yaml', 'file');
  assert.deepEqual(objects.map((o) => [o.raw.kind, o.source.line]), [['ConfigMap', 4], ['Secret', 7]]);
  assert.equal(objects[1]!.source.locate(['metadata', 'name']).line, 9);
});

test('items of a typed list (PodList) take the list\'s kind and apiVersion when they leave them out', () => {
  const text = 'apiVersion: v1\nkind: PodList\nitems:\n  - metadata: {name: a}\n    spec: {containers: []}\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: b}\n';
  const { objects, notes } = parseManifests(text, 'pods.yaml', 'file');
  assert.deepEqual(objects.map((o) => [o.raw.apiVersion, o.raw.kind, (o.raw.metadata as { name: string }).name]), [['v1', 'Pod', 'a'], ['v1', 'Pod', 'b']]);
  assert.deepEqual(notes, []);
});

test('a malformed document is reported at file:line:col and the other documents are still parsed', () => {
  const text = `${pod('good-1')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n---\n${pod('good-2')}`;
  const { objects, errors } = parseManifests(text, 'bad.yaml', 'file');
  assert.deepEqual(objects.map((o) => (o.raw.metadata as { name: string }).name), ['good-1', 'good-2']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.file, 'bad.yaml');
  assert.ok(errors[0]!.line! >= 15 && errors[0]!.line! <= 17, `error line ${errors[0]!.line}`);
  assert.match(errors[0]!.message, /^invalid YAML: /);
});

test('a YAML alias bomb is rejected with a one-line error, without expanding it', () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
  const { objects, errors } = parseManifests(`${bomb}---\n${pod('after')}`, 'bomb.yaml', 'file');
  assert.deepEqual(objects.map((o) => (o.raw.metadata as { name: string }).name), ['after']);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /alias bomb/);
  assert.equal(errors[0]!.line, 1);
  assert.equal(errors[0]!.message.includes('\n'), false);
});

test('too many aliases in one document are rejected even when they expand to little', () => {
  const anchors = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: many}\ndata:\n  x: &x "1"\n${Array.from({ length: 101 }, (_, i) => `  k${i}: *x`).join('\n')}\n`;
  const { objects, errors } = parseManifests(anchors, 'many.yaml', 'file');
  assert.equal(objects.length, 0);
  assert.match(errors[0]!.message, /alias/);
});

test('a few legitimate aliases are fine', () => {
  const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: x:1\n      env: &env [{name: A, value: "1"}]\n    - name: b\n      image: y:1\n      env: *env\n`;
  const { objects, errors } = parseManifests(text, 'ok.yaml', 'file');
  assert.deepEqual(errors, []);
  assert.deepEqual(getPath(objects[0]!.raw, ['spec', 'containers', 1, 'env', 0, 'name']), 'A');
});

test('documents over the size limit are rejected', () => {
  const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(5000)}"\n`;
  const { objects, errors } = parseManifests(`${big}---\n${pod('small')}`, 'big.yaml', 'file', { maxDocumentBytes: 1000, maxAliasCount: 100, maxExpandedNodes: 1_000_000 });
  assert.equal(objects.length, 1);
  assert.match(errors[0]!.message, /over the 1000-byte limit/);
  assert.equal(errors[0]!.line, 1);
});

test('scalars resolve as Kubernetes reads them (YAML 1.1: yes/on are booleans)', () => {
  const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: yes\n  hostPID: on\n  containers: [{name: a, image: "x"}]\n';
  const raw = parseManifests(text, 'p.yaml', 'file').objects[0]!.raw;
  assert.equal(getPath(raw, ['spec', 'hostNetwork']), true);
  assert.equal(getPath(raw, ['spec', 'hostPID']), true);
});

test('JSON manifests parse with positions', () => {
  const text = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "j"},\n  "spec": {\n    "hostIPC": true\n  }\n}\n';
  const obj = parseManifests(text, 'p.json', 'file').objects[0]!;
  assert.equal(getPath(obj.raw, ['spec', 'hostIPC']), true);
  assert.deepEqual(obj.source.locate(['spec', 'hostIPC']), { file: 'p.json', line: 6, column: 5 });
});

test('documents that are not Kubernetes objects become notes, empty documents vanish', () => {
  const { objects, notes, errors } = parseManifests('---\nfoo: bar\n---\n- 1\n---\n', 'x.yaml', 'file');
  assert.equal(objects.length, 0);
  assert.equal(errors.length, 0);
  assert.equal(notes.length, 2);
  assert.match(notes[0]!.message, /not a Kubernetes object/);
});

// Property: for any object, locate(path) of every leaf lands on the text of that leaf's key (or list item).
const key = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/);
const leaf = fc.oneof(fc.integer(), fc.boolean(), fc.stringMatching(/^[a-z0-9 ]{0,12}$/));
const tree = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
    fc.dictionary(key, tie('node'), { minKeys: 1, maxKeys: 4 }),
  ),
})).node;

function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

test('property: locate() finds every leaf of an object dumped in block or flow style', () => {
  fc.assert(
    fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), fc.boolean(), (spec, flow) => {
      const object = { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'x' }, spec };
      const text = `# leading comment\n${dump(object, { flowLevel: flow ? 3 : -1 })}`;
      const parsed = parseManifests(text, 't.yaml', 'file').objects[0]!;
      const lines = text.split('\n');
      for (const path of leaves(spec, ['spec'])) {
        const { line, column } = parsed.source.locate(path);
        const at = lines[line - 1]!.slice(column - 1);
        const last = path[path.length - 1]!;
        if (typeof last === 'string') assert.ok(at.startsWith(last) || at.startsWith(`'${last}'`) || at.startsWith(`"${last}"`), `${formatPath(path)} → ${line}:${column} "${at}"`);
        else assert.ok(at.length > 0, `${formatPath(path)} → ${line}:${column} is empty`);
      }
    }),
    { numRuns: 300 },
  );
});
