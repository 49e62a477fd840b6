import { constructFromEvents, EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents, YAML11_SCHEMA, YAMLException, type Event } from 'js-yaml';
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

/** Where a document's events lie in the event stream of its file. */
interface DocumentSpan {
  events: Event[];
  /** Index of the DOCUMENT event. */
  first: number;
  /** Index of the document's closing POP. */
  last: number;
}

/**
 * Parses a multi-document YAML or JSON text. A bad document is reported with its position and
 * skipped; the others are still returned. `kind: List` (and `*List`) objects are expanded.
 * Scalars resolve with YAML 1.1 rules, as the Kubernetes API machinery (go-yaml v2) reads them.
 */
export function parseManifests(text: string, file: string, origin: Origin, limits: ParseLimits = DEFAULT_PARSE_LIMITS): ParseOutcome {
  const outcome: ParseOutcome = { objects: [], errors: [], notes: [] };
  const lines = lineStarts(text);
  const at = (offset: number): SourcePosition => positionAt(lines, offset, file);

  for (const span of documentSpans(text, at, outcome)) {
    const startOffset = nodeStart(span.events[span.first + 1]) ?? 0;
    const endOffset = lastOffset(span) ?? startOffset;
    if (endOffset - startOffset > limits.maxDocumentBytes) {
      outcome.errors.push({ ...at(startOffset), message: `document is over the ${limits.maxDocumentBytes}-byte limit; skipped` });
      continue;
    }
    let value: unknown;
    try {
      [value] = constructFromEvents(span.events.slice(span.first, span.last + 1), {
        source: text, schema: YAML11_SCHEMA, maxAliases: limits.maxAliasCount,
      });
    } catch (error) {
      const reason = error instanceof YAMLException ? error.reason : (error as Error).message;
      const message = /alias/i.test(reason) ? `too many YAML aliases (possible alias bomb); document rejected` : `invalid YAML: ${reason}`;
      const mark = error instanceof YAMLException ? error.mark : undefined;
      outcome.errors.push({ ...(mark ? at(mark.position) : at(startOffset)), message });
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. a trailing `---`
    if (usesAliases(span) && expandedSize(value, limits.maxExpandedNodes) > limits.maxExpandedNodes) {
      outcome.errors.push({ ...at(startOffset), message: `YAML aliases expand to over ${limits.maxExpandedNodes} nodes (possible alias bomb); document rejected` });
      continue;
    }
    const here = at(startOffset);
    if (!isJsonObject(value)) {
      outcome.notes.push({ file, line: here.line, message: 'document is not a mapping; skipped' });
      continue;
    }
    collectObjects(value, [], file, origin, (path) => at(locateOffset(span, text, path)), outcome);
  }
  return outcome;
}

function usesAliases(span: DocumentSpan): boolean {
  for (let i = span.first; i <= span.last; i++) if (span.events[i]!.type === EVENT_ID.ALIAS) return true;
  return false;
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

/** Splits the event stream into documents. On a syntax error, parses document by document so one bad document does not hide the others. */
function documentSpans(text: string, at: (offset: number) => SourcePosition, outcome: ParseOutcome): DocumentSpan[] {
  try {
    return spansOf(parseEvents(text, { maxDepth: 100 }));
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
  }
  const spans: DocumentSpan[] = [];
  for (const chunk of documentChunks(text)) {
    try {
      spans.push(...spansOf(parseChunk(text, chunk)));
    } catch (error) {
      const mark = error instanceof YAMLException ? error.mark : undefined;
      const reason = error instanceof YAMLException ? error.reason : (error as Error).message;
      outcome.errors.push({ ...at(mark ? chunk.start + mark.position : chunk.start), message: `invalid YAML: ${reason}` });
    }
  }
  return spans;
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
function documentChunks(text: string): { start: number; end: number }[] {
  const chunks: { start: number; end: number }[] = [];
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  let start = 0;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    if (m.index > start) chunks.push({ start, end: m.index });
    start = m[0] === '---' ? m.index : m.index + m[0].length;
  }
  if (start < text.length) chunks.push({ start, end: text.length });
  return chunks;
}

function spansOf(events: Event[]): DocumentSpan[] {
  const spans: DocumentSpan[] = [];
  let depth = 0;
  let first = 0;
  events.forEach((event, index) => {
    if (event.type === EVENT_ID.POP) {
      depth--;
      if (depth === 0) spans.push({ events, first, last: index });
    } else if (event.type === EVENT_ID.DOCUMENT || event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      if (depth === 0) first = index;
      depth++;
    }
  });
  return spans;
}

function collectObjects(value: JsonObject, prefix: JsonPath, file: string, origin: Origin, locate: (path: JsonPath) => SourcePosition, outcome: ParseOutcome): void {
  const here = locate(prefix);
  if (typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
    outcome.notes.push({ file, line: here.line, message: 'not a Kubernetes object (no apiVersion and kind); skipped' });
    return;
  }
  if (value.kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, index) => {
      const itemPath = [...prefix, 'items', index];
      if (isJsonObject(item)) collectObjects(item, itemPath, file, origin, locate, outcome);
      else outcome.notes.push({ file, line: locate(itemPath).line, message: `item ${index} of ${value.kind} is not an object; skipped` });
    });
    return;
  }
  outcome.objects.push({
    raw: value,
    source: { file, line: here.line, column: here.column, origin, locate: (path) => locate([...prefix, ...path]) },
  });
}

