import yaml4 from 'js-yaml-4';
import { DocumentReader, lineIndexOf } from './locate.js';
import { eventLocator, type Chunk, type EventLocator } from './locate-events.js';
import { YAML11_SCHEMA_V4 } from './yaml11.js';
import type { SourcePosition } from '../core/finding.js';
import type { InputError, InputNote } from '../core/coverage.js';
import { isJsonObject, type JsonObject, type JsonPath, type ObjectSource, type Origin } from './object.js';

/** A raw Kubernetes object with its source, before normalization. */
export interface ParsedObject {
  raw: JsonObject;
  source: ObjectSource;
}

export interface ParseOutcome {
  objects: ParsedObject[];
  errors: InputError[];
  notes: InputNote[];
}

export interface ParseLimits {
  /** Largest single YAML document, in bytes. */
  maxDocumentBytes: number;
  /** Most aliases one document may use (guards against "billion laughs" alias bombs). */
  maxAliasCount: number;
  /** Most nodes a document may have once its aliases are expanded (a few aliases can still multiply). */
  maxExpandedNodes: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxDocumentBytes: 8 * 1024 * 1024, maxAliasCount: 100, maxExpandedNodes: 1_000_000 };

/**
 * Parses a multi-document YAML or JSON text. A bad document is reported with its position and
 * skipped; the others are still returned. `kind: List` (and `*List`) objects are expanded.
 * Scalars resolve with YAML 1.1 rules, as the Kubernetes API machinery (go-yaml v2) reads them.
 *
 * Values come from js-yaml 4 (the fastest parser for this job); positions are found in the text
 * when a finding needs one, and only where that reading is unsure does js-yaml 5's event parser
 * read the document again (see locate.ts).
 */
