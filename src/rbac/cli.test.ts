// The functions behind `kubeward rbac can-i | who-can | permissions`, and the commands registered
// on a commander program in a child process (exit codes as the shell sees them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCanI, runPermissions, runWhoCan, type RbacIo } from '../cli/rbac.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = path.join(root, 'test/fixtures/rbac');
const policy = path.join(fixtures, 'default-policy.yaml');
const team = path.join(fixtures, 'team.yaml');

function capture(stdin?: string): RbacIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
    out: () => out,
    err: () => err,
  };
}

test('can-i prints yes or no first and exits 0 or 1', async () => {
  const yes = capture();
  assert.equal(await runCanI('get', 'secrets', undefined, { as: 'alice', namespace: 'dev', filename: [fixtures], quiet: true }, yes), 0);
  assert.equal(yes.out(), 'yes\n');
  assert.equal(yes.err(), '');
  const no = capture();
  assert.equal(await runCanI('get', 'secrets', undefined, { as: 'bob', namespace: 'prod', filename: [fixtures], quiet: true }, no), 1);
  assert.equal(no.out(), 'no\n');
});

test('can-i --explain shows binding (file:line) → role → rule for a yes', async () => {
  const io = capture();
  assert.equal(await runCanI('create', 'pods/binding', undefined, { as: 'system:kube-scheduler', namespace: 'default', filename: [policy], explain: true }, io), 0);
  const lines = io.out().split('\n');
  assert.equal(lines[0], 'yes');
  assert.match(io.out(), /ClusterRoleBinding system:kube-scheduler \(.*default-policy\.yaml:203\), subject User system:kube-scheduler/);
  assert.match(io.out(), /→ ClusterRole system:kube-scheduler\n/);
  assert.match(io.out(), /→ rule 2: \{apiGroups: \[""\], resources: \[bindings, pods\/binding\], verbs: \[create\]\}/);
});

test('can-i --explain says why not: closest rules and grants elsewhere', async () => {
  const io = capture();
  assert.equal(await runCanI('delete', 'secrets', undefined, { as: 'alice', namespace: 'prod', filename: [policy, team], explain: true }, io), 1);
  const out = io.out();
  assert.match(out, /^no\n/);
  assert.match(out, /User alice \(groups: system:authenticated\) may not delete secrets in namespace prod\./);
  assert.match(out, /Why not: 3 binding\(s\) apply/);
  assert.match(out, /Would be allowed elsewhere, not here:\n {2}RoleBinding dev\/alice-admin/);
  assert.match(out, /but a RoleBinding grants only in its namespace \(dev\), not in prod/);

  const near = capture();
  await runCanI('list', 'configmaps', undefined, { as: 'dave', namespace: 'dev', filename: [policy, team], explain: true }, near);
  assert.match(near.out(), /closest rules:\n {4}Role dev\/app-config rule 0/);
  assert.match(near.out(), /- the rule is limited to resourceNames \[app-config\] and the request has no name/);
});

test('can-i --format json carries the decision and the diagnostics', async () => {
  const io = capture();
  assert.equal(await runCanI('update', 'deployments.apps/scale', 'web', { as: 'system:serviceaccount:kube-system:autoscaler', namespace: 'dev', filename: [fixtures], format: 'json', quiet: true }, io), 0);
  const decision = JSON.parse(io.out()) as { allowed: boolean; request: Record<string, string>; grants: { binding: { name: string }; rule: { text: string } }[]; diagnostics: { code: string }[] };
  assert.equal(decision.allowed, true);
  assert.deepEqual(decision.request, { verb: 'update', apiGroup: 'apps', resource: 'deployments', subresource: 'scale', name: 'web', namespace: 'dev' });
  assert.equal(decision.grants[0]!.binding.name, 'autoscaler-scaler');
  assert.ok(decision.diagnostics.some((d) => d.code === 'missing-role'));
});

