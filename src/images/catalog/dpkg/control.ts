import type { Line } from '../../layers/index.js';

// Debian control files (the dpkg status database): RFC 822-like stanzas separated by blank lines,
// `Field: value` lines, continuation lines starting with a space or tab.
// https://www.debian.org/doc/debian-policy/ch-controlfields.html#syntax-of-control-files

export interface Stanza {
  /** The wanted fields, keys lower-cased (field names are case-insensitive); first line of each value. */
  fields: Map<string, string>;
  /** Line where the stanza starts. */
  line: number;
}

export interface StanzaProblem {
  line: number;
  message: string;
}

/**
 * Streams stanzas keeping only `wanted` fields, so a multi-megabyte status file with long
 * descriptions costs only what is kept. Malformed lines are reported and skipped.
 */
export async function* readStanzas(
  lines: AsyncIterable<Line>,
  wanted: ReadonlySet<string>,
  onProblem: (problem: StanzaProblem) => void,
): AsyncGenerator<Stanza> {
  let current: Stanza | undefined;
  for await (const { number, text, truncated } of lines) {
    if (text.trim() === '') {
      if (current) yield current;
      current = undefined;
      continue;
    }
    if (text.startsWith(' ') || text.startsWith('\t')) {
      if (!current) onProblem({ line: number, message: 'continuation line outside a field' });
      continue; // continuation of a multi-line field (Description, Conffiles…): none is kept
    }
    current ??= { fields: new Map(), line: number };
    const colon = text.indexOf(':');
    if (colon <= 0) {
      onProblem({ line: number, message: 'expected "Field: value"' });
      continue;
    }
    const name = text.slice(0, colon).toLowerCase();
    if (!wanted.has(name)) continue;
    if (truncated) onProblem({ line: number, message: `field ${text.slice(0, colon)} is too long; cut` });
    current.fields.set(name, text.slice(colon + 1).trim());
  }
  if (current) yield current;
}

/** Package names per policy 5.6.1 (upper case tolerated); the version, if any, in parentheses. */
const SOURCE_FIELD = /^([A-Za-z0-9][A-Za-z0-9+.-]*)(?:\s*\(([^()]+)\))?$/;

/** `Source: name` or `Source: name (version)`. */
export function parseSourceField(value: string): { name: string; version?: string } | undefined {
  const match = SOURCE_FIELD.exec(value.trim());
  if (!match) return undefined;
  return match[2] ? { name: match[1]!, version: match[2].trim() } : { name: match[1]! };
}
