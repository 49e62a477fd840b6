import { formatPath, isJsonObject, podTemplateOf, type ContainerView, type Inventory, type InventoryObject, type JsonPath } from '../inventory/index.js';
import { COMPONENT_NAMES, DEFINITIONS, type ComponentName, type ComponentSpec } from './definitions.js';
import { parseFlags, parseGoBool, type FlagReader, type FlagReading, type FlagSpec, type GivenValue, type ParsedFlags } from './flags.js';
import { expandVariables, shellWords } from './shell-words.js';

export { expandVariables, shellWords } from './shell-words.js';

// Finding the control plane among the manifests: containers that run kube-apiserver,
// kube-controller-manager, kube-scheduler or etcd, recognised by what they run (command, args,
// hyperkube subcommand, `sh -c` script) or, when the command is left to the image, by the image —
// never by the pod's name. Each one gets a FlagReader over its command line and environment.

/** One argv token and where it is in the object. */
export interface ArgToken {
  text: string;
  path: JsonPath;
  /** Set when the token is a word inside a `sh -c` script. */
  inScript?: boolean;
}

interface EnvEntry {
  name: string;
  value?: string;
  path: JsonPath;
  /** valueFrom: its value is not in the manifest. */
  fromRef?: string;
}

/** A container that runs a control-plane component. */
export interface ControlPlaneContainer {
  component: ComponentName;
  spec: ComponentSpec;
  object: InventoryObject;
  container: ContainerView;
  /** What gave it away, e.g. "command kube-apiserver" or "image registry.k8s.io/etcd:3.5.16-0". */
  recognizedBy: string;
  /** The tokens after the program (and hyperkube subcommand): its flags. */
  tokens: ArgToken[];
  parsed: ParsedFlags;
  reader: FlagReader;
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh']);
const SHELL_OPERATORS = new Set([';', '&&', '||', '|', '&', '\n']);
/** Programs that start another program given among their arguments. */
const WRAPPERS = new Set(['go-runner', 'tini', 'dumb-init', 'env', 'nice', 'ionice', 'taskset', 'catatonit']);

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** `registry.k8s.io/kube-apiserver:v1.32.0@sha256:…` → `kube-apiserver`. */
export function imageBasename(image: string): string {
  const noDigest = image.split('@')[0]!;
  const last = basename(noDigest);
  const colon = last.indexOf(':');
  return colon === -1 ? last : last.slice(0, colon);
}

const ARCH_SUFFIX = /-(amd64|arm64|arm|ppc64le|s390x|386)$/;

function componentOfImage(image: string): ComponentSpec | 'hyperkube' | undefined {
  const name = imageBasename(image).replace(ARCH_SUFFIX, '');
  if (name === 'hyperkube') return 'hyperkube';
  return SPECS.find((s) => s.images.includes(name));
}

const SPECS: readonly ComponentSpec[] = COMPONENT_NAMES.map((n) => DEFINITIONS.components[n]);
const componentOfBinary = (word: string): ComponentSpec | undefined => SPECS.find((s) => s.binaries.includes(basename(word)));
const componentOfHyperkube = (word: string): ComponentSpec | undefined => SPECS.find((s) => s.hyperkube.includes(word));

/** Program and image names worth a closer look; everything else is skipped without building anything. */
const PROGRAMS = new Set([...SPECS.flatMap((s) => s.binaries), 'hyperkube', ...SHELLS, ...WRAPPERS]);
const IMAGES = new Set([...SPECS.flatMap((s) => s.images), 'hyperkube']);

/** A cheap first look: could this container run a control-plane component? */
function mayRunComponent(container: ContainerView): boolean {
  const first = (list: unknown): string | undefined => (Array.isArray(list) && typeof list[0] === 'string' ? list[0] : undefined);
  const command = first(container.spec.command);
  if (command !== undefined) return PROGRAMS.has(basename(command)) || command.includes('$(');
  const arg = first(container.spec.args);
  if (arg !== undefined && !arg.startsWith('-') && (PROGRAMS.has(basename(arg)) || arg.includes('$('))) return true;
  const image = container.spec.image;
  return typeof image === 'string' && IMAGES.has(imageBasename(image).replace(ARCH_SUFFIX, ''));
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((v) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v)));
}

