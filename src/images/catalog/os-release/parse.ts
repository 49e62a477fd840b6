// Parsers for the files that name a Linux distribution.

export interface KeyValueFile {
  values: Map<string, string>;
  /** `line N: problem` for lines that could not be read; the others are kept. */
  errors: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Inside double quotes a backslash escapes only these, as in the shell. */
const DOUBLE_QUOTE_ESCAPES = new Set(['"', '\\', '$', '`']);

/**
 * Parses os-release (and lsb-release, which shares its syntax): `KEY=value` lines, `#` comments,
 * blank lines, values optionally in double or single quotes with shell-style backslash escapes.
 * https://www.freedesktop.org/software/systemd/man/latest/os-release.html
 */
export function parseOsRelease(text: string): KeyValueFile {
  const values = new Map<string, string>();
  const errors: string[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).trim();
    if (!KEY.test(key)) {
      errors.push(`line ${index + 1}: expected KEY=value`);
      continue;
    }
    const value = unquote(line.slice(eq + 1).trim());
    if (value === undefined) errors.push(`line ${index + 1}: unterminated quote in ${key}`);
    else values.set(key, value);
  }
  return { values, errors };
}

/** Shell-style unquoting of one value; undefined when a quote is left open. */
export function unquote(value: string): string | undefined {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < value.length && DOUBLE_QUOTE_ESCAPES.has(value[i + 1]!)) out += value[++i];
      else out += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '\\' && i + 1 < value.length) {
      out += value[++i];
    } else {
      out += c;
    }
  }
  return quote ? undefined : out;
}

export interface ReleaseLine {
  name: string;
  version: string;
  codename?: string;
}

/** `Red Hat Enterprise Linux release 8.4 (Ootpa)`, `CentOS Linux release 7.9.2009 (Core)`… */
export function parseRedhatRelease(text: string): ReleaseLine | undefined {
  const line = text.split('\n', 1)[0]!.trim();
  const match = /^(.+?) release (\d[\w.-]*)(?:\s+\(([^)]*)\))?/.exec(line);
  if (!match) return undefined;
  return { name: match[1]!, version: match[2]!, ...(match[3] ? { codename: match[3] } : {}) };
}

/** The os-release ID each redhat-release distribution name stands for. */
const REDHAT_RELEASE_IDS: [RegExp, string][] = [
  [/^Red Hat Enterprise Linux/, 'rhel'],
  [/^CentOS/, 'centos'],
  [/^Fedora/, 'fedora'],
  [/^Rocky Linux/, 'rocky'],
  [/^AlmaLinux/, 'almalinux'],
  [/^Oracle Linux/, 'ol'],
  [/^Amazon Linux/, 'amzn'],
];

export function redhatReleaseId(name: string): string {
  for (const [pattern, id] of REDHAT_RELEASE_IDS) if (pattern.test(name)) return id;
  return name.split(/\s+/)[0]!.toLowerCase();
}
