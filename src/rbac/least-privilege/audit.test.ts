// The audit log reader: each request counted once, stages paired by auditID, decisions read from
// the annotation or the code, impersonation split into its checks, and malformed lines costing
// only themselves — on the fixture log and on streams cut at every byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readAuditLogs, type AuditRequest, type AuditSource } from './index.js';

const logFile = fileURLToPath(new URL('../../../test/fixtures/audit/cluster.log', import.meta.url));
const short = 'cluster.log';

async function read(sources: AuditSource[], maxLineBytes?: number): Promise<{ requests: AuditRequest[]; summary: Awaited<ReturnType<typeof readAuditLogs>> }> {
  const requests: AuditRequest[] = [];
  const summary = await readAuditLogs(sources, { onRequest: (r) => requests.push(r), ...(maxLineBytes ? { maxLineBytes } : {}) });
  return { requests, summary };
}

const fromText = (text: string | Buffer, name = short, chunk?: number): AuditSource => {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  if (!chunk) return { name, stream: Readable.from([buf]) };
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return { name, stream: Readable.from(parts) };
};

const label = (r: AuditRequest): string => {
  const q = r.request;
  if ('nonResourceURL' in q) return `${r.user.name} ${q.verb} ${q.nonResourceURL}${r.allowed ? '' : ' DENIED'}`;
  const res = `${q.resource}${q.apiGroup ? `.${q.apiGroup}` : ''}${q.subresource ? `/${q.subresource}` : ''}`;
  return `${r.user.name} ${q.verb} ${res}${q.name ? ` ${q.name}` : ''} @${q.namespace ?? '-'}${r.allowed ? '' : ' DENIED'}${r.rejectedAfterAuthorization ? ' (403 after authorization)' : ''}${r.impersonation ? ' (impersonation)' : ''}`;
};

