import { EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents, type Event, type ScalarEvent } from 'js-yaml';
import type { JsonPath } from './object.js';

// Positions from js-yaml 5's event parser: exact for any YAML, used where reading the text
// (locate.ts) is unsure. Events are kept as a compact table rather than objects.

/** A range of a file's text holding one document. */
export interface Chunk {
  start: number;
  end: number;
}

/**
 * A file's parser events, kept compact for locating fields later: FIELDS ints per event
 * (type, start offset, end offset, scalar style, chomping | fast flag, block indent). Objects
 * for every event would outlive the parse and cost the garbage collector dearly on large inputs.
 */
interface EventTable {
  ints: Int32Array;
  length: number;
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


export type EventLocator = (path: JsonPath) => number | undefined;

/** Locates paths in one document by its parser events; undefined for every path when the document does not parse. */
export function eventLocator(text: string, chunk: Chunk): EventLocator {
  let span: DocumentSpan | undefined;
  try {
    span = spansOf(parseChunk(text, chunk))[0];
  } catch {
    span = undefined;
  }
  return (path) => (span ? locateOffset(span, text, path) : undefined);
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

/** The parser's answer for `path` in a whole text (the reference the text locator is tested against). */
export function locateByEvents(text: string, path: JsonPath): number | undefined {
  return eventLocator(text, { start: 0, end: text.length })(path);
}
