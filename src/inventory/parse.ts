import yaml4 from 'js-yaml-4';
import { EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents, type Event, type ScalarEvent } from 'js-yaml';
import { DocumentReader } from './locate.js';
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
 * A file's parser events, kept compact for locating fields later: FIELDS ints per event
 * (type, start offset, end offset, scalar style, chomping | fast flag, block indent). Objects
 * for every event would outlive the parse and cost the garbage collector dearly on large inputs.
 */
interface EventTable {
  ints: Int32Array;
  length: number;
}

function tableOf(ints: Int32Array): EventTable {
  return { ints, length: ints.length / FIELDS };
}

const FIELDS = 6;
const FAST = 16;
const ANCHORED = 32;

/** Where a document's events lie in the event table of its file. */
interface DocumentSpan {
  table: EventTable;
  /** Index of the DOCUMENT event. */
  first: number;
  /** Index of the document's closing POP. */
  last: number;
}

function compact(events: Event[]): EventTable {
  const ints = new Int32Array(events.length * FIELDS).fill(-1);
  events.forEach((event, i) => {
    const at = i * FIELDS;
    ints[at] = event.type;
    switch (event.type) {
      case EVENT_ID.MAPPING: case EVENT_ID.SEQUENCE:
        ints[at + 1] = event.anchorStart >= 0 ? Math.min(event.anchorStart, event.start) : event.start;
        break;
      case EVENT_ID.SCALAR:
        ints[at + 1] = event.valueStart;
        ints[at + 2] = event.valueEnd;
        ints[at + 3] = event.style;
        ints[at + 4] = event.chomping | (event.fast ? FAST : 0);
        ints[at + 5] = event.indent;
        if (event.anchorStart >= 0) {
          ints[at + 1] = Math.min(event.anchorStart, event.valueStart);
          ints[at + 4] |= ANCHORED;
        }
        break;
      case EVENT_ID.ALIAS:
        ints[at + 1] = event.anchorStart;
        ints[at + 2] = event.anchorEnd;
        break;
    }
  });
  return { ints, length: events.length };
}

const typeAt = (t: EventTable, i: number): number => t.ints[i * FIELDS]!;
const startAt = (t: EventTable, i: number): number => t.ints[i * FIELDS + 1]!;
const endAt = (t: EventTable, i: number): number => t.ints[i * FIELDS + 2]!;

/** The text of a scalar key, decoded as the parser decodes it. */
function scalarText(t: EventTable, i: number, text: string, valueStart: number): string {
  const at = i * FIELDS;
  const flags = t.ints[at + 4]!;
  if (flags & FAST) return text.slice(valueStart, t.ints[at + 2]);
  return getScalarValue(text, {
    type: EVENT_ID.SCALAR, valueStart, valueEnd: t.ints[at + 2]!, anchorStart: -1, anchorEnd: -1, tagStart: -1, tagEnd: -1,
    style: t.ints[at + 3]! as ScalarEvent['style'], chomping: (flags & 15) as ScalarEvent['chomping'], indent: t.ints[at + 5]!, fast: false,
  });
}

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