test('the fixture log: every request once, in log order, with its outcome', async () => {
  const { requests, summary } = await read([{ name: logFile }]);
  const sa = 'system:serviceaccount:kube-system:pod-watcher';
  assert.deepEqual(requests.map(label), [
    `${sa} list pods @-`,
    `${sa} get configmaps pod-watcher-config @kube-system`,
    `${sa} get leases.coordination.k8s.io pod-watcher @kube-system`,
    `${sa} create leases.coordination.k8s.io @kube-system`, // a create has no name for the authorizer
    `${sa} update leases.coordination.k8s.io pod-watcher @kube-system`,
    `${sa} update leases.coordination.k8s.io pod-watcher @kube-system`,
    `${sa} get configmaps pod-watcher-config @kube-system`,
    `${sa} create events @shop`,
    `${sa} list secrets @- DENIED`,
    'ci-bot get namespaces shop @shop',
    'ci-bot create deployments.apps @shop',
    'ci-bot get deployments.apps orders @shop',
    'ci-bot patch deployments.apps orders @shop',
    'ci-bot get deployments.apps/scale orders @shop',
    'ci-bot patch deployments.apps/scale orders @shop',
    'ci-bot patch deployments.apps/scale web @shop',
    'ci-bot patch deployments.apps web @shop',
    'ci-bot list deployments.apps @shop',
    'ci-bot create pods @shop (403 after authorization)',
    'ci-bot delete deployments.apps orders @prod DENIED',
    'ci-bot create secrets @shop DENIED',
    'alice@example.com get /healthz',
    'alice@example.com get /metrics',
    'alice@example.com get /healthz', // the query string is not part of the path
    'alice@example.com list nodes @-',
    'alice@example.com get /logs/kube-apiserver.log DENIED',
    'ops-admin impersonate serviceaccounts deployer @shop (impersonation)',
    'system:serviceaccount:shop:deployer get pods orders-7f9c-abcde @shop',
    // counted where it completes: the watch opened at 10:00:01 ends at 10:05:01
    `${sa} watch pods @-`,
    // still open when the log ends: counted from its ResponseStarted
    `${sa} watch nodes @-`,
  ]);
  assert.deepEqual(
    { lines: summary.lines, events: summary.events, requests: summary.requests, duplicates: summary.duplicates, startedOnly: summary.startedOnly, unfinished: summary.unfinished, unauthenticated: summary.unauthenticated, from: summary.from, to: summary.to },
    { lines: 66, events: 63, requests: 29, duplicates: 1, startedOnly: 1, unfinished: 1, unauthenticated: 1, from: '2024-05-01T10:00:00.120000Z', to: '2024-05-01T10:05:01.020000Z' },
  );
  assert.deepEqual(summary.errors.map((e) => [e.line, e.message.replace(/ \(.*\)$/, '')]), [
    [10, 'not JSON'],
    [31, 'not an audit event'],
    [45, 'missing verb'],
  ]);
  assert.equal(summary.errorCount, 3);
  assert.ok(summary.errors.every((e) => e.file === logFile));
  // the user as the authorizer saw it: the impersonated user with the groups the log shows
  const impersonated = requests.find((r) => r.user.name === 'system:serviceaccount:shop:deployer')!;
  assert.deepEqual(impersonated.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated']);
  assert.deepEqual(requests.find((r) => r.impersonation)!.user, { name: 'ops-admin', groups: ['ops', 'system:authenticated'] });
});

test('the result does not depend on how the stream is cut (1, 7 and 4096-byte chunks), nor on gzip', async () => {
  const text = await readFile(logFile);
  const whole = await read([fromText(text)]);
  for (const chunk of [1, 7, 4096]) {
    const cut = await read([fromText(text, short, chunk)]);
    assert.deepEqual(cut.requests.map(label), whole.requests.map(label), `chunks of ${chunk}`);
    assert.deepEqual(cut.summary, whole.summary);
  }
  // gzip is recognized by its magic number, whatever the name (stdin included)
  const gz = await read([fromText(gzipSync(text), '-', 1)]);
  assert.deepEqual(gz.requests.map(label), whole.requests.map(label));
  assert.equal(gz.summary.errorCount, 3);
});

const event = (fields: Record<string, unknown>): string => JSON.stringify({
  kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', stage: 'ResponseComplete', verb: 'get',
  user: { username: 'u', groups: ['system:authenticated'] }, requestURI: '/api/v1/namespaces/a/pods/p',
  objectRef: { resource: 'pods', namespace: 'a', name: 'p', apiVersion: 'v1' }, responseStatus: { code: 200 }, ...fields,
});

test('malformed lines are reported with file and line and skipped; the rest is read', async () => {
  const lines = [
    event({ auditID: '1' }),
    '{"kind":"Event"', // truncated
    '[1, 2]',
    event({ kind: 'Pod' }),
    event({ verb: 7 }),
    event({ objectRef: { namespace: 'a' } }),
    event({ objectRef: { resource: 'pods', name: 3 } }),
    event({ verb: '*' }),
    event({ objectRef: { resource: '*' } }),
    event({ user: { username: 'u', groups: 'g' } }),
    event({ stage: 'Later' }),
    event({ objectRef: undefined, requestURI: undefined }),
    event({ auditID: '2', stage: undefined }), // no stage: counted (some exporters drop it)
    '   ',
    '',
    event({ auditID: '3' }).replace(/}$/, '}\r'), // CRLF
  ];
  const { requests, summary } = await read([fromText(`${lines.join('\n')}`)]); // no newline at the end
  assert.equal(requests.length, 3);
  const [first, ...rest] = summary.errors.map((e) => `${e.file}:${e.line}: ${e.message}`);
  assert.match(first!, /^cluster\.log:2: not JSON \(.+\)$/);
  assert.deepEqual(rest, [
    'cluster.log:3: not a JSON object',
    'cluster.log:4: not an audit event (kind "Pod", expected Event)',
    'cluster.log:5: missing verb',
    'cluster.log:6: objectRef without resource',
    'cluster.log:7: objectRef.name is not a string',
    'cluster.log:8: verb "*": a request never has a wildcard verb',
    'cluster.log:9: objectRef.resource "*": a request never names a wildcard',
    'cluster.log:10: user.groups is not a list of strings',
    'cluster.log:11: unknown stage "Later" (RequestReceived, ResponseStarted, ResponseComplete or Panic)',
    'cluster.log:12: neither objectRef nor requestURI',
  ]);
  assert.equal(summary.lines, 16);
});