function readEnv(container: ContainerView): { entries: EnvEntry[]; literal: Map<string, string>; envFrom: string[] } {
  const entries: EnvEntry[] = [];
  const literal = new Map<string, string>();
  const list = container.spec.env;
  if (Array.isArray(list)) {
    list.forEach((raw, index) => {
      if (!isJsonObject(raw) || typeof raw.name !== 'string') return;
      const base = [...container.path, 'env', index];
      if (raw.valueFrom !== undefined) {
        const ref = isJsonObject(raw.valueFrom) ? Object.keys(raw.valueFrom).join(', ') : 'valueFrom';
        entries.push({ name: raw.name, path: [...base, 'valueFrom'], fromRef: ref });
        literal.delete(raw.name);
        return;
      }
      const value = expandVariables(raw.value === undefined || raw.value === null ? '' : String(raw.value), literal);
      entries.push({ name: raw.name, value, path: [...base, 'value'] });
      literal.set(raw.name, value);
    });
  }
  const envFrom: string[] = [];
  if (Array.isArray(container.spec.envFrom)) {
    for (const source of container.spec.envFrom) {
      if (!isJsonObject(source)) continue;
      const ref = isJsonObject(source.configMapRef) ? `configMapRef ${String(source.configMapRef.name ?? '')}` : isJsonObject(source.secretRef) ? `secretRef ${String(source.secretRef.name ?? '')}` : 'envFrom';
      envFrom.push(typeof source.prefix === 'string' && source.prefix ? `${ref} (prefix ${source.prefix})` : ref);
    }
  }
  return { entries, literal, envFrom };
}

interface Recognized {
  spec: ComponentSpec;
  recognizedBy: string;
  tokens: ArgToken[];
  /** Path of the list the flags are in (for "add --x to …"). */
  insertPath: JsonPath;
}

/** Which component a container runs, and its flag tokens; undefined when it runs something else. */
export function recognize(container: ContainerView, literalEnv: ReadonlyMap<string, string> = new Map()): Recognized | undefined {
  const command = stringList(container.spec.command);
  const args = stringList(container.spec.args) ?? [];
  const argv: ArgToken[] = [
    ...(command ?? []).map((text, i) => ({ text: expandVariables(text, literalEnv), path: [...container.path, 'command', i] })),
    ...args.map((text, i) => ({ text: expandVariables(text, literalEnv), path: [...container.path, 'args', i] })),
  ];
  const image = typeof container.spec.image === 'string' ? container.spec.image : '';
  const listOf = (tokens: readonly ArgToken[], fallback: 'command' | 'args'): JsonPath => {
    const last = tokens[tokens.length - 1];
    if (last && !last.inScript) return last.path.slice(0, -1);
    return [...container.path, fallback];
  };

  if (argv.length > 0 && (command?.length ?? 0) > 0) {
    const program = argv[0]!.text;
    const direct = componentOfBinary(program);
    if (direct) {
      const tokens = argv.slice(1);
      return { spec: direct, recognizedBy: `command ${program}`, tokens, insertPath: listOf(tokens, 'command') };
    }
    if (basename(program) === 'hyperkube' && argv.length > 1) {
      const sub = componentOfHyperkube(argv[1]!.text);
      if (sub) {
        const tokens = argv.slice(2);
        return { spec: sub, recognizedBy: `command hyperkube ${argv[1]!.text}`, tokens, insertPath: listOf(tokens, 'command') };
      }
    }
    if (SHELLS.has(basename(program))) return recognizeScript(argv);
    if (WRAPPERS.has(basename(program))) {
      // go-runner (kOps, GKE), tini, dumb-init…: the component is the first argument that names one.
      const at = argv.findIndex((t, i) => i > 0 && componentOfBinary(t.text) !== undefined);
      if (at !== -1) {
        const tokens = argv.slice(at + 1);
        return { spec: componentOfBinary(argv[at]!.text)!, recognizedBy: `command ${basename(program)} … ${argv[at]!.text}`, tokens, insertPath: listOf(tokens, 'command') };
      }
    }
    return undefined; // the command runs something else (etcdctl, a backup script…)
  }

  // No command: the image's entrypoint runs, with args.
  const fromImage = image ? componentOfImage(image) : undefined;
  const first = argv[0];
  if (first && !first.text.startsWith('-')) {
    const direct = componentOfBinary(first.text);
    if (direct) return { spec: direct, recognizedBy: `args ${first.text}`, tokens: argv.slice(1), insertPath: [...container.path, 'args'] };
    if (fromImage === 'hyperkube' || basename(first.text) === 'hyperkube') {
      const at = basename(first.text) === 'hyperkube' ? 1 : 0;
      const sub = argv[at] ? componentOfHyperkube(argv[at]!.text) : undefined;
      if (sub) return { spec: sub, recognizedBy: `hyperkube ${argv[at]!.text}`, tokens: argv.slice(at + 1), insertPath: [...container.path, 'args'] };
    }
    return undefined; // args name another program (etcdctl snapshot save…)
  }
  if (fromImage && fromImage !== 'hyperkube') return { spec: fromImage, recognizedBy: `image ${image}`, tokens: argv, insertPath: [...container.path, 'args'] };
  return undefined;
}

