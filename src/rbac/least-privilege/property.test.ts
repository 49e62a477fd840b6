// Properties of the generated roles over random audit logs, checked with the evaluator:
//  1. every request the log shows allowed is allowed by the generated roles (and bindings);
//  2. a request is allowed by them exactly when a rule made from the log covers it — the oracle
//     below, written from the spec, not from the generator: same user, verb, group, resource and
//     subresource (or URL) as an allowed request of the log, in its namespace or from a
//     cluster-wide one, and, when every such request of that scope named one of at most 5 objects
//     with a verb that can be limited by name, one of those names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { Inventory, normalize, parseManifests } from '../../inventory/index.js';
import { buildRbacIndex, type RbacRequest, type ResourceRequest } from '../index.js';
import { analyzeLeastPrivilege, renderYaml } from './index.js';

const USERS = [
  { name: 'u1', groups: ['team', 'system:authenticated'] },
  { name: 'u2', groups: ['system:authenticated'] },
  { name: 'system:serviceaccount:ns1:sa', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'] },
];
const RESOURCES: { apiGroup: string; resource: string; subresource?: string; scope: 'namespaced' | 'cluster' | 'namespaces' }[] = [
  { apiGroup: '', resource: 'pods', scope: 'namespaced' },
  { apiGroup: '', resource: 'pods', subresource: 'exec', scope: 'namespaced' },
  { apiGroup: 'apps', resource: 'deployments', scope: 'namespaced' },
  { apiGroup: 'apps', resource: 'deployments', subresource: 'scale', scope: 'namespaced' },
  { apiGroup: 'example.com', resource: 'widgets', scope: 'namespaced' }, // a CRD kubeward does not know
  { apiGroup: '', resource: 'nodes', scope: 'cluster' },
  { apiGroup: '', resource: 'namespaces', scope: 'namespaces' },
];
const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const NAMELESS = new Set(['list', 'watch', 'create', 'deletecollection']);
const NAMESPACES = ['', 'ns1', 'ns2'];
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const URLS = ['/healthz', '/livez', '/metrics', '/version', '/api'];
const MAX_NAMES = 5;

interface Entry { user: number; request: RbacRequest; allowed: boolean; /** a name the log writes for a create (not the authorizer's) */ loggedName?: string }

/** A request as the authorizer sees it (what the API server would produce for such a URL). */
const resourceRequest: fc.Arbitrary<ResourceRequest> = fc.record({
  r: fc.constantFrom(...RESOURCES),
  verb: fc.constantFrom(...VERBS),
  namespace: fc.constantFrom(...NAMESPACES),
  name: fc.constantFrom(...NAMES),
}).map(({ r, verb, namespace, name }) => {
  const request: ResourceRequest = { verb, apiGroup: r.apiGroup, resource: r.resource };
  if (r.subresource) request.subresource = r.subresource;
  const named = r.subresource ? true : !NAMELESS.has(verb);
  if (r.scope === 'namespaced' && namespace) request.namespace = namespace;
  if (named) request.name = name;
  // the namespaces resource: a named request is in that namespace; a list is cluster-wide
  if (r.scope === 'namespaces' && named) request.namespace = name;
  return request;
});
const urlRequest: fc.Arbitrary<RbacRequest> = fc.record({ verb: fc.constantFrom('get', 'post'), nonResourceURL: fc.constantFrom(...URLS) });
const request = fc.oneof({ weight: 4, arbitrary: resourceRequest }, { weight: 1, arbitrary: urlRequest });
const entry: fc.Arbitrary<Entry> = fc.record({
  user: fc.nat(USERS.length - 1),
  request,
  allowed: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  loggedName: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
});

/** Few users, verbs and resources, many names: name lists at and around the limit, cluster and namespace rules of the same resource. */
const focusedEntry: fc.Arbitrary<Entry> = fc.record({
  user: fc.nat(1),
  verb: fc.constantFrom('get', 'delete', 'list'),
  r: fc.constantFrom(RESOURCES[0]!, RESOURCES[3]!),
  namespace: fc.constantFrom('', 'ns1'),
  name: fc.constantFrom(...NAMES),
  allowed: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
}).map(({ user, verb, r, namespace, name, allowed }) => {
  const request: ResourceRequest = { verb, apiGroup: r.apiGroup, resource: r.resource };
  if (r.subresource) request.subresource = r.subresource;
  if (namespace) request.namespace = namespace;
  if (verb !== 'list' || r.subresource) request.name = name;
  return { user, request, allowed };
});
/** One user and resource, two verbs and scopes: about 5 to 7 distinct names per rule, now and then a request without one. */
const narrowEntry: fc.Arbitrary<Entry> = fc.record({
  verb: fc.constantFrom('get', 'delete'),
  namespace: fc.constantFrom('', 'ns1'),
  name: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.constant('') }),
}).map(({ verb, namespace, name }) => ({ user: 0, request: { verb, apiGroup: '', resource: 'pods', ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) }, allowed: true }));
const logs = fc.oneof(
  fc.array(entry, { minLength: 1, maxLength: 40 }),
  fc.array(focusedEntry, { minLength: 1, maxLength: 40 }),
  fc.array(narrowEntry, { minLength: 10, maxLength: 40 }),
);

