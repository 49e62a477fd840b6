import { registerEscalationsCommand } from './rbac-escalations.js';
import { registerGraphCommand, registerLeastPrivilegeCommand } from './rbac-extra.js';
import { Command, Option } from 'commander';
import type { RbacIndex } from '../rbac/index.js';
import { type CliIo, UsageError, collect, processIo } from './common.js';

// Only commander loads here; the evaluator and the loader are imported when a command runs.

/** Where a command reads and writes (process streams by default; tests pass their own). */
export type RbacIo = CliIo;

export interface CommonRbacOptions {
  filename?: string[];
  format?: 'table' | 'json';
  quiet?: boolean;
}

export interface CanIOptions extends CommonRbacOptions {
  as?: string;
  asGroup?: string[];
  namespace?: string;
  subresource?: string;
  explain?: boolean;
}

export interface WhoCanOptions extends CommonRbacOptions {
  namespace?: string;
  allNamespaces?: boolean;
  subresource?: string;
}

export interface PermissionsOptions extends CommonRbacOptions {
  asGroup?: string[];
  namespace?: string;
}




function common(command: Command): Command {
  return command
    .option('-f, --filename <path>', 'manifest file or directory to read, - for stdin (repeatable)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-q, --quiet', 'no diagnostics or notes on stderr');
}

/** Adds `kubeward rbac can-i | who-can | permissions`. */
/** Adds `kubeward rbac` and its query subcommands; returns it so other subcommands can join. */
export function registerRbacCommands(program: Command, version: string): Command {
  const rbac = program.command('rbac').description('query RBAC offline, exactly as the API server authorizes: can-i, who-can, permissions');

  common(
    rbac
      .command('can-i')
      .description('can SUBJECT do VERB on RESOURCE? Prints yes (exit 0) or no (exit 1)')
      .argument('<verb>', 'e.g. get, list, create, impersonate, escalate, bind, or * ')
      .argument('<resource>', 'RESOURCE[.GROUP][/SUBRESOURCE] (pods, pods/exec, deployments.apps/scale) or a non-resource URL (/healthz)')
      .argument('[name]', 'resource name')
      .option('--as <subject>', 'user name, or system:serviceaccount:NAMESPACE:NAME')
      .option('--as-group <group>', 'a group of the subject (repeatable); implicit groups are added', collect)
      .option('-n, --namespace <namespace>', 'namespace of the request (none: cluster-wide)')
      .option('--subresource <subresource>', 'subresource, as kubectl (same as RESOURCE/SUBRESOURCE)')
      .option('--explain', 'show the grant that allows it, or why nothing does'),
  ).action(async (verb: string, resource: string, name: string | undefined, options: CanIOptions) => {
    process.exitCode = await runCanI(verb, resource, name, options);
  });

  common(
    rbac
      .command('who-can')
      .description('every subject granted VERB on RESOURCE, with binding → role → rule')
      .argument('<verb>', 'e.g. get, create, *')
      .argument('<resource>', 'RESOURCE[.GROUP][/SUBRESOURCE] or a non-resource URL')
      .argument('[name]', 'resource name')
      .option('-n, --namespace <namespace>', 'namespace of the request (none: cluster-wide only)')
      .option('-A, --all-namespaces', 'also RoleBindings of every namespace')
      .option('--subresource <subresource>', 'subresource, as kubectl'),
  ).action(async (verb: string, resource: string, name: string | undefined, options: WhoCanOptions) => {
    process.exitCode = await runWhoCan(verb, resource, name, options);
  });

  common(
    rbac
      .command('permissions')
      .description('the effective RBAC rules of SUBJECT, per namespace (* = cluster-wide)')
      .argument('<subject>', 'user name, or system:serviceaccount:NAMESPACE:NAME')
      .option('--as-group <group>', 'a group of the subject (repeatable)', collect)
      .option('-n, --namespace <namespace>', 'only cluster-wide rules and rules of this namespace'),
  ).action(async (subject: string, options: PermissionsOptions) => {
    process.exitCode = await runPermissions(subject, options);
  });
  registerEscalationsCommand(rbac);
  registerLeastPrivilegeCommand(rbac);
  registerGraphCommand(rbac);
  return rbac;
}

/** `kubeward rbac can-i`: 0 yes, 1 no, 2 usage or input errors. */
export async function runCanI(verb: string, resource: string, name: string | undefined, options: CanIOptions, io: RbacIo = processIo): Promise<number> {
  return guarded(io, async () => {
    if (!options.as) throw new UsageError('--as SUBJECT is required (a user name, or system:serviceaccount:NAMESPACE:NAME)');
    const user = await checkedUser(options.as, options.asGroup);
    const loaded = await load(options, io);
    const { request, warnings } = loaded.index.request({ verb, resource, ...opt('name', name), ...opt('namespace', options.namespace), ...opt('subresource', options.subresource) });
    const decision = loaded.index.canI({ ...request, user });
    const { formatDecision } = await import('../rbac/format.js');
    io.stdout(options.format === 'json' ? json({ ...decision, diagnostics: loaded.index.diagnostics }) : formatDecision(decision, options.explain === true));
    finish(loaded, warnings, options, io);
    return loaded.inputErrors ? 2 : decision.allowed ? 0 : 1;
  });
}