export function parseManifests(text: string, file: string, origin: Origin, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseOutcome {
  const outcome: ParseOutcome = { objects: [], errors: [], notes: [] };
  const lines = lineStarts(text);
  const at = (offset: number): SourcePosition => positionAt(lines, offset, file);

  for (const chunk of documentChunks(text)) {
    const document = loadDocument(text, chunk, limits);
    if ('error' in document) {
      outcome.errors.push({ ...at(document.error.offset), message: document.error.message });
      continue;
    }
    const { value } = document;
    if (value === null || value === undefined) continue; // an empty document, e.g. a trailing `---`
    const locate = documentLocator(text, lines, chunk);
    const start = locate([]);
    if (!isJsonObject(value)) {
      outcome.notes.push({ file, line: at(start).line, message: 'document is not a mapping; skipped' });
      continue;
    }
    collectObjects(value, [], file, (path) => at(locate(path)), (raw, prefix, here) => {
      outcome.objects.push({ raw, source: { file, line: here.line, column: here.column, origin, locate: (path) => at(locate([...prefix, ...path])) } });
    }, outcome.notes);
  }
  return outcome;
}

/** One document's value, or why it was rejected (with the offset to report). */
function loadDocument(text: string, chunk: Chunk, limits: ParseLimits): { value: unknown } | { error: { offset: number; message: string } } {
  const source = text.slice(chunk.start, chunk.end);
  const contentStart = chunk.start + firstContent(source);
  if (source.length > limits.maxDocumentBytes) {
    return { error: { offset: contentStart, message: `document is over the ${limits.maxDocumentBytes}-byte limit; skipped` } };
  }
  const aliases = countAliases(source);
  if (aliases > limits.maxAliasCount) {
    return { error: { offset: contentStart, message: `too many YAML aliases (${aliases}, limit ${limits.maxAliasCount}; possible alias bomb); document rejected` } };
  }
  let value: unknown;
  try {
    value = yaml4.load(source, { schema: YAML11_SCHEMA_V4 });
  } catch (error) {
    const reason = error instanceof yaml4.YAMLException ? error.reason : (error as Error).message;
    const mark = error instanceof yaml4.YAMLException ? error.mark : undefined;
    return { error: { offset: mark ? chunk.start + mark.position : contentStart, message: `invalid YAML: ${reason}` } };
  }
  if (aliases > 0 && expandedSize(value, limits.maxExpandedNodes) > limits.maxExpandedNodes) {
    return { error: { offset: contentStart, message: `YAML aliases expand to over ${limits.maxExpandedNodes} nodes (possible alias bomb); document rejected` } };
  }
  return { value };
}

/** Alias nodes (`*name`) in a document's text; an over-count is harmless (it only triggers the size check). */
function countAliases(source: string): number {
  if (!source.includes('*')) return 0;
  return source.match(/(?:^|[\s\[{,:-])\*[^\s,\[\]{}]/g)?.length ?? 0;
}

function firstContent(source: string): number {
  const match = /^(?:\s*(?:#.*)?\n)*\s*(?:---\s*\n)?\s*/.exec(source);
  return Math.min(match ? match[0].length : 0, source.length);
}

/** Finds any path of one document: by reading its text, or, where that is unsure, by its parser events (read once, on demand). */
function documentLocator(text: string, lines: readonly number[], chunk: Chunk): (path: JsonPath) => number {
  let reader: DocumentReader | undefined;
  let events: EventLocator | undefined;
  return (path) => {
    reader ??= new DocumentReader(text, lines, chunk.start, chunk.end);
    const quick = reader.locate(path);
    if (quick !== undefined) return quick;
    events ??= eventLocator(text, chunk);
    return events(path) ?? chunk.start;
  };
}


/**
 * Node count of the value with shared (aliased) parts counted every time they appear — what any
 * walk over it would visit. Memoized per shared object, and stops counting past `cap`.
 */
function expandedSize(value: unknown, cap: number): number {
  const memo = new Map<object, number>();
  const size = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    let total = 1;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      total += size(child);
      if (total > cap) break;
    }
    memo.set(node, total);
    return total;
  };
  return size(value);
}


/** Document boundaries: a line starting with `---` or `...` ends a document (YAML forbids them inside scalars). */
function documentChunks(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  const directivesOnly = /^(?:[ \t]*(?:[%#].*)?\r?\n?)*$/;
  let start = 0;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    // `%YAML` / `%TAG` directives belong to the document that the marker opens
    if (m[0] === '---' && m.index > start && /^%/m.test(text.slice(start, m.index)) && directivesOnly.test(text.slice(start, m.index))) continue;
    if (m.index > start) chunks.push({ start, end: m.index });
    start = m[0] === '---' ? m.index : m.index + m[0].length;
  }
  if (start < text.length) chunks.push({ start, end: text.length });
  return chunks;
}


function collectObjects(
  value: JsonObject,
  prefix: JsonPath,
  file: string,
  locate: (path: JsonPath) => SourcePosition,
  emit: (raw: JsonObject, prefix: JsonPath, here: SourcePosition) => void,
  notes: InputNote[],
): void {
  const here = locate(prefix);
  if (typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
    notes.push({ file, line: here.line, message: 'not a Kubernetes object (no apiVersion and kind); skipped' });
    return;
  }
  if (value.kind.endsWith('List') && Array.isArray(value.items)) {
    // In a typed list (PodList…) the items may leave out their kind and apiVersion: the list's own apply.
    const itemKind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
    value.items.forEach((item, index) => {
      const itemPath = [...prefix, 'items', index];
      if (isJsonObject(item) && itemKind !== undefined) {
        item.kind ??= itemKind;
        item.apiVersion ??= value.apiVersion;
      }
      if (isJsonObject(item)) collectObjects(item, itemPath, file, locate, emit, notes);
      else notes.push({ file, line: locate(itemPath).line, message: `item ${index} of ${value.kind} is not an object; skipped` });
    });
    return;
  }
  emit(value, prefix, here);
}





function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionAt(starts: readonly number[], offset: number, file: string): SourcePosition {
  const line = lineIndexOf(starts, offset);
  return { file, line: line + 1, column: offset - starts[line]! + 1 };
}

/** A single YAML document with positions (config and ignore files). Throws an error with a `position`. */
export function parseYamlDocument(text: string, file: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): { value: unknown; locate: (path: JsonPath) => SourcePosition } {
  const lines = lineStarts(text);
  const chunk = { start: 0, end: text.length };
  const document = loadDocument(text, chunk, limits);
  if ('error' in document) {
    throw Object.assign(new Error(document.error.message.replace(/^invalid YAML: /, '')), { position: positionAt(lines, document.error.offset, file) });
  }
  const locate = documentLocator(text, lines, chunk);
  return { value: document.value, locate: (path) => positionAt(lines, locate(path), file) };
}

