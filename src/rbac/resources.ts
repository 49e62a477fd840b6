/**
 * Resource names as kubectl accepts them (`pods`, `pods/exec`, `deployments.apps/scale`, `deploy`,
 * `jobs.v1.batch`, `/healthz`), resolved to API group and scope with the built-in table in
 * resources.json plus the CustomResourceDefinitions of the inventory.
 */
import table from './resources.json' with { type: 'json' };
import { isJsonObject, type Inventory } from '../inventory/index.js';
import { isNonResourceRequest, type RbacRequest, type ResourceRequest } from './types.js';

export interface ResourceInfo {
  group: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  short: string[];
  origin: 'builtin' | 'crd';
}

/** A bad resource argument or request: the CLI reports it as a usage error (exit 2). */
export class RbacUsageError extends Error {}

const BUILTIN: ResourceInfo[] = table.resources.map((r) => ({ ...r, short: r.short ?? [], origin: 'builtin' as const }));

/** Built-in resources plus custom resources; first match wins (built-ins before CRDs, core before other groups). */
export class ResourceTable {
  private readonly byGroupResource = new Map<string, ResourceInfo>();
  /** Plural, singular (kind), and short names → candidates in preference order. */
  private readonly byAnyName = new Map<string, ResourceInfo[]>();

  constructor(extra: readonly ResourceInfo[] = []) {
    for (const info of [...BUILTIN, ...extra]) {
      const key = `${info.group}\u0000${info.resource}`;
      if (!this.byGroupResource.has(key)) this.byGroupResource.set(key, info);
    }
    // plural names first, then singular, then short names: `pods` is never shadowed by a short name
    for (const pick of [(i: ResourceInfo) => [i.resource], (i: ResourceInfo) => [i.kind.toLowerCase()], (i: ResourceInfo) => i.short]) {
      for (const info of [...BUILTIN, ...extra]) for (const name of pick(info)) push(this.byAnyName, name, info);
    }
  }

  /** The resource of exactly this group and plural name. */
  lookup(group: string, resource: string): ResourceInfo | undefined {
    return this.byGroupResource.get(`${group}\u0000${resource}`);
  }

  /** Whether the resource is namespaced; undefined when it is not known (nor `*`). */
  isNamespaced(group: string, resource: string): boolean | undefined {
    return this.lookup(group, resource)?.namespaced;
  }

  /** A plural, singular or short name, optionally within a group. */
  find(name: string, group?: string): ResourceInfo | undefined {
    const candidates = this.byAnyName.get(name) ?? [];
    return group === undefined ? candidates[0] : candidates.find((c) => c.group === group);
  }
}

/** The custom resources the inventory's CustomResourceDefinitions declare. */
export function crdResources(inventory: Inventory): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const crd of inventory.ofKind('CustomResourceDefinition')) {
    const spec = crd.object.spec;
    if (!isJsonObject(spec) || !isJsonObject(spec.names) || typeof spec.group !== 'string' || typeof spec.names.plural !== 'string') continue;
    const names = spec.names;
    out.push({
      group: spec.group,
      resource: names.plural as string,
      kind: typeof names.kind === 'string' ? names.kind : typeof names.singular === 'string' ? names.singular : String(names.plural),
      namespaced: spec.scope !== 'Cluster',
      short: Array.isArray(names.shortNames) ? names.shortNames.filter((s): s is string => typeof s === 'string') : [],
      origin: 'crd',
    });
  }
  return out;
}

export interface ResolvedResource {
  resource: string;
  apiGroup: string;
  subresource: string;
  /** Undefined when the resource is not known (not built in, no CRD in the inventory). */
  info?: ResourceInfo;
  /** Said when a name could not be resolved, as kubectl warns. */
  warning?: string;
}

const VERSION = /^v\d+((alpha|beta)\d+)?$/;

/** Verbs the API server uses for resources (kubectl warns about others, and so do we). */
const RESOURCE_VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate', 'escalate', 'bind', 'use', 'approve', 'sign', 'attest', 'proxy', '*']);
/** Verbs of non-resource requests: the HTTP method, lower case. */
const URL_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', '*']);

/**
 * `TYPE[.VERSION][.GROUP][/SUBRESOURCE]` → resource, group and subresource. `*` is the resource `*`
 * in the core group (as `kubectl auth can-i '*' '*'`), `*.*` every group. Unknown names are kept as
 * written in the group given (core when none), with a warning.
 */
