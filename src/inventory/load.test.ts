import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, chmod, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadInventory } from './load.js';
import { requireTool } from '../../test/e2e-tools.js';

const deployment = (name: string, namespace?: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: app
          image: example/${name}:1.0
`;

async function tree(files: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'kubeward-load-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), content);
  }
  return root;
}

test('directories are read recursively; only YAML/JSON files, no hidden folders', async () => {
  const root = await tree({
    'a.yaml': deployment('a'),
    'sub/b.yml': deployment('b', 'shop'),
    'sub/deeper/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
    'README.md': '# not a manifest',
    '.git/config.yaml': deployment('hidden'),
  });
  const result = await loadInventory([root]);
  assert.deepEqual(result.inventory.objects.map((o) => o.name).sort(), ['a', 'b', 'c']);
  assert.deepEqual(result.errors, []);
  const b = result.inventory.objects.find((o) => o.name === 'b')!;
  assert.equal(b.namespace, 'shop');
  assert.equal(b.namespaceDefaulted, false);
  assert.equal(b.source.file, path.join(root, 'sub/b.yml'));
  const a = result.inventory.objects.find((o) => o.name === 'a')!;
  assert.equal(a.namespace, 'default');
  assert.equal(a.namespaceDefaulted, true);
});

test('stdin is read with -', async () => {
  const result = await loadInventory(['-'], { stdin: Readable.from([deployment('from-stdin')]) });
  assert.equal(result.inventory.objects[0]!.name, 'from-stdin');
  assert.equal(result.inventory.objects[0]!.source.file, '<stdin>');
});

test('bad inputs each get a one-line error and do not stop the others', async () => {
  const root = await tree({
    'good.yaml': deployment('good'),
    'binary.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
    'huge.yaml': `# ${'x'.repeat(3000)}\n${deployment('huge')}`,
    'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n',
  });
  const result = await loadInventory([root, path.join(root, 'missing.yaml')], { maxFileBytes: 2000 });
  assert.deepEqual(result.inventory.objects.map((o) => o.name), ['good']);
  const byFile = Object.fromEntries(result.errors.map((e) => [path.basename(e.file), e]));
  assert.match(byFile['binary.yaml']!.message, /binary file/);
  assert.match(byFile['huge.yaml']!.message, /over the 2000-byte limit/);
  assert.match(byFile['broken.yaml']!.message, /invalid YAML/);
  assert.equal(byFile['broken.yaml']!.line, 5);
  assert.match(byFile['missing.yaml']!.message, /no such file/);
  for (const e of result.errors) assert.equal(e.message.includes('\n'), false);
});

test('unreadable entries are reported, not fatal: a dangling symlink, and (not as root) a file without read permission', async () => {
  const root = await tree({ 'ok.yaml': deployment('ok'), 'locked.yaml': deployment('locked') });
  await symlink(path.join(root, 'gone.yaml'), path.join(root, 'dangling.yaml'));
  const asRoot = process.getuid?.() === 0; // root reads files whatever their mode
  if (!asRoot) await chmod(path.join(root, 'locked.yaml'), 0o000);
  const result = await loadInventory([root]);
  assert.deepEqual(result.inventory.objects.map((o) => o.name).sort(), asRoot ? ['locked', 'ok'] : ['ok']);
  const messages = Object.fromEntries(result.errors.map((e) => [path.basename(e.file), e.message]));
  assert.equal(messages['dangling.yaml'], 'no such file or directory');
  if (!asRoot) assert.equal(messages['locked.yaml'], 'permission denied');
});

test('symlink loops are followed once', async () => {
  const root = await tree({ 'a.yaml': deployment('a') });
  await symlink(root, path.join(root, 'loop'));
  const result = await loadInventory([root]);
  assert.deepEqual(result.inventory.objects.map((o) => o.name), ['a']);
  assert.deepEqual(result.errors, []);
});

test('a Helm chart without helm on PATH is reported as not evaluated, never as clean', async () => {
  const root = await tree({ 'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n', 'chart/templates/d.yaml': deployment('{{ .Release.Name }}') });
  const savedPath = process.env.PATH;
  process.env.PATH = await mkdtemp(path.join(tmpdir(), 'kubeward-empty-path-'));
  try {
    const result = await loadInventory([root]);
    assert.equal(result.inventory.objects.length, 0);
    assert.deepEqual(result.notEvaluated, [{ target: path.join(root, 'chart'), reason: 'Helm chart not evaluated: helm not found on PATH' }]);
    assert.deepEqual(result.errors, []);
  } finally {
    process.env.PATH = savedPath;
  }
});

test('a kustomization is rendered with kubectl kustomize, and findings point into the original files', async (t) => {
  const skip = requireTool('kubectl', ['version', '--client']);
  if (skip) return t.skip(skip);
  const root = await tree({
    'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - other.yaml\n',
    'base/deployment.yaml': deployment('web'),
    'base/other.yaml': `${deployment('worker')}---\n${deployment('web-canary')}`,
    'app/kustomization.yaml': 'namespace: shop\nnamePrefix: prod-\nresources:\n  - ../base\npatches:\n  - target: {kind: Deployment, name: worker}\n    patch: |\n      - op: add\n        path: /spec/template/spec/hostPID\n        value: true\n',
  });
  const before = await readdir(path.join(root, 'app'));
  const result = await loadInventory([path.join(root, 'app')]);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(await readdir(path.join(root, 'app')), before, 'nothing is written into the kustomization');
  const byName = Object.fromEntries(result.inventory.objects.map((o) => [o.name, o]));
  assert.deepEqual(Object.keys(byName).sort(), ['prod-web', 'prod-web-canary', 'prod-worker']);
  const web = byName['prod-web']!;
  assert.equal(web.namespace, 'shop');
  assert.equal(web.source.origin, 'kustomize');
  assert.equal(path.resolve(web.source.file), path.join(root, 'base/deployment.yaml'));
  assert.equal(web.annotations['config.kubernetes.io/origin'], undefined, 'the origin annotation kubeward asked for is removed');
  // a field of the base file is located exactly; the field a patch added, at its closest ancestor in that file
  assert.equal(web.source.locate(['spec', 'template', 'spec', 'containers', 0, 'image']).line, 12);
  const canary = byName['prod-web-canary']!;
  assert.equal(path.resolve(canary.source.file), path.join(root, 'base/other.yaml'));
  assert.equal(canary.source.line, 14);
  const worker = byName['prod-worker']!;
  assert.equal(worker.object.spec && (worker.object.spec as { template: { spec: { hostPID?: boolean } } }).template.spec.hostPID, true);
  assert.equal(worker.source.locate(['spec', 'template', 'spec', 'hostPID']).line, 9);
});

test('a broken kustomization is an input error', async (t) => {
  const skip = requireTool('kubectl', ['version', '--client']);
  if (skip) return t.skip(skip);
  const root = await tree({ 'app/kustomization.yaml': 'resources:\n  - does-not-exist.yaml\n' });
  const result = await loadInventory([root]);
  assert.equal(result.errors.length, 1);
  assert.match(result.errors[0]!.message, /kubectl kustomize failed/);
  assert.equal(result.notEvaluated.length, 1);
});
