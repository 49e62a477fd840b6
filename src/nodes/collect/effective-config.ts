import { parseGoBool, parseFlags, splitList, splitMap, type FlagSyntax } from '../../access/flags.js';
import { isJsonObject, parseYamlDocument, type JsonPath } from '../../inventory/index.js';
import type { EffectiveSetting, SettingOrigin } from '../model.js';
import type { FlagField } from './flag-tables.js';

// The configuration a kubelet (or kube-proxy) runs with, built the way the kubelet builds it
// (https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/): the `--config` file,
// then each `--config-dir` drop-in in order merged over it as a JSON merge patch (objects merge
// per field, lists and scalars are replaced, null removes:
// https://kubernetes.io/docs/reference/node/kubelet-config-directory-merging/), then the flags
// given on the command line, which override both (`--feature-gates` merged per gate).

/** One value given somewhere: a leaf of a config file (null = removed by a drop-in) or a flag. */
export interface LayerEntry {
  path: string;
  value: unknown;
  where: string;
}

export interface Layer {
  origin: SettingOrigin;
  entries: LayerEntry[];
}

/**
 * A config document's leaves as dotted paths (`authentication.anonymous.enabled`), each with
 * `file:line`. Maps such as featureGates become one leaf per key (`featureGates.RotateKubeletServerCertificate`,
 * kube-bench's path); lists are leaves. apiVersion and kind are not settings.
 */
export function flattenConfig(value: unknown, file: string, line: (path: JsonPath) => number, suffix = ''): LayerEntry[] {
  const out: LayerEntry[] = [];
  const walk = (node: unknown, keys: string[]): void => {
    if (isJsonObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (keys.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
        walk(child, [...keys, key]);
      }
      return;
    }
    if (keys.length === 0) return;
    out.push({ path: keys.join('.'), value: node, where: `${file}:${line(keys)}${suffix}` });
  };
  walk(value, []);
  return out;
}

/** Applies layers in order. A later value overrides an earlier one, which is kept in `overridden`. */
export function mergeLayers(layers: readonly Layer[]): Map<string, EffectiveSetting> {
  const settings = new Map<string, EffectiveSetting>();
  for (const layer of layers) {
    for (const entry of layer.entries) {
      // A value replaces what was under it (a scalar over an object) and above it (an object over a scalar).
      for (const key of [...settings.keys()]) {
        if (key.startsWith(`${entry.path}.`) || entry.path.startsWith(`${key}.`)) settings.delete(key);
      }
      const previous = settings.get(entry.path);
      if (entry.value === null) {
        settings.delete(entry.path); // JSON merge patch: null removes the field
        continue;
      }
      const setting: EffectiveSetting = { path: entry.path, value: entry.value, origin: layer.origin, where: entry.where };
      if (previous) setting.overridden = [...(previous.overridden ?? []), { value: previous.value, origin: previous.origin, where: previous.where }];
      settings.set(entry.path, setting);
    }
  }
  return settings;
}

/** A config file's layer, or the problem that kept it out (`file:line: message`). */
export function configLayer(text: string, file: string, origin: SettingOrigin, expectedKind: string, suffix = ''): { layer?: Layer; problems: string[] } {
  let parsed: ReturnType<typeof parseYamlDocument>;
  try {
    parsed = parseYamlDocument(text, file);
  } catch (err) {
    const position = (err as { position?: { line: number } }).position;
    return { problems: [`${file}${position ? `:${position.line}` : ''}: ${(err as Error).message}`] };
  }
  const { value, locate } = parsed;
  if (value === null || value === undefined) return { layer: { origin, entries: [] }, problems: [] };
  if (!isJsonObject(value)) return { problems: [`${file}:1: not a ${expectedKind} (the document is not a mapping); ignored`] };
  const problems: string[] = [];
  if (value.kind !== undefined && value.kind !== expectedKind) problems.push(`${file}:${locate(['kind']).line}: kind ${String(value.kind)}, expected ${expectedKind}`);
  return { layer: { origin, entries: flattenConfig(value, file, (p) => locate(p).line, suffix) }, problems };
}

