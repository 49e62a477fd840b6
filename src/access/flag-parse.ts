// The one flag parser every control-plane check shares: argv read the way the component's flag
// library reads it — spf13/pflag for the Kubernetes components (kube-apiserver,
// kube-controller-manager, kube-scheduler), Go's standard `flag` package for etcd — and the Go
// value syntaxes (bool, list, map, duration) the tests compare with.

/** How a component's flag library reads its command line. */
export interface FlagSyntax {
  /** `pflag`: `-x` is a one-letter shorthand and parsing goes on past positional arguments.
   *  `go`: `-name` and `--name` are the same flag and parsing stops at the first non-flag. */
  style: 'pflag' | 'go';
  /** Boolean flags: they never take the next argument as their value (`--profiling false` leaves `false` as a stray argument). */
  booleans: ReadonlySet<string>;
  /** pflag one-letter shorthands and the long flag each stands for (`v` → `v`). */
  shorthands?: Readonly<Record<string, string>>;
  /** Kubernetes components normalize `_` to `-` in flag names (component-base WordSepNormalizeFunc). */
  normalizeUnderscores?: boolean;
}

export type FlagSyntaxKind = 'equals' | 'separate' | 'bare';

/** One occurrence of a flag on the command line. */
export interface FlagOccurrence {
  /** Normalized name, without dashes. */
  name: string;
  /** The value the flag library hands to the flag: `true` for a bare boolean. */
  value: string;
  syntax: FlagSyntaxKind;
  /** Index of the flag token in argv. */
  index: number;
  /** Index of the token that holds the value (the next token for `--flag value`, else `index`). */
  valueIndex: number;
}

export interface ParsedFlags {
  occurrences: FlagOccurrence[];
  /** Arguments that are not flags (the components refuse to start with any). */
  positional: { index: number; text: string }[];
  /** Tokens the flag library would reject (the component would not start). */
  problems: { index: number; message: string }[];
}

/** Parses argv (the tokens after the program name). Never throws. */
export function parseFlags(argv: readonly string[], syntax: FlagSyntax): ParsedFlags {
  const out: ParsedFlags = { occurrences: [], positional: [], problems: [] };
  const normalize = (name: string): string => (syntax.normalizeUnderscores ? name.replaceAll('_', '-') : name);
  let stopped = false;
  let i = 0;
  while (i < argv.length) {
    const token = argv[i]!;
    if (stopped) {
      out.positional.push({ index: i, text: token });
      i++;
      continue;
    }
    if (token === '--') {
      stopped = true; // both libraries: everything after `--` is positional
      i++;
      continue;
    }
    if (token.length < 2 || token[0] !== '-') {
      out.positional.push({ index: i, text: token });
      if (syntax.style === 'go') stopped = true; // Go's flag package stops at the first non-flag
      i++;
      continue;
    }
    const doubleDash = token.startsWith('--');
    if (!doubleDash && syntax.style === 'pflag') {
      i = shorthand(argv, i, syntax, out);
      continue;
    }
    const body = token.slice(doubleDash ? 2 : 1);
    if (body === '' || body.startsWith('-') || body.startsWith('=')) {
      out.problems.push({ index: i, message: `bad flag syntax: ${token}` });
      i++;
      continue;
    }
    const eq = body.indexOf('=');
    if (eq !== -1) {
      out.occurrences.push({ name: normalize(body.slice(0, eq)), value: body.slice(eq + 1), syntax: 'equals', index: i, valueIndex: i });
      i++;
      continue;
    }
    const name = normalize(body);
    if (syntax.booleans.has(name)) {
      out.occurrences.push({ name, value: 'true', syntax: 'bare', index: i, valueIndex: i });
      i++;
      continue;
    }
    if (i + 1 < argv.length) {
      // Both libraries take the next argument unconditionally, even when it starts with `-`.
      out.occurrences.push({ name, value: argv[i + 1]!, syntax: 'separate', index: i, valueIndex: i + 1 });
      i += 2;
      continue;
    }
    out.problems.push({ index: i, message: `flag needs an argument: ${token}` });
    i++;
  }
  return out;
}

/** pflag's `-v=2`, `-v2`, `-v 2`, `-h`. Returns the index of the next token. */
function shorthand(argv: readonly string[], i: number, syntax: FlagSyntax, out: ParsedFlags): number {
  const token = argv[i]!;
  const long = syntax.shorthands?.[token[1]!];
  if (long === undefined) {
    out.problems.push({ index: i, message: `unknown shorthand flag: '${token[1]}' in ${token}` });
    return i + 1;
  }
  const rest = token.slice(2);
  if (rest.startsWith('=')) {
    out.occurrences.push({ name: long, value: rest.slice(1), syntax: 'equals', index: i, valueIndex: i });
    return i + 1;
  }
  if (syntax.booleans.has(long)) {
    if (rest !== '') out.problems.push({ index: i, message: `unknown shorthand flags in ${token}` });
    out.occurrences.push({ name: long, value: 'true', syntax: 'bare', index: i, valueIndex: i });
    return i + 1;
  }
  if (rest !== '') {
    out.occurrences.push({ name: long, value: rest, syntax: 'equals', index: i, valueIndex: i });
    return i + 1;
  }
  if (i + 1 < argv.length) {
    out.occurrences.push({ name: long, value: argv[i + 1]!, syntax: 'separate', index: i, valueIndex: i + 1 });
    return i + 2;
  }
  out.problems.push({ index: i, message: `flag needs an argument: ${token}` });
  return i + 1;
}

/** The value each flag ends up with when every occurrence overwrites the previous one (scalar flags). */
export function lastValues(parsed: ParsedFlags): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of parsed.occurrences) out.set(o.name, o.value);
  return out;
}

/** Go's strconv.ParseBool, which both flag libraries use. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** A comma-separated list flag's items (pflag stringSlice): blanks trimmed, empty items dropped. */
export function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** `Key=true,Other=false` (feature gates and other map flags). Items without `=` get an empty value. */
export function splitMap(text: string): [string, string][] {
  return splitList(text).map((item) => {
    const eq = item.indexOf('=');
    return eq === -1 ? [item, ''] : [item.slice(0, eq).trim(), item.slice(eq + 1).trim()];
  });
}

/** Go's time.ParseDuration, in seconds; undefined when the text is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let sign = 1;
  let rest = text;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '') return undefined;
  let total = 0;
  re.lastIndex = 0;
  while (re.lastIndex < rest.length) {
    const match = re.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * units[match[2]!]!;
  }
  return sign * total;
}