/** Offset of the key (or item) at the end of `path`, or of the closest ancestor present in the document. */
export function locateOffset(span: DocumentSpan, text: string, path: JsonPath): number {
  const { events } = span;
  let index = span.first + 1;
  let offset = nodeStart(events[index]) ?? 0;
  for (const step of path) {
    const node = events[index];
    if (!node) break;
    let found = -1;
    if (node.type === EVENT_ID.MAPPING) {
      for (let i = index + 1; events[i] && events[i]!.type !== EVENT_ID.POP; ) {
        const key = events[i]!;
        const valueIndex = skip(events, i);
        if (key.type === EVENT_ID.SCALAR && getScalarValue(text, key) === String(step)) {
          // point at the opening quote of a quoted key, not inside it
          offset = key.style === SCALAR_STYLE.SINGLE_QUOTED || key.style === SCALAR_STYLE.DOUBLE_QUOTED ? key.valueStart - 1 : key.valueStart;
          found = valueIndex;
          break;
        }
        i = skip(events, valueIndex);
      }
    } else if (node.type === EVENT_ID.SEQUENCE && typeof step === 'number') {
      let i = index + 1;
      for (let n = 0; events[i] && events[i]!.type !== EVENT_ID.POP; n++, i = skip(events, i)) {
        if (n === step) {
          offset = nodeStart(events[i]) ?? offset;
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

/** Index just past the node that starts at `index`. */
function skip(events: Event[], index: number): number {
  const event = events[index];
  if (!event || (event.type !== EVENT_ID.MAPPING && event.type !== EVENT_ID.SEQUENCE)) return index + 1;
  let depth = 0;
  for (let i = index; i < events.length; i++) {
    const type = events[i]!.type;
    if (type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE) depth++;
    else if (type === EVENT_ID.POP && --depth === 0) return i + 1;
  }
  return events.length;
}

function nodeStart(event: Event | undefined): number | undefined {
  if (!event) return undefined;
  switch (event.type) {
    case EVENT_ID.MAPPING: case EVENT_ID.SEQUENCE: return event.anchorStart >= 0 ? Math.min(event.anchorStart, event.start) : event.start;
    case EVENT_ID.SCALAR: return event.anchorStart >= 0 ? Math.min(event.anchorStart, event.valueStart) : event.valueStart;
    case EVENT_ID.ALIAS: return event.anchorStart;
    default: return undefined;
  }
}

function lastOffset(span: DocumentSpan): number | undefined {
  for (let i = span.last; i > span.first; i--) {
    const event = span.events[i]!;
    if (event.type === EVENT_ID.SCALAR) return event.valueEnd;
    if (event.type === EVENT_ID.ALIAS) return event.anchorEnd;
  }
  return undefined;
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

/** A single YAML document with positions (config and ignore files). Throws an InputError-shaped error. */
export function parseYamlDocument(text: string, file: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): { value: unknown; locate: (path: JsonPath) => SourcePosition } {
  const lines = lineStarts(text);
  const at = (offset: number): SourcePosition => positionAt(lines, offset, file);
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: 100 });
  } catch (error) {
    const mark = error instanceof YAMLException ? error.mark : undefined;
    throw Object.assign(new Error(error instanceof YAMLException ? error.reason : String(error)), { position: mark ? at(mark.position) : undefined });
  }
  const [span] = spansOf(events);
  if (!span) return { value: undefined, locate: () => at(0) };
  try {
    const [value] = constructFromEvents(events.slice(span.first, span.last + 1), { source: text, schema: YAML11_SCHEMA, maxAliases: limits.maxAliasCount });
    return { value, locate: (path) => at(locateOffset(span, text, path)) };
  } catch (error) {
    const mark = error instanceof YAMLException ? error.mark : undefined;
    throw Object.assign(new Error(error instanceof YAMLException ? error.reason : String(error)), { position: mark ? at(mark.position) : undefined });
  }
}