function auditLine(e: Entry, i: number): string {
  const user = USERS[e.user]!;
  const r = e.request;
  const event: Record<string, unknown> = {
    kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: `id-${i}`, stage: 'ResponseComplete', verb: r.verb,
    user: { username: user.name, groups: user.groups },
    responseStatus: { metadata: {}, code: e.allowed ? 200 : 403 },
    requestReceivedTimestamp: new Date(Date.UTC(2024, 4, 1, 10, 0, i)).toISOString(),
  };
  if ('nonResourceURL' in r) event.requestURI = `${r.nonResourceURL}?x=1`;
  else {
    const ref: Record<string, string> = { resource: r.resource, apiVersion: 'v1' };
    if (r.apiGroup) ref.apiGroup = r.apiGroup;
    if (r.subresource) ref.subresource = r.subresource;
    if (r.namespace) ref.namespace = r.namespace;
    if (r.name) ref.name = r.name;
    // the log fills in the created object's name; the authorizer never saw it
    else if (r.verb === 'create' && e.loggedName) ref.name = e.loggedName;
    event.objectRef = ref;
    event.requestURI = '/apis/whatever';
  }
  return JSON.stringify(event);
}

/** The oracle: is `probe` (by `user`) covered by a rule made from the allowed requests of the log? */
function covered(log: readonly Entry[], user: number, probe: RbacRequest): boolean {
  const mine = log.filter((e) => e.allowed && e.user === user && e.request.verb === probe.verb);
  if ('nonResourceURL' in probe) return mine.some((e) => 'nonResourceURL' in e.request && e.request.nonResourceURL === probe.nonResourceURL);
  const same = (r: RbacRequest): r is ResourceRequest =>
    !('nonResourceURL' in r) && r.apiGroup === probe.apiGroup && r.resource === probe.resource && (r.subresource ?? '') === (probe.subresource ?? '');
  const scopes = new Set(mine.map((e) => e.request).filter(same).map((r) => r.namespace ?? ''));
  for (const scope of scopes) {
    if (scope !== '' && scope !== (probe.namespace ?? '')) continue; // a Role grants only in its namespace; the ClusterRole everywhere
    const inScope = mine.map((e) => e.request).filter(same).filter((r) => (r.namespace ?? '') === scope);
    const names = new Set(inScope.map((r) => r.name ?? ''));
    const limited = !NAMELESS.has(probe.verb) && !names.has('') && names.size <= MAX_NAMES;
    if (!limited || names.has(probe.name ?? '')) return true;
  }
  return false;
}

test('generated roles allow exactly what a rule made from the log covers, and every allowed request', async () => {
  await fc.assert(
    fc.asyncProperty(logs, fc.array(fc.record({ user: fc.nat(USERS.length - 1), request }), { maxLength: 40 }), async (log, probes) => {
      const text = `${log.map(auditLine).join('\n')}\n`;
      const report = await analyzeLeastPrivilege({ sources: [{ name: 'random.log', stream: Readable.from([Buffer.from(text)]) }] });
      assert.equal(report.log.errorCount, 0);
      assert.equal(report.log.requests, log.length);
      const parsed = parseManifests(renderYaml(report), 'generated.yaml', 'file');
      assert.deepEqual(parsed.errors, []);
      const index = buildRbacIndex(new Inventory(parsed.objects.map((o, i) => normalize(o, String(i)))));
      assert.deepEqual(index.diagnostics.filter((d) => d.severity !== 'info'), []);
      const can = (user: number, r: RbacRequest): boolean => index.canI({ ...r, user: USERS[user]! }).allowed;

      for (const e of log) if (e.allowed) assert.ok(can(e.user, e.request), `allowed in the log, denied by the roles: ${JSON.stringify(e)}`);
      // every request of the log, other users, and random ones: allowed exactly when covered
      // and each request of the log with every other name (where name lists matter), as the API
      // server would make it (a named namespaces request is in that namespace)
      const renamed = log.flatMap((e) => ('nonResourceURL' in e.request ? [] : ['', ...NAMES].map((name) => {
        const { name: _name, ...rest } = e.request as ResourceRequest;
        const request: ResourceRequest = name ? { ...rest, name } : rest;
        if (request.resource === 'namespaces') {
          if (name) request.namespace = name;
          else delete request.namespace;
        }
        return { user: e.user, request };
      })));
      const all = [...log.map((e) => ({ user: e.user, request: e.request })), ...log.map((e) => ({ user: (e.user + 1) % USERS.length, request: e.request })), ...renamed, ...probes];
      for (const p of all) {
        assert.equal(can(p.user, p.request), covered(log, p.user, p.request), `${USERS[p.user]!.name} ${JSON.stringify(p.request)}`);
      }
    }),
    { numRuns: Number(process.env.KUBEWARD_PROPERTY_RUNS ?? 300) },
  );
});