test('a line longer than the limit is skipped with an error, without being held in memory', async () => {
  const long = event({ auditID: 'long', requestURI: `/api/v1/namespaces/a/pods/p?${'x'.repeat(5000)}` });
  const text = [event({ auditID: 'a' }), long, event({ auditID: 'b' }), long].join('\n');
  for (const chunk of [1000, 100_000]) {
    const { requests, summary } = await read([fromText(text, short, chunk)], 2048);
    assert.equal(requests.length, 2, `chunks of ${chunk}`);
    assert.deepEqual(summary.errors.map((e) => [e.line, e.message]), [[2, 'line longer than 2048 bytes; skipped'], [4, 'line longer than 2048 bytes; skipped']]);
  }
});

test('stages: RequestReceived alone is not counted, a repeated completion is dropped, Panic counts', async () => {
  const lines = [
    event({ auditID: 'r', stage: 'RequestReceived', responseStatus: undefined }),
    event({ auditID: 's', stage: 'RequestReceived', responseStatus: undefined }),
    event({ auditID: 's', stage: 'ResponseStarted' }),
    event({ auditID: 'c', stage: 'ResponseComplete' }),
    event({ auditID: 'c', stage: 'ResponseComplete' }),
    event({ auditID: 's', stage: 'ResponseComplete' }),
    event({ auditID: 'p', stage: 'Panic', responseStatus: { code: 500 } }),
  ];
  const { requests, summary } = await read([fromText(lines.join('\n'))]);
  assert.equal(requests.length, 3);
  assert.deepEqual([summary.requests, summary.duplicates, summary.unfinished, summary.startedOnly], [3, 1, 1, 0]);
});

test('allowed or denied: the decision annotation first, else the code; 401 is never counted', async () => {
  const cases: [Record<string, unknown>, boolean | 'skipped'][] = [
    [{ responseStatus: { code: 200 } }, true],
    [{ responseStatus: { code: 404 } }, true], // authorized, then not found
    [{ responseStatus: { code: 403 } }, false],
    [{ responseStatus: { code: 403 }, annotations: { 'authorization.k8s.io/decision': 'allow' } }, true],
    [{ responseStatus: { code: 200 }, annotations: { 'authorization.k8s.io/decision': 'forbid' } }, false],
    [{ responseStatus: { code: 401 }, user: {} }, 'skipped'],
    [{ user: { username: '' } }, 'skipped'],
  ];
  for (const [fields, expected] of cases) {
    const { requests, summary } = await read([fromText(event(fields))]);
    if (expected === 'skipped') {
      assert.equal(requests.length, 0);
      assert.equal(summary.unauthenticated, 1);
    } else assert.equal(requests[0]!.allowed, expected, JSON.stringify(fields));
  }
});

test('impersonation: impersonate checks for the impersonator (explicit groups, uid, extras), the request for the impersonated user', async () => {
  const { requests } = await read([fromText(event({
    user: { username: 'admin', groups: ['ops'] },
    impersonatedUser: { username: 'jane', uid: '42', groups: ['dev', 'system:authenticated'], extra: { scopes: ['view', 'edit'] } },
  }))]);
  assert.deepEqual(requests.map(label), [
    'admin impersonate users jane @- (impersonation)',
    'admin impersonate groups dev @- (impersonation)',
    'admin impersonate uids.authentication.k8s.io 42 @- (impersonation)',
    'admin impersonate userextras.authentication.k8s.io/scopes view @- (impersonation)',
    'admin impersonate userextras.authentication.k8s.io/scopes edit @- (impersonation)',
    'jane get pods p @a',
  ]);
});

test('an EventList line is read item by item; an unreadable file is one error', async () => {
  const list = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [JSON.parse(event({ auditID: 'x' })), JSON.parse(event({ auditID: 'y' }))] });
  const { requests } = await read([fromText(list)]);
  assert.equal(requests.length, 2);
  const missing = await read([{ name: '/nonexistent/audit.log' }]);
  assert.deepEqual(missing.summary.errors, [{ file: '/nonexistent/audit.log', message: 'no such file' }]);
});

test('a truncated gzip log: what was read counts, and one error says so', async () => {
  const text = await readFile(logFile);
  const gz = gzipSync(text);
  const { requests, summary } = await read([fromText(gz.subarray(0, gz.length - 200), 'rotated.log.1.gz')]);
  assert.ok(requests.length > 0);
  assert.equal(summary.errors.at(-1)!.file, 'rotated.log.1.gz');
  assert.match(summary.errors.at(-1)!.message, /^not a valid gzip file \(unexpected end of file\)$/);
});