export function resolveResource(arg: string, resources: ResourceTable): ResolvedResource {
  const slash = arg.indexOf('/');
  const type = slash === -1 ? arg : arg.slice(0, slash);
  const subresource = slash === -1 ? '' : arg.slice(slash + 1);
  if (!type) throw new RbacUsageError(`invalid resource ${JSON.stringify(arg)}: empty resource type`);
  if (slash !== -1 && (!subresource || subresource.includes('/'))) throw new RbacUsageError(`invalid resource ${JSON.stringify(arg)}: expected RESOURCE or RESOURCE/SUBRESOURCE`);
  if (type === '*') return { resource: '*', apiGroup: '', subresource };
  const dot = type.indexOf('.');
  const lowered = type.toLowerCase();
  if (dot === -1) {
    const info = resources.find(lowered);
    if (info) return { resource: info.resource, apiGroup: info.group, subresource, info };
    return { resource: type, apiGroup: '', subresource, warning: `the resource type '${type}' is not known (not built in, no CustomResourceDefinition in the input); assuming the core group` };
  }
  const name = lowered.slice(0, dot);
  let group = lowered.slice(dot + 1);
  const firstLabel = group.split('.')[0]!;
  if (group.includes('.') && VERSION.test(firstLabel)) group = group.slice(firstLabel.length + 1);
  else if (VERSION.test(group) && !resources.find(name, group)) group = ''; // `pods.v1`: the core group's version
  if (name === '*') return { resource: '*', apiGroup: group, subresource };
  const info = resources.find(name, group);
  if (info) return { resource: info.resource, apiGroup: info.group, subresource, info };
  return { resource: name, apiGroup: group, subresource, warning: `the resource type '${name}' in group '${group}' is not known; using it as written` };
}

export interface RequestArgs {
  verb: string;
  /** `RESOURCE[.GROUP][/SUB]`, or a non-resource URL starting with `/`. */
  resource: string;
  name?: string;
  namespace?: string;
  /** `--subresource`, as kubectl's flag (alternative to `RESOURCE/SUB`). */
  subresource?: string;
}

/** Builds a request from command-line style arguments. Throws RbacUsageError for arguments that make no request. */
export function parseRequest(args: RequestArgs, resources: ResourceTable): { request: RbacRequest; warnings: string[] } {
  if (!args.verb) throw new RbacUsageError('a verb is required');
  const warnings: string[] = [];
  const urlRequest = args.resource.startsWith('/');
  if (!(urlRequest ? URL_VERBS : RESOURCE_VERBS).has(args.verb)) warnings.push(`verb '${args.verb}' is not a known verb${urlRequest ? ' for non-resource URLs (the lower-case HTTP method)' : ''}`);
  if (urlRequest) {
    if (args.name) throw new RbacUsageError(`a non-resource URL (${args.resource}) takes no resource name`);
    if (args.subresource) throw new RbacUsageError('--subresource does not apply to a non-resource URL');
    if (args.namespace) warnings.push(`non-resource URLs are not namespaced; ignoring namespace ${args.namespace}`);
    return { request: { verb: args.verb, nonResourceURL: args.resource }, warnings };
  }
  const resolved = resolveResource(args.resource, resources);
  if (resolved.warning) warnings.push(resolved.warning);
  if (args.subresource && resolved.subresource) throw new RbacUsageError(`subresource given twice (${args.resource} and --subresource ${args.subresource})`);
  const request: ResourceRequest = { verb: args.verb, apiGroup: resolved.apiGroup, resource: resolved.resource };
  const subresource = args.subresource ?? resolved.subresource;
  if (subresource) request.subresource = subresource;
  if (args.name) request.name = args.name;
  if (args.namespace) request.namespace = args.namespace;
  const scoped = asServerSees(request, resources);
  if (args.namespace && resolved.info?.namespaced === false && (scoped as ResourceRequest).namespace !== args.namespace) {
    warnings.push(`resource '${resolved.resource}' is not namespace scoped; ignoring namespace ${args.namespace}`);
  }
  return { request: scoped, warnings };
}

/**
 * The request as the API server's request info would carry it: a cluster-scoped resource has no
 * namespace (so only ClusterRoleBindings can grant it), except a named `namespaces` request whose
 * namespace is its name (`GET /api/v1/namespaces/NAME`, and its subresources, can be granted by a
 * RoleBinding in that namespace). Non-resource requests are returned as they are.
 */
export function asServerSees(request: RbacRequest, resources: ResourceTable): RbacRequest {
  if (isNonResourceRequest(request)) return request;
  if (resources.isNamespaced(request.apiGroup, request.resource) !== false) return request;
  const { namespace: _dropped, ...rest } = request;
  const name = request.name ?? '';
  if (request.apiGroup === '' && request.resource === 'namespaces' && name) return { ...rest, namespace: name };
  return rest;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}
