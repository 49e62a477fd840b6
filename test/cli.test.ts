import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli/main.js');
const fixtures = path.join(root, 'test/fixtures/attack-pods');

function kubeward(args: string[], options: { cwd?: string; input?: string } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: options.cwd ?? root, input: options.input ?? '', encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function scratch(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'kubeward-cli-'));
}

interface JsonReport {
  findings: { checkId: string; resource: { kind: string; name: string }; evidence: { path: string; position?: { file: string; line: number } }[] }[];
  suppressed: { checkId: string; suppression: { reason: string } }[];
  inputErrors: { file: string; line?: number; message: string }[];
  expiredExceptions: unknown[];
  compliance?: { controls: { id: string; status: string }[] };
}

const json = (stdout: string): JsonReport => JSON.parse(stdout) as JsonReport;
const idsFor = (report: JsonReport, name: string): string[] => [...new Set(report.findings.filter((f) => f.resource.name === name).map((f) => f.checkId))].sort();

test('--version prints the package version', () => {
  const r = kubeward(['--version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+$/);
});

test('attack pods are flagged for what they demonstrate, and the control pod for nothing host-level', () => {
  const r = kubeward(['scan', fixtures, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const report = json(r.stdout);
  const hostLevel = ['KW-WL-001', 'KW-WL-002', 'KW-WL-003', 'KW-WL-005', 'KW-WL-006', 'KW-WL-027', 'KW-WL-028'];
  assert.deepEqual(idsFor(report, 'nothing-allowed').filter((id) => hostLevel.includes(id)), []);
  for (const id of ['KW-WL-002', 'KW-WL-003', 'KW-WL-005', 'KW-WL-028']) assert.ok(idsFor(report, 'everything-allowed').includes(id), id);
  assert.ok(idsFor(report, 'hostpid').includes('KW-WL-002'));
  assert.ok(idsFor(report, 'priv').includes('KW-WL-003'));
  assert.ok(idsFor(report, 'hostpath').includes('KW-WL-005'));
  // evidence names the file and the line of the field
  const priv = report.findings.find((f) => f.checkId === 'KW-WL-003' && f.resource.name === 'priv')!;
  assert.equal(priv.evidence[0]!.path, 'spec.template.spec.containers[0].securityContext.privileged');
  assert.equal(path.basename(priv.evidence[0]!.position!.file), 'privileged.yaml');
  assert.equal(priv.evidence[0]!.position!.line, 17);
});

test('stdin, --exit-code and --severity', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec:\n  hostPID: true\n  containers: [{name: a, image: "a:1"}]\n';
  const gated = kubeward(['scan', '-', '--format', 'json', '--exit-code', '7', '--severity', 'high'], { input: pod });
  assert.equal(gated.status, 7);
  const report = json(gated.stdout);
  assert.ok(report.findings.length > 0);
  assert.ok(report.findings.every((f) => ['critical', 'high'].includes((f as unknown as { severity: string }).severity)));
  const clean = kubeward(['scan', '-', '--format', 'json', '--exit-code', '7', '--severity', 'critical'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n' });
  assert.equal(clean.status, 0);
});

test('malformed YAML: file:line:col on stderr, the rest still scanned, exit 2', async () => {
  const dir = await scratch();
  await writeFile(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [oops\n');
  await writeFile(path.join(dir, 'good.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: fine, namespace: x}\nspec:\n  hostIPC: true\n  containers: [{name: a, image: "a:1"}]\n');
  const r = kubeward(['scan', dir, '--format', 'json']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.yaml:5:\d+: invalid YAML/);
  assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
  assert.ok(json(r.stdout).findings.some((f) => f.resource.name === 'fine'));
});

test('usage errors exit 2 with a message and no stack trace', () => {
  for (const args of [['scan'], ['scan', fixtures, '--output', 'json'], ['scan', fixtures, '--severity', 'urgent'], ['scan', fixtures, '--format', 'pdf'], ['scan', fixtures, '--compliance', 'nist'], ['explain', 'KW-NOPE-999'], ['frobnicate']]) {
    const r = kubeward(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.ok(r.stderr.length > 0, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('several formats in one run with --output FORMAT=FILE, nothing else written', async () => {
  const dir = await scratch();
  const r = kubeward(['scan', fixtures, '--output', `sarif=${path.join(dir, 'r.sarif')}`, '--output', `junit=${path.join(dir, 'r.xml')}`, '--output', `html=${path.join(dir, 'r.html')}`, '--output', `json=${path.join(dir, 'r.json')}`, '--no-color']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /KW-WL-003/); // the table still goes to stdout
  assert.doesNotMatch(r.stdout, /\x1b\[/);
  assert.deepEqual((await readdir(dir)).sort(), ['r.html', 'r.json', 'r.sarif', 'r.xml']);
  const sarif = JSON.parse(await readFile(path.join(dir, 'r.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs[0]!.results.length, json(await readFile(path.join(dir, 'r.json'), 'utf8')).findings.length);
  assert.match(await readFile(path.join(dir, 'r.html'), 'utf8'), /^<!doctype html>/i);
});

test('ignore file and annotations suppress with reasons; expired entries stop suppressing', async () => {
  const dir = await scratch();
  await writeFile(path.join(dir, 'ignore.yaml'), `exceptions:
  - check: KW-WL-003
    kind: DaemonSet
    name: priv
    reason: node agent needs it
    expires: 2999-01-01
  - check: KW-WL-005
    name: hostpath
    reason: old exception
    expires: 2001-01-01
`);
  const r = kubeward(['scan', fixtures, '--format', 'json', '--ignore-file', path.join(dir, 'ignore.yaml'), '--show-suppressed']);
  assert.equal(r.status, 0, r.stderr);
  const report = json(r.stdout);
  assert.ok(!report.findings.some((f) => f.checkId === 'KW-WL-003' && f.resource.name === 'priv'));
  assert.ok(report.suppressed.some((s) => s.checkId === 'KW-WL-003' && s.suppression.reason === 'node agent needs it'));
  assert.ok(report.findings.some((f) => f.checkId === 'KW-WL-005' && f.resource.name === 'hostpath'));
  assert.equal(report.expiredExceptions.length, 1);
  const table = kubeward(['scan', fixtures, '--ignore-file', path.join(dir, 'ignore.yaml'), '--show-suppressed', '--no-color']);
  assert.match(table.stdout, /node agent needs it/);
});

test('kubeward.yaml supplies defaults that flags override; a bad key is an error with its line', async () => {
  const dir = await scratch();
  await writeFile(path.join(dir, 'kubeward.yaml'), 'format: json\nseverity: critical\n');
  const fromConfig = kubeward(['scan', fixtures], { cwd: dir });
  assert.equal(fromConfig.status, 0, fromConfig.stderr);
  const report = json(fromConfig.stdout);
  assert.ok(report.findings.length > 0);
  assert.ok(report.findings.every((f) => (f as unknown as { severity: string }).severity === 'critical'));
  const overridden = kubeward(['scan', fixtures, '--format', 'table', '--no-color'], { cwd: dir });
  assert.match(overridden.stdout, /CRITICAL/);
  await writeFile(path.join(dir, 'kubeward.yaml'), 'format: json\nsevirity: high\n');
  const bad = kubeward(['scan', fixtures], { cwd: dir });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /kubeward\.yaml:2: unknown key `sevirity`/);
});

test('--compliance prints a per-control summary with fail, pass and not-evaluated', () => {
  const r = kubeward(['scan', fixtures, '--format', 'json', '--compliance', 'cis-policies']);
  assert.equal(r.status, 0, r.stderr);
  const controls = json(r.stdout).compliance!.controls;
  const status = (id: string): string | undefined => controls.find((c) => c.id === id)?.status;
  assert.equal(status('5.2.2'), 'fail'); // privileged
  assert.equal(status('5.2.12'), 'pass'); // no hostPort in the fixtures
  assert.equal(status('5.1.1'), 'not-evaluated'); // needs RBAC analysis
  const table = kubeward(['scan', fixtures, '--compliance', 'pss-baseline', '--no-color']);
  assert.match(table.stdout, /pss-baseline|Pod Security Standards/i);
});

test('checks lists the catalog; explain prints one check; docs/checks.md is generated from it', async () => {
  const list = kubeward(['checks']);
  assert.equal(list.status, 0);
  assert.match(list.stdout, /KW-WL-003\s+CRITICAL\s+workloads/);
  const explain = kubeward(['explain', 'kw-wl-003']);
  assert.equal(explain.status, 0);
  assert.match(explain.stdout, /How to fix it/);
  assert.match(explain.stdout, /CIS 5\.2\.2/);
  const markdown = kubeward(['checks', '--format', 'markdown']);
  assert.equal(await readFile(path.join(root, 'docs/checks.md'), 'utf8'), markdown.stdout, 'docs/checks.md is out of date: run `npm run docs`');
});

test('npm start: the demo scan prints the table and writes kubeward-report.html, nothing else', async () => {
  const dir = await scratch();
  await cp(path.join(root, 'examples'), path.join(dir, 'examples'), { recursive: true });
  const start = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [node, script, ...args] = start.split(' ');
  assert.equal(node, 'node');
  const r = spawnSync(process.execPath, [path.join(root, script!), ...args], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /WORKLOADS/);
  assert.match(r.stdout, /KW-WL-003/);
  assert.deepEqual((await readdir(dir)).sort(), ['examples', 'kubeward-report.html']);
  assert.match(await readFile(path.join(dir, 'kubeward-report.html'), 'utf8'), /node-agent/);
});

test('the bundled demo scans with findings in every part of it', () => {
  const r = kubeward(['scan', 'examples/demo', '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const report = json(r.stdout);
  const names = new Set(report.findings.map((f) => f.resource.name));
  for (const name of ['storefront', 'orders-api', 'postgres', 'node-agent', 'nightly-reports']) assert.ok(names.has(name), name);
  assert.ok(report.suppressed.some((s) => s.checkId === 'KW-WL-026'));
});

test('on a terminal: a progress line on stderr and a coloured table; --quiet and --no-color turn them off', (t) => {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    if (process.env.KUBEWARD_REQUIRE_E2E === '1') assert.fail('script (util-linux) is needed to give the CLI a terminal');
    return t.skip('script (util-linux) is not installed');
  }
  // `script` runs the command on a pseudo-terminal: stdout and stderr are both TTYs there
  const onTty = (args: string): string =>
    spawnSync('script', ['-qec', `${process.execPath} ${cli} ${args}`, '/dev/null'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } }).stdout;
  const plain = onTty(`scan ${fixtures}`);
  assert.match(plain, /kubeward: read \d+ input\(s\)/);
  assert.match(plain, /\x1b\[[0-9;]*m/);
  const quiet = onTty(`scan ${fixtures} --quiet --no-color`);
  assert.doesNotMatch(quiet, /kubeward: read/);
  assert.doesNotMatch(quiet, /\x1b\[[0-9;]*m/);
  assert.match(quiet, /KW-WL-003/);
});
