// Pure parsers for what identifies a Java archive: Maven's pom.properties (java.util.Properties
// text format), the JAR manifest's main section, and the `name-version.jar` file name convention.

/**
 * java.util.Properties#load text (https://docs.oracle.com/javase/8/docs/api/java/util/Properties.html#load-java.io.Reader-):
 * `#`/`!` comments, `key=value`, `key:value` or `key value`, a trailing odd backslash continues the line,
 * backslash escapes including `\uXXXX`.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let logical = lines[i]!.replace(/^[ \t\f]+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithOddBackslashes(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (endsWithOddBackslashes(logical)) logical = logical.slice(0, -1);
    const [key, value] = splitKeyValue(logical);
    out.set(unescape(key), unescape(value));
  }
  return out;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function splitKeyValue(line: string): [string, string] {
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') i += 2;
    else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    else i++;
  }
  const key = line.slice(0, i);
  let j = i;
  while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\f')) j++;
  if (j < line.length && (line[j] === '=' || line[j] === ':')) j++;
  while (j < line.length && (line[j] === ' ' || line[j] === '\t' || line[j] === '\f')) j++;
  return [key, line.slice(j)];
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, esc: string) =>
    esc.length === 5 ? String.fromCharCode(parseInt(esc.slice(1), 16)) : ESCAPES[esc] ?? esc);
}

/**
 * The main section of a JAR manifest (https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html#manifest-specification):
 * `Name: value` lines up to the first blank line; a line starting with one space continues the previous value.
 */
export function parseManifestMain(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let lastKey: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ')) {
      if (lastKey !== undefined) out.set(lastKey, out.get(lastKey)! + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim();
    out.set(lastKey, line.slice(colon + 1).replace(/^ /, ''));
  }
  return out;
}

const ARCHIVE_NAME = /\.(jar|war|ear|par|jpi|hpi)$/i;

/** True for the Java archive kinds this cataloger opens. */
export function isJavaArchiveName(name: string): boolean {
  return ARCHIVE_NAME.test(name);
}

/** `commons-lang3-3.12.0.jar` → artifact `commons-lang3`, version `3.12.0`: the version starts at the first `-digit`. */
export function parseArchiveFileName(path: string): { artifactId: string; version?: string } | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const m = /^(.+?)-(\d[^/]*)\.(?:jar|war|ear|par|jpi|hpi)$/i.exec(base);
  if (m) return { artifactId: m[1]!, version: m[2]! };
  const bare = base.replace(ARCHIVE_NAME, '');
  return bare ? { artifactId: bare } : undefined;
}

/** Maven coordinates, as far as the archive told them. */
export interface Coordinates {
  groupId?: string;
  artifactId?: string;
  version?: string;
}

/** Coordinates from a manifest's main section: Implementation-* first, then OSGi Bundle-* headers. */
export function manifestCoordinates(main: Map<string, string>): Coordinates {
  const symbolic = main.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const pick = (...values: (string | undefined)[]) => values.map((v) => v?.trim()).find((v) => v);
  const groupId = pick(main.get('Implementation-Vendor-Id'));
  const artifactId = pick(main.get('Implementation-Title'), symbolic);
  const version = pick(main.get('Implementation-Version'), main.get('Bundle-Version'));
  return { ...(groupId ? { groupId } : {}), ...(artifactId ? { artifactId } : {}), ...(version ? { version } : {}) };
}
