import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requireTool } from '../../../test/e2e-tools.js';
import { collectNode } from './index.js';
import { freePort } from '../../../test/net.js';


test('the real /proc lists a running etcd started by the test', { skip: requireTool('etcd', ['--version']), timeout: 30_000 }, async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kw-etcd-'));
  const [client, peer] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const etcd = spawn('etcd', [
    '--name', 'kw-test', '--data-dir', dataDir,
    '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `kw-test=${peerUrl}`,
  ], { stdio: 'ignore', env: { ...process.env, ETCD_LOG_LEVEL: 'error' } });
  t.after(async () => {
    if (etcd.exitCode === null) {
      const exited = new Promise((resolve) => etcd.once('exit', resolve));
      etcd.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // The child's cmdline is node's until exec: poll until /proc shows etcd itself.
  const deadline = Date.now() + 15_000;
  let found;
  while (!found && Date.now() < deadline) {
    const node = await collectNode({ root: '/', proc: '/proc' });
    found = node.components.find((c) => c.component === 'etcd' && c.from === 'process' && c.argv.includes(dataDir));
    if (!found) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(found, 'etcd not found among the components');
  assert.equal(found.pid, etcd.pid);
  assert.equal(found.source, `/proc/${etcd.pid}/cmdline`);
  assert.equal(found.env.ETCD_LOG_LEVEL, 'error'); // environ is readable: the test runs as root
});