/** `sh -c "exec kube-apiserver --flag …"`: the component and its flags inside the script. */
function recognizeScript(argv: ArgToken[]): Recognized | undefined {
  let at = 1;
  while (at < argv.length && argv[at]!.text.startsWith('-') && !/^-\w*c\w*$/.test(argv[at]!.text)) at++;
  if (at >= argv.length || !/^-\w*c\w*$/.test(argv[at]!.text) || at + 1 >= argv.length) return undefined;
  const script = argv[at + 1]!;
  const words = shellWords(script.text);
  for (let i = 0; i < words.length; i++) {
    let spec = componentOfBinary(words[i]!);
    let skip = 1;
    if (!spec && basename(words[i]!) === 'hyperkube' && i + 1 < words.length) {
      spec = componentOfHyperkube(words[i + 1]!);
      skip = 2;
    }
    if (!spec) continue;
    const flags: ArgToken[] = [];
    for (let j = i + skip; j < words.length && !SHELL_OPERATORS.has(words[j]!); j++) flags.push({ text: words[j]!, path: script.path, inScript: true });
    return { spec, recognizedBy: `${basename(argv[0]!.text)} -c script running ${words[i]}`, tokens: flags, insertPath: script.path };
  }
  return undefined;
}

/** `command[3]`, `args[0]`, `env[2].value`: the tail of a path for messages. */
function shortPath(path: JsonPath, containerPath: JsonPath): string {
  return formatPath(path.slice(containerPath.length)).replace(/^\./, '');
}

