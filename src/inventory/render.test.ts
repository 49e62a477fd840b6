import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findOnPath, helmTemplateArgs } from './render.js';

test('helm template gets the chart, then every --values file and --set value in the order given', () => {
  assert.deepEqual(helmTemplateArgs('charts/shop', { values: ['base.yaml', 'prod.yaml'], set: ['image.tag=1.2.3', 'replicas=3'] }), [
    'template', 'kubeward', 'charts/shop', '--values', 'base.yaml', '--values', 'prod.yaml', '--set', 'image.tag=1.2.3', '--set', 'replicas=3',
  ]);
  assert.deepEqual(helmTemplateArgs('c', { values: [], set: [], releaseName: 'web' }), ['template', 'web', 'c']);
});

test('findOnPath finds executables only, in PATH order', async () => {
  const a = await mkdtemp(path.join(tmpdir(), 'kubeward-path-a-'));
  const b = await mkdtemp(path.join(tmpdir(), 'kubeward-path-b-'));
  await writeFile(path.join(a, 'tool'), '#!/bin/sh\n');
  await writeFile(path.join(b, 'tool'), '#!/bin/sh\n');
  await chmod(path.join(b, 'tool'), 0o755);
  assert.equal(await findOnPath('tool', [a, b].join(path.delimiter)), path.join(b, 'tool')); // a's copy is not executable
  assert.equal(await findOnPath('tool', ''), undefined);
  await chmod(path.join(a, 'tool'), 0o755);
  assert.equal(await findOnPath('tool', [a, b].join(path.delimiter)), path.join(a, 'tool'));
});
