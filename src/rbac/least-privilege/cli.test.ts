// `kubeward rbac least-privilege` and the wiring of src/cli/rbac-extra.ts: outputs, exit codes,
// one-line errors, and commander registration (usage errors are commander errors: exit 2 in main).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { loadAll } from 'js-yaml';
import { registerGraphCommand, registerLeastPrivilegeCommand, runLeastPrivilege, type LeastPrivilegeOptions, type RbacExtraIo } from '../../cli/rbac-extra.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/audit/${name}`, import.meta.url));
const logFile = fixture('cluster.log');

async function run(options: LeastPrivilegeOptions, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: RbacExtraIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), ...(stdin !== undefined ? { stdin: Readable.from([Buffer.from(stdin)]) } : {}) };
  const code = await runLeastPrivilege(options, io);
  return { code, stdout, stderr };
}

const docs = (yaml: string): unknown[] => loadAll(yaml).filter((d) => d !== null && d !== undefined);

/** The fixture log without its malformed lines (10, 31, 45). */
async function cleanLog(): Promise<string> {
  const lines = (await readFile(logFile, 'utf8')).split('\n');
  return lines.filter((_, i) => ![10, 31, 45].includes(i + 1)).join('\n');
}

test('yaml (default): the roles on stdout, the malformed lines on stderr as file:line, exit 2', async () => {
  const r = await run({ auditLog: [logFile], filename: [fixture('rbac.yaml')] });
  assert.equal(r.code, 2);
  assert.deepEqual(docs(r.stdout), docs(await readFile(fixture('cluster.expected.yaml'), 'utf8')));
  const errors = r.stderr.split('\n').filter((l) => l.includes(`${logFile}:`));
  assert.deepEqual(errors.map((l) => l.trim().replace(/ \(.*$/, '')), [`${logFile}:10: not JSON`, `${logFile}:31: not an audit event`, `${logFile}:45: missing verb`]);
  assert.match(r.stderr, /kubeward: 3 audit log error\(s\); those lines were skipped, the rest was read:/);
  // the side report: denied requests and never-used grants, riskiest first
  assert.match(r.stderr, /ServiceAccount kube-system\/pod-watcher \(system:serviceaccount:kube-system:pod-watcher\)\n Denied \(not granted\):\n {2}COUNT {2}REQUEST {7}WHERE/);
  assert.match(r.stderr, /Granted but never used \(current RBAC\), riskiest first:\n {2}RISK .*\n {2}high {4}cluster-wide {2}get,list {2}secrets/);
});

test('a clean log from stdin: exit 0; --quiet leaves stderr empty', async () => {
  const r = await run({ auditLog: ['-'], quiet: true }, await cleanLog());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(docs(r.stdout), docs(await readFile(fixture('cluster.expected.yaml'), 'utf8')));
  assert.match(r.stdout, /^# from the audit log -$/m);
});

test('--subject keeps one subject; a ServiceAccount becomes a ServiceAccount subject', async () => {
  const r = await run({ auditLog: ['-'], subject: 'system:serviceaccount:shop:deployer', format: 'json' }, await cleanLog());
  assert.equal(r.code, 0);
  const report = JSON.parse(r.stdout) as { subjects: { username: string; subject: unknown; objects: { kind: string; subjects?: unknown[] }[]; unused: unknown }[]; rbac: boolean };
  assert.deepEqual(report.subjects.map((s) => s.username), ['system:serviceaccount:shop:deployer']);
  assert.deepEqual(report.subjects[0]!.subject, { kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' });
  assert.deepEqual(report.subjects[0]!.objects.map((o) => o.kind), ['Role', 'RoleBinding']);
  assert.deepEqual(report.subjects[0]!.objects[1]!.subjects, [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' }]);
  assert.equal(report.rbac, false);
  assert.equal(report.subjects[0]!.unused, null, 'no -f: no never-used report');
  const none = await run({ auditLog: ['-'], subject: 'nobody' }, await cleanLog());
  assert.equal(none.code, 0);
  assert.match(none.stderr, /kubeward: note: no request of nobody in the audit log/);
  assert.match(none.stdout, /^# User nobody: nothing to grant \(0 request\(s\), 0 denied\)$/m);
});

test('json: the whole report; table: what is needed, denied, and never used', async () => {
  const json = await run({ auditLog: [logFile], filename: [fixture('rbac.yaml')], format: 'json' });
  const report = JSON.parse(json.stdout) as {
    log: { requests: number; errorCount: number; errors: { file: string; line: number; message: string; text: string }[] };
    subjects: { username: string; deniedRequests: { request: unknown; count: number }[]; unused: { risk: string }[]; resourceNameNotes: unknown[] }[];
  };
  assert.equal(report.log.requests, 29);
  assert.equal(report.log.errors[2]!.text, `${logFile}:45: missing verb`);
  const ci = report.subjects.find((s) => s.username === 'ci-bot')!;
  assert.deepEqual(ci.deniedRequests.map((d) => [d.request, d.count]), [
    [{ verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: 'prod' }, 1],
    [{ verb: 'create', apiGroup: '', resource: 'secrets', namespace: 'shop' }, 1],
  ]);
  assert.deepEqual(ci.unused.map((u) => u.risk), ['critical', 'critical', 'high', 'medium', 'low']);
  assert.equal(ci.resourceNameNotes.length, 5);

  const table = await run({ auditLog: [logFile], filename: [fixture('rbac.yaml')], format: 'table' });
  assert.equal(table.code, 2);
  assert.match(table.stdout, /^User ci-bot: 12 request\(s\), 10 allowed, 2 denied;/m);
  assert.match(table.stdout, /^ {2}shop {3}apps {6}deployments\/scale {2}patch {8}orders, web$/m);
  assert.match(table.stdout, /^ {2}1 {6}delete deployments\.apps {2}prod {3}orders {2}HTTP 403$/m);
  assert.match(table.stdout, /^ {2}critical +shop +\* +deployments\.apps +RoleBinding shop\/ci-bot → ClusterRole deployer \(User ci-bot\) +wildcard, used only for: create deployments\.apps, get/m);
});

test('usage errors: one line, exit 2', async () => {
  const cases: [LeastPrivilegeOptions, RegExp][] = [
    [{}, /^kubeward: --audit-log FILE is required/],
    [{ auditLog: [logFile], maxResourceNames: 'many' }, /^kubeward: --max-resource-names takes a whole number, not "many"\n$/],
    [{ auditLog: [logFile], maxResourceNames: '-1' }, /whole number/],
    [{ auditLog: [logFile], subject: 'system:serviceaccount:only-namespace' }, /^kubeward: invalid service account "system:serviceaccount:only-namespace": expected system:serviceaccount:NAMESPACE:NAME\n$/],
    [{ auditLog: ['-', '-'] }, /stdin\) given twice/],
    [{ auditLog: ['-'], filename: ['-'] }, /stdin cannot be both/],
  ];
  for (const [options, message] of cases) {
    const r = await run(options);
    assert.equal(r.code, 2, JSON.stringify(options));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});

test('input errors: an unreadable log and bad manifests are one line each, exit 2, the rest is still reported', async () => {
  const r = await run({ auditLog: ['/nonexistent/audit.log', logFile], filename: ['/nonexistent/rbac.yaml', fixture('rbac.yaml')], quiet: true });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^ {2}\/nonexistent\/audit\.log: no such file$/m);
  assert.match(r.stderr, /^ {2}\/nonexistent\/rbac\.yaml: /m);
  assert.equal(docs(r.stdout).length, 14);
});

test('commander: both commands register under rbac with their options; a bad --format is a usage error', async () => {
  const program = new Command('kubeward').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  const rbac = program.command('rbac');
  registerLeastPrivilegeCommand(rbac);
  registerGraphCommand(rbac);
  const lp = rbac.commands.find((c) => c.name() === 'least-privilege')!;
  const graph = rbac.commands.find((c) => c.name() === 'graph')!;
  assert.deepEqual(lp.options.map((o) => o.long), ['--audit-log', '--subject', '--filename', '--format', '--max-resource-names', '--quiet']);
  assert.equal(lp.options.find((o) => o.long === '--filename')!.short, '-f');
  assert.deepEqual(graph.options.map((o) => o.long), ['--filename', '--format', '--subject', '--namespace', '--workloads', '--quiet']);
  for (const args of [['least-privilege', '--audit-log', 'x', '--format', 'xml'], ['graph', '-f', 'x', '--format', 'png'], ['graph', '--bogus']]) {
    await assert.rejects(program.parseAsync(['rbac', ...args], { from: 'user' }), (e: unknown) => e instanceof CommanderError && e.exitCode !== 0, args.join(' '));
  }
});

test('rbac-extra.ts loads nothing but commander and the tiny CLI common module until a command runs (kubeward --version stays fast)', async () => {
  const source = await readFile(fileURLToPath(new URL('../../cli/rbac-extra.ts', import.meta.url)), 'utf8');
  const staticImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
  assert.deepEqual(staticImports, ['commander', './common.js']);
  const common = await readFile(fileURLToPath(new URL('../../cli/common.ts', import.meta.url)), 'utf8');
  assert.doesNotMatch(common, /^import\s+(?!type\b)/m, 'common.ts imports nothing at run time');
});
