// `kubeward probe` end to end through commander, in a child process: exit codes, report options, stderr.
// main.ts does not register the command yet, so a small harness does what main.ts does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fakeServer, freePort, scratchDir, status, type FakeServer } from './fixtures.test.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const HARNESS = `
import { Command, CommanderError } from ${JSON.stringify(pathToFileURL(path.join(root, 'node_modules/commander/esm.mjs')).href)};
import { registerProbeCommand } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/cli/probe.ts')).href)};
const program = new Command('kubeward').exitOverride().configureOutput({ outputError: (text, write) => write(text) });
registerProbeCommand(program, '9.9.9-test');
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else { process.stderr.write(String(error.stack)); process.exitCode = 3; }
}
`;

interface Run { status: number | null; stdout: string; stderr: string }

describe('kubeward probe (CLI)', () => {
  let scratch: { dir: string; remove: () => Promise<void> };
  let harness: string;
  let api: FakeServer;

  const kubeward = (args: string[]): Promise<Run> => new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', harness, 'probe', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code, stdout, stderr });
    });
  });

  before(async () => {
    scratch = await scratchDir('kubeward-probe-cli-');
    harness = path.join(scratch.dir, 'harness.mts');
    await writeFile(harness, HARNESS);
    api = await fakeServer({
      '/version': { status: 200, body: { gitVersion: 'v1.30.1' } },
      '/api/v1/secrets': { status: 200, body: { kind: 'SecretList', metadata: {}, items: [] } },
      '/api': status(403, 'forbidden: User "system:anonymous" cannot get path "/api"'),
    });
  });
  after(async () => {
    await api.close();
    await scratch.remove();
  });

  test('usage errors exit 2 with one line on stderr', { timeout: 60_000 }, async () => {
    const cases: [string[], RegExp][] = [
      [[], /name at least one target: --api URL, --kubelet HOST\[:PORT\] or --etcd URL/],
      [['--api', 'not a url'], /--api "not a url" is not a URL/],
      [['--api', 'https://127.0.0.1:1', '--timeout', 'soon'], /--timeout takes milliseconds/],
      [['--api', 'https://127.0.0.1:1', '--format', 'xml'], /argument 'xml' is invalid/],
      [['--api', 'https://127.0.0.1:1', '--output', 'xml=out'], /unknown format xml/],
      [['--api', 'https://127.0.0.1:1', '--severity', 'extreme'], /unknown severity extreme/],
      [['--api', 'https://127.0.0.1:1', '--exit-code', '-1'], /--exit-code takes a whole number/],
      [['--api', 'https://127.0.0.1:1', '--read-only-port', '10255'], /--read-only-port goes with --kubelet/],
      [['--kubelet', '127.0.0.1', '--read-only-port', '70000'], /--read-only-port takes a port number/],
      [['--api', 'https://127.0.0.1:1', '--cacert', '/nonexistent/ca.pem'], /cannot read --cacert \/nonexistent\/ca\.pem/],
    ];
    const runs = await Promise.all(cases.map(([args]) => kubeward(args)));
    runs.forEach((r, i) => {
      const [args, message] = cases[i]!;
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  });

  test('a JSON report on stdout, an extra SARIF file, --exit-code when findings remain, quiet stderr', { timeout: 60_000 }, async () => {
    const sarif = path.join(scratch.dir, 'probe.sarif');
    const r = await kubeward(['--api', api.url, '--format', 'json', '--output', `sarif=${sarif}`, '--exit-code', '4', '--quiet']);
    assert.equal(r.status, 4, r.stderr);
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout) as { command: string; inputs: string[]; findings: { checkId: string; evidence: { path: string; value: number }[] }[]; tool: { version: string } };
    assert.match(report.command, /^kubeward probe --api http:\/\/127\.0\.0\.1:\d+ --format json/);
    assert.deepEqual(report.inputs, [api.url]);
    assert.equal(report.tool.version, '9.9.9-test');
    assert.deepEqual(report.findings.map((f) => f.checkId).sort(), ['KW-PRB-001', 'KW-PRB-002', 'KW-PRB-005', 'KW-PRB-007']);
    const file = JSON.parse(await readFile(sarif, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    assert.ok(file.runs[0]!.results.some((x) => x.ruleId === 'KW-PRB-005'));
  });

  test('--severity keeps only what was asked for; the table goes to stdout', { timeout: 60_000 }, async () => {
    const r = await kubeward(['--api', api.url, '--severity', 'critical', '--exit-code', '1', '--no-color']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /CRITICAL\s+KW-PRB-005\s+Anonymous users can read secrets/);
    assert.doesNotMatch(r.stdout, /KW-PRB-001|KW-PRB-007/);
    assert.doesNotMatch(r.stdout, /\u001b\[/);
  });

  test('an unreachable target: exit 0 (nothing found), the checks listed as not evaluated, a note on stderr unless --quiet', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const r = await kubeward(['--etcd', `https://127.0.0.1:${port}`, '--exit-code', '5']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Not evaluated \(3\):/);
    assert.match(r.stdout, /KW-PRB-020…022: not evaluated for Etcd https:\/\/127\.0\.0\.1:\d+, because [^]*?connection refused \(ECONNREFUSED\)/);
    assert.match(r.stderr, /kubeward: note: 3 check\(s\) not evaluated; the report says why/);
    const quiet = await kubeward(['--etcd', `https://127.0.0.1:${port}`, '-q']);
    assert.equal(quiet.stderr, '');
  });

  test('--cacert must hold a PEM certificate', { timeout: 60_000 }, async () => {
    const notPem = path.join(scratch.dir, 'not.pem');
    await writeFile(notPem, 'hello');
    const r = await kubeward(['--api', api.url, '--cacert', notPem]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no PEM certificate in the file/);
  });
});