/** `kubeward rbac who-can`: 0, or 2 for usage or input errors. */
export async function runWhoCan(verb: string, resource: string, name: string | undefined, options: WhoCanOptions, io: RbacIo = processIo): Promise<number> {
  return guarded(io, async () => {
    if (options.namespace && options.allNamespaces) throw new UsageError('--namespace and --all-namespaces exclude each other');
    const loaded = await load(options, io);
    const { request, warnings } = loaded.index.request({ verb, resource, ...opt('name', name), ...opt('namespace', options.namespace), ...opt('subresource', options.subresource) });
    const result = loaded.index.whoCan(request, { allNamespaces: options.allNamespaces === true });
    if (!options.namespace && !options.allNamespaces && 'resource' in request && loaded.index.resources.isNamespaced(request.apiGroup, request.resource) !== false) {
      warnings.push('no namespace given: only ClusterRoleBindings count (cluster-wide request); use -n NAMESPACE or -A for RoleBindings');
    }
    const { formatWhoCan } = await import('../rbac/format.js');
    io.stdout(options.format === 'json' ? json({ ...result, diagnostics: loaded.index.diagnostics }) : formatWhoCan(result));
    finish(loaded, warnings, options, io);
    return loaded.inputErrors ? 2 : 0;
  });
}

/** `kubeward rbac permissions`: 0, or 2 for usage or input errors. */
export async function runPermissions(subject: string, options: PermissionsOptions, io: RbacIo = processIo): Promise<number> {
  return guarded(io, async () => {
    const user = await checkedUser(subject, options.asGroup);
    const loaded = await load(options, io);
    const result = loaded.index.permissions(user);
    if (options.namespace) result.namespaces = result.namespaces.filter((n) => n.namespace === '*' || n.namespace === options.namespace);
    const { formatPermissions } = await import('../rbac/format.js');
    io.stdout(options.format === 'json' ? json({ ...result, diagnostics: loaded.index.diagnostics }) : formatPermissions(result));
    finish(loaded, [], options, io);
    return loaded.inputErrors ? 2 : 0;
  });
}

interface Loaded {
  index: RbacIndex;
  inputErrors: number;
  messages: string[];
}

async function load(options: CommonRbacOptions, io: RbacIo): Promise<Loaded> {
  const paths = options.filename ?? [];
  if (paths.length === 0) throw new UsageError('no input: give manifests with -f PATH (files, directories, - for stdin)');
  const [{ loadInventory }, { buildRbacIndex }, { inputErrorLabel }] = await Promise.all([
    import('../inventory/index.js'),
    import('../rbac/index.js'),
    import('../core/coverage.js'),
  ]);
  const result = await loadInventory(paths, io.stdin ? { stdin: io.stdin } : {});
  const messages: string[] = [];
  if (result.errors.length) {
    messages.push(`kubeward: ${result.errors.length} input error(s); the rest was read:\n${result.errors.map((e) => `  ${inputErrorLabel(e)}`).join('\n')}\n`);
  }
  if (!options.quiet) for (const note of result.notes) messages.push(`kubeward: note: ${inputErrorLabel(note)}\n`);
  return { index: buildRbacIndex(result.inventory), inputErrors: result.errors.length, messages };
}

function finish(loaded: Loaded, warnings: string[], options: CommonRbacOptions, io: RbacIo): void {
  for (const warning of warnings) io.stderr(`kubeward: warning: ${warning}\n`);
  if (!options.quiet) {
    for (const d of loaded.index.diagnostics) {
      if (d.severity !== 'info') io.stderr(`kubeward: ${d.severity}: ${d.position.file}:${d.position.line}:${d.position.column}: ${d.message}\n`);
    }
  }
  for (const message of loaded.messages) io.stderr(message);
}

async function checkedUser(name: string, groups: string[] | undefined): Promise<{ name: string; groups: string[] }> {
  const { splitServiceAccountUsername, SERVICE_ACCOUNT_PREFIX } = await import('../rbac/subjects.js');
  if (!name) throw new UsageError('the subject name is empty');
  if (name.startsWith(SERVICE_ACCOUNT_PREFIX) && !splitServiceAccountUsername(name)) {
    throw new UsageError(`invalid service account ${JSON.stringify(name)}: expected system:serviceaccount:NAMESPACE:NAME`);
  }
  return { name, groups: groups ?? [] };
}

async function guarded(io: RbacIo, run: () => Promise<number>): Promise<number> {
  const { RbacUsageError } = await import('../rbac/resources.js');
  try {
    return await run();
  } catch (error) {
    if (error instanceof UsageError || error instanceof RbacUsageError) {
      io.stderr(`kubeward: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function opt<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