test('non-resource URLs and service accounts from the command line', async () => {
  assert.equal(await runCanI('get', '/healthz', undefined, { as: 'system:anonymous', filename: [policy], quiet: true }, capture()), 0);
  assert.equal(await runCanI('get', '/api', undefined, { as: 'system:anonymous', filename: [policy], quiet: true }, capture()), 1);
  assert.equal(await runCanI('create', 'pods', undefined, { as: 'system:serviceaccount:dev:ci', namespace: 'dev', filename: [policy, team], quiet: true, subresource: 'exec' }, capture()), 0);
  assert.equal(await runCanI('escalate', 'clusterroles', undefined, { as: 'root', asGroup: ['system:masters'], filename: [policy], quiet: true }, capture()), 0);
});

test('usage errors exit 2 with one line on stderr', async () => {
  const cases: [string, () => Promise<number>, RegExp][] = [];
  const add = (what: string, run: (io: RbacIo) => Promise<number>, message: RegExp): void => {
    const io = capture();
    cases.push([what, async () => {
      const code = await run(io);
      assert.equal(io.out(), '', what);
      assert.match(io.err(), message, what);
      assert.equal(io.err().trim().split('\n').length, 1, what);
      return code;
    }, message]);
  };
  add('no --as', (io) => runCanI('get', 'pods', undefined, { filename: [policy] }, io), /--as SUBJECT is required/);
  add('bad service account', (io) => runCanI('get', 'pods', undefined, { as: 'system:serviceaccount:dev', filename: [policy] }, io), /expected system:serviceaccount:NAMESPACE:NAME/);
  add('no input', (io) => runCanI('get', 'pods', undefined, { as: 'alice' }, io), /give manifests with -f PATH/);
  add('bad resource', (io) => runCanI('get', 'pods/', undefined, { as: 'alice', filename: [policy], quiet: true }, io), /invalid resource "pods\/"/);
  add('-n and -A', (io) => runWhoCan('get', 'pods', undefined, { namespace: 'dev', allNamespaces: true, filename: [policy] }, io), /exclude each other/);
  add('name on a URL', (io) => runWhoCan('get', '/healthz', 'x', { filename: [policy], quiet: true }, io), /takes no resource name/);
  for (const [what, run] of cases) assert.equal(await run(), 2, what);
});

test('input errors are reported as in scan (file:line:col, one line each), the answer is still given, exit 2', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'kubeward-rbac-'));
  await writeFile(path.join(dir, 'broken.yaml'), 'kind: Role\nmetadata:\n  name: [x\n');
  const io = capture();
  const code = await runCanI('get', 'secrets', undefined, { as: 'alice', namespace: 'dev', filename: [policy, team, dir, path.join(dir, 'missing.yaml')], quiet: true }, io);
  assert.equal(code, 2);
  assert.equal(io.out(), 'yes\n');
  assert.match(io.err(), /2 input error\(s\); the rest was read:/);
  assert.match(io.err(), /broken\.yaml:\d+:\d+: /);
  assert.match(io.err(), /missing\.yaml: no such file or directory/);
});

test('- reads stdin; diagnostics go to stderr unless --quiet', async () => {
  const yaml = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata: {name: dangling, namespace: dev}',
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: nope}',
    'subjects: [{kind: User, name: alice}]',
    '',
  ].join('\n');
  const io = capture(yaml);
  assert.equal(await runCanI('get', 'pods', undefined, { as: 'alice', namespace: 'dev', filename: ['-'], explain: true }, io), 1);
  assert.match(io.err(), /^kubeward: error: <stdin>:4:\d+: RoleBinding dev\/dangling: Role nope in namespace dev not found; the binding grants nothing$/m);
  assert.match(io.out(), /Broken bindings of this subject/);
  const quiet = capture(yaml);
  await runCanI('get', 'pods', undefined, { as: 'alice', namespace: 'dev', filename: ['-'], quiet: true }, quiet);
  assert.equal(quiet.err(), '');
});