function buildReader(recognized: Recognized, parsed: ParsedFlags, container: ContainerView, env: ReturnType<typeof readEnv>): FlagReader {
  const { spec, tokens } = recognized;
  const where = (index: number, valueIndex: number): string => {
    const flagToken = tokens[index]!;
    const place = shortPath(flagToken.path, container.path);
    if (flagToken.inScript) return `\`${tokens.slice(index, valueIndex + 1).map((t) => t.text).join(' ')}\` (in the script at ${place})`;
    if (valueIndex === index) return `\`${flagToken.text}\` (${place})`;
    return `\`${flagToken.text} ${tokens[valueIndex]!.text}\` (${place} and ${shortPath(tokens[valueIndex]!.path, container.path)})`;
  };
  const envByName = new Map(env.entries.map((e) => [e.name, e]));
  const configFile = spec.configFile;
  const configGiven = (): { where: string } | undefined => {
    if (!configFile) return undefined;
    const occ = [...parsed.occurrences].reverse().find((o) => o.name === configFile.flag);
    if (occ) return { where: where(occ.index, occ.valueIndex) };
    const e = configFile.env ? envByName.get(configFile.env) : undefined;
    if (e) return { where: `${e.name} (${shortPath(e.path, container.path)})` };
    return undefined;
  };

  const read = (name: string): FlagReading => {
    const occurrences = parsed.occurrences.filter((o) => o.name === name);
    const cfg = name === configFile?.flag ? undefined : configGiven();
    if (cfg && configFile && (configFile.overrides.includes('*') || configFile.overrides.includes(name))) {
      return { name, origin: 'unknown', given: [], unknown: `${cfg.where} names a configuration file that takes over this flag, and kubeward does not read it` };
    }
    const given: GivenValue[] = occurrences.map((o) => {
      const g: GivenValue = {
        value: o.value,
        path: tokens[o.valueIndex]!.path,
        written: tokens[o.valueIndex]!.inScript ? tokens.slice(o.index, o.valueIndex + 1).map((t) => t.text).join(' ') : tokens[o.valueIndex]!.text,
        where: where(o.index, o.valueIndex),
      };
      const stray = o.syntax === 'bare' ? parsed.positional.find((p) => p.index === o.index + 1) : undefined;
      if (stray && parseGoBool(stray.text) !== undefined) {
        g.hint = `\`${stray.text}\` after it is not its value: a boolean flag takes a value only as --${o.name}=${stray.text}, and ${spec.name} refuses to start with a stray argument`;
      }
      return g;
    });
    const envName = spec.envPrefix ? `${spec.envPrefix}${name.toUpperCase().replaceAll('-', '_')}` : undefined;
    const envEntry = envName ? envByName.get(envName) : undefined;
    if (given.length > 0) {
      const reading: FlagReading = { name, origin: 'flag', given };
      if (envEntry) reading.note = `${envName} is set too; etcd 3.4 and later refuse to start when a flag and its environment variable are both given`;
      return reading;
    }
    if (envEntry) {
      if (envEntry.fromRef !== undefined) return { name, origin: 'unknown', given: [], unknown: `${envName} comes from ${envEntry.fromRef} (${shortPath(envEntry.path, container.path)}), whose value is not in the manifest` };
      return {
        name,
        origin: 'env',
        given: [{ value: envEntry.value ?? '', path: envEntry.path, written: envEntry.value ?? '', where: `\`${envName}=${envEntry.value ?? ''}\` (${shortPath(envEntry.path, container.path)})` }],
      };
    }
    if (envName && env.envFrom.length > 0) {
      return { name, origin: 'unknown', given: [], unknown: `not on the command line, and ${envName} may come from ${env.envFrom.join(', ')}, whose values are not in the manifest` };
    }
    return { name, origin: 'default', given: [] };
  };

  return {
    component: spec.name,
    read,
    spec: (name: string): FlagSpec | undefined => spec.flags[name],
    insertPath: recognized.insertPath,
    insertWhere: recognized.tokens.some((t) => t.inScript) ? `the ${spec.name} command in the script at ${shortPath(recognized.insertPath, container.path)}` : `${formatPath(recognized.insertPath)}`,
    defaultAdmissionPlugins: spec.defaultAdmissionPlugins,
    featureGates: spec.featureGates,
  };
}

const cache = new WeakMap<InventoryObject, ControlPlaneContainer[]>();

/** The control-plane containers of one workload object (memoized per object). */
export function controlPlaneOf(object: InventoryObject): ControlPlaneContainer[] {
  const known = cache.get(object);
  if (known) return known;
  const found: ControlPlaneContainer[] = [];
  const pod = podTemplateOf(object);
  for (const container of pod?.containers ?? []) {
    if (container.list !== 'containers') continue; // init and ephemeral containers do not serve
    if (!mayRunComponent(container)) continue;
    const env = readEnv(container);
    const recognized = recognize(container, env.literal);
    if (!recognized) continue;
    const { spec } = recognized;
    const parsed = parseFlags(recognized.tokens.map((t) => t.text), {
      style: spec.flagStyle,
      booleans: new Set(spec.booleanFlags),
      shorthands: spec.shorthands,
      normalizeUnderscores: spec.normalizeUnderscores,
    });
    found.push({
      component: spec.name,
      spec,
      object,
      container,
      recognizedBy: recognized.recognizedBy,
      tokens: recognized.tokens,
      parsed,
      reader: buildReader(recognized, parsed, container, env),
    });
  }
  cache.set(object, found);
  return found;
}

/** Every control-plane container among the inventory's workloads, in inventory order. */
export function findControlPlane(inventory: Inventory): ControlPlaneContainer[] {
  return inventory.objects.flatMap((object) => controlPlaneOf(object));
}

/** `Pod kube-system/kube-apiserver-cp1 (file:line), container kube-apiserver` for sentences. */
export function describeInstance(cp: ControlPlaneContainer): string {
  const o = cp.object;
  const ns = o.namespace ? `${o.namespace}/` : '';
  return `${o.kind} ${ns}${o.name} (${o.source.file}:${o.source.line}), container ${cp.container.name}`;
}