interface Chunk {
  start: number;
  end: number;
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

/** Finds any path of one document: by reading its text, or, where that is unsure, by its parser events (built once, on demand). */
function documentLocator(text: string, lines: readonly number[], chunk: Chunk): (path: JsonPath) => number {
  let events: DocumentSpan | undefined;
  let reader: DocumentReader | undefined;
  return (path) => {
    reader ??= new DocumentReader(text, lines, chunk.start, chunk.end);
    const quick = reader.locate(path);
    if (quick !== undefined) return quick;
    events ??= eventSpan(text, chunk);
    return events ? locateOffset(events, text, path) : chunk.start;
  };
}

/** The document's parser events (js-yaml 5), with offsets into the whole text. */
export function eventSpan(text: string, chunk: Chunk): DocumentSpan | undefined {
  try {
    return spansOf(parseChunk(text, chunk))[0];
  } catch {
    return undefined;
  }
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

/** Parses one chunk; its events are shifted so that offsets point into the whole text. */
function parseChunk(text: string, chunk: { start: number; end: number }): Event[] {
  const events = parseEvents(text.slice(chunk.start, chunk.end), { maxDepth: 100 });
  for (const event of events) {
    const shifted = event as unknown as Record<string, unknown>;
    for (const field of ['start', 'valueStart', 'valueEnd', 'anchorStart', 'anchorEnd', 'tagStart', 'tagEnd']) {
      const value = shifted[field];
      if (typeof value === 'number' && value >= 0) shifted[field] = value + chunk.start;
    }
  }
  return events;
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

function spansOf(events: Event[]): DocumentSpan[] {
  const table = compact(events);
  const spans: DocumentSpan[] = [];
  let depth = 0;
  let first = 0;
  events.forEach((event, index) => {
    if (event.type === EVENT_ID.POP) {
      depth--;
      if (depth === 0) spans.push({ table, first, last: index });
    } else if (event.type === EVENT_ID.DOCUMENT || event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      if (depth === 0) first = index;
      depth++;
    }
  });
  return spans;
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
    value.items.forEach((item, index) => {
      const itemPath = [...prefix, 'items', index];
      if (isJsonObject(item)) collectObjects(item, itemPath, file, locate, emit, notes);
      else notes.push({ file, line: locate(itemPath).line, message: `item ${index} of ${value.kind} is not an object; skipped` });
    });
    return;
  }
  emit(value, prefix, here);
}

/** Offset of the key (or item) at the end of `path`, or of the closest ancestor present in the document. */
function locateOffset(span: DocumentSpan, text: string, path: JsonPath): number {
  const t = span.table;
  let index = span.first + 1;
  let offset = Math.max(0, startAt(t, index));
  for (const step of path) {
    if (index >= t.length) break;
    const type = typeAt(t, index);
    let found = -1;
    if (type === EVENT_ID.MAPPING) {
      const wanted = String(step);
      for (let i = index + 1; i < t.length && typeAt(t, i) !== EVENT_ID.POP; ) {
        const valueIndex = skip(t, i);
        if (typeAt(t, i) === EVENT_ID.SCALAR) {
          const keyStart = startAt(t, i);
          if (scalarText(t, i, text, keyStart) === wanted) {
            const style = t.ints[i * FIELDS + 3];
            // point at the opening quote of a quoted key, not inside it
            offset = style === SCALAR_STYLE.SINGLE_QUOTED || style === SCALAR_STYLE.DOUBLE_QUOTED ? keyStart - 1 : keyStart;
            found = valueIndex;
            break;
          }
        }
        i = skip(t, valueIndex);
      }
    } else if (type === EVENT_ID.SEQUENCE && typeof step === 'number') {
      let i = index + 1;
      for (let n = 0; i < t.length && typeAt(t, i) !== EVENT_ID.POP; n++, i = skip(t, i)) {
        if (n === step) {
          offset = startAt(t, i) >= 0 ? nodeOffset(t, i) : offset;
          found = i;
          break;
        }
      }
    }
    if (found === -1) break;
    index = found;
  }
  return offset;
}

/** Where a node starts; a quoted scalar at its opening quote. */
function nodeOffset(t: EventTable, i: number): number {
  const at = i * FIELDS;
  const style = t.ints[at + 3];
  const quoted = t.ints[at] === EVENT_ID.SCALAR && (style === SCALAR_STYLE.SINGLE_QUOTED || style === SCALAR_STYLE.DOUBLE_QUOTED);
  return quoted && !(t.ints[at + 4]! & ANCHORED) ? t.ints[at + 1]! - 1 : t.ints[at + 1]!;
}

/** Index just past the node that starts at `index`. */
function skip(t: EventTable, index: number): number {
  const type = typeAt(t, index);
  if (type !== EVENT_ID.MAPPING && type !== EVENT_ID.SEQUENCE) return index + 1;
  let depth = 0;
  for (let i = index; i < t.length; i++) {
    const ti = typeAt(t, i);
    if (ti === EVENT_ID.MAPPING || ti === EVENT_ID.SEQUENCE) depth++;
    else if (ti === EVENT_ID.POP && --depth === 0) return i + 1;
  }
  return t.length;
}


function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function positionAt(starts: number[], offset: number, file: string): SourcePosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: offset - starts[lo]! + 1 };
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

/** The parser's answer for `path` (the reference the text locator is tested against). */
export function locateByEvents(text: string, path: JsonPath, chunk: Chunk = { start: 0, end: text.length }): number | undefined {
  const span = eventSpan(text, chunk);
  return span ? locateOffset(span, text, path) : undefined;
}