export interface FlagReadout {
  /** Flags with a config field, in command-line order. */
  entries: LayerEntry[];
  /** Flags without one, by flag name (the last occurrence wins; earlier ones in `overridden`). */
  flagsOnly: Map<string, EffectiveSetting>;
  /** Last value of every flag given (for `--config`, `--config-dir`). */
  last: Map<string, string>;
  /** Flag names by config path, to say which flag set a path. */
  flagOfPath: Map<string, string>;
  problems: string[];
}

/** `--x=v`, `--x v` or `--x` as written, with where it was read. */
function written(name: string, value: string, syntax: string, source: string): string {
  const text = syntax === 'equals' ? `--${name}=${value}` : syntax === 'separate' ? `--${name} ${value}` : `--${name}`;
  return `${text} (${source})`;
}

/** Converts a flag's text to the config field's type; undefined when the component would reject it. */
export function typedFlagValue(text: string, type: FlagField['type']): unknown {
  switch (type) {
    case 'bool':
      return parseGoBool(text);
    case 'int':
      return /^[+-]?\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
    case 'float':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined;
    case 'list':
      return splitList(text);
    default:
      return text;
  }
}

/** Reads a component's flags (pflag rules of src/access/flags.ts) against a flag → field table. */
export function readFlags(args: readonly string[], table: Readonly<Record<string, FlagField>>, booleans: ReadonlySet<string>, source: string, component: string): FlagReadout {
  const syntax: FlagSyntax = { style: 'pflag', booleans, shorthands: { v: 'v', h: 'help' }, normalizeUnderscores: true };
  const parsed = parseFlags(args, syntax);
  const out: FlagReadout = { entries: [], flagsOnly: new Map(), last: new Map(), flagOfPath: new Map(), problems: [] };
  for (const p of parsed.problems) out.problems.push(`${source}: argument ${p.index + 1}: ${p.message}`);
  const lists = new Map<string, LayerEntry>();
  for (const o of parsed.occurrences) {
    out.last.set(o.name, o.value);
    const where = written(o.name, o.value, o.syntax, source);
    const field = table[o.name];
    if (!field) {
      const previous = out.flagsOnly.get(o.name);
      const setting: EffectiveSetting = { path: o.name, value: o.value, origin: 'flag', where };
      if (previous) setting.overridden = [...(previous.overridden ?? []), { value: previous.value, origin: 'flag', where: previous.where }];
      out.flagsOnly.set(o.name, setting);
      continue;
    }
    out.flagOfPath.set(field.path, o.name);
    if (field.type === 'map') {
      // mapStringBool: every occurrence merges its gates; a bad value stops the component.
      for (const [key, raw] of splitMap(o.value)) {
        const value = parseGoBool(raw);
        if (value === undefined) out.problems.push(`${where}: ${key}=${raw} is not a boolean; ${component} would refuse to start`);
        out.entries.push({ path: `${field.path}.${key}`, value: value ?? raw, where });
        out.flagOfPath.set(`${field.path}.${key}`, o.name);
      }
      continue;
    }
    const value = typedFlagValue(o.value, field.type);
    if (value === undefined) out.problems.push(`${where}: not a valid ${field.type} for --${o.name}; ${component} would refuse to start`);
    if (field.type === 'list') {
      // stringSlice: repeated occurrences append to one list.
      const known = lists.get(o.name);
      if (known) {
        known.value = [...(known.value as string[]), ...(value as string[])];
        known.where = `${known.where}, ${where}`;
        continue;
      }
      const entry: LayerEntry = { path: field.path, value, where };
      lists.set(o.name, entry);
      out.entries.push(entry);
      continue;
    }
    out.entries.push({ path: field.path, value: value ?? o.value, where });
  }
  return out;
}