test('who-can lists each subject with binding → role → rule', async () => {
  const io = capture();
  assert.equal(await runWhoCan('get', 'secrets', undefined, { namespace: 'dev', filename: [fixtures], quiet: true }, io), 0);
  const out = io.out();
  assert.match(out, /^Who can get secrets in namespace dev:/);
  assert.match(out, /\nUser alice\n {2}namespace dev: RoleBinding dev\/alice-admin \(.*team\.yaml:3\) → ClusterRole admin \(aggregated\) → rule 0 \(from ClusterRole system:aggregate-to-edit\)/);
  assert.match(out, /\nServiceAccount dev\/ci\n/);
  assert.match(out, /\nGroup system:masters\n {2}cluster-wide: ClusterRoleBinding cluster-admin/);
  assert.doesNotMatch(out, /User bob/);
  assert.match(out, /3 subject\(s\)\. Always allowed as well, before RBAC: Group system:masters\./);

  const all = capture();
  await runWhoCan('list', 'pods', undefined, { allNamespaces: true, filename: [fixtures], quiet: true, format: 'json' }, all);
  const result = JSON.parse(all.out()) as { allNamespaces: boolean; entries: { subject: { name: string } }[] };
  assert.equal(result.allNamespaces, true);
  for (const name of ['alice', 'bob', 'carol', 'ci', 'prometheus']) assert.ok(result.entries.some((e) => e.subject.name === name), name);
});

test('permissions prints the effective rules per namespace, with what a RoleBinding cannot grant', async () => {
  const io = capture();
  assert.equal(await runPermissions('carol', { filename: [fixtures], quiet: true }, io), 0);
  const out = io.out();
  assert.match(out, /^User carol \(groups: system:authenticated\)\n\ncluster-wide \(ClusterRoleBindings\):/);
  assert.match(out, /\nnamespace dev:\n {2}\{apiGroups: \[""\], resources: \[nodes, namespaces, pods\], verbs: \[get, list\]\}/);
  assert.match(out, /note: cluster-scoped resources have no effect through a RoleBinding: nodes/);
  const filtered = capture();
  await runPermissions('alice', { filename: [fixtures], quiet: true, namespace: 'prod' }, filtered);
  assert.doesNotMatch(filtered.out(), /namespace dev:/);
});

test('the registered commands: exit codes and usage errors through commander', () => {
  const script = [
    "import { Command, CommanderError } from 'commander';",
    "import { registerRbacCommands } from './src/cli/rbac.ts';",
    "const program = new Command('kubeward').exitOverride().configureOutput({ outputError: (t, w) => w(t) });",
    "registerRbacCommands(program, '0.0.0');",
    "try { await program.parseAsync(process.argv.slice(1), { from: 'user' }); }",
    'catch (e) { if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2; else throw e; }',
  ].join('\n');
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], { cwd: root, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const yes = run('rbac', 'can-i', '--as', 'alice', 'get', 'secrets', '-n', 'dev', '-f', fixtures, '-q');
  assert.deepEqual([yes.status, yes.stdout], [0, 'yes\n'], yes.stderr);
  const no = run('rbac', 'can-i', 'get', 'nodes', '--as', 'carol', '-f', policy, '-f', team, '-q');
  assert.deepEqual([no.status, no.stdout], [1, 'no\n'], no.stderr);
  const usage = run('rbac', 'can-i', '--as', 'alice');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /missing required argument/);
  const format = run('rbac', 'who-can', 'get', 'pods', '-f', policy, '--format', 'yaml');
  assert.equal(format.status, 2);
  const who = run('rbac', 'who-can', 'create', 'pods/binding', '-n', 'x', '-f', policy, '-q');
  assert.equal(who.status, 0);
  assert.match(who.stdout, /User system:kube-scheduler/);
});
