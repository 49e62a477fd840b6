import type { JsonPath } from './object.js';
import { FlowScanner, SPECIAL_PLAIN } from './locate-flow.js';

/**
 * Finds where a JSON path sits in one YAML document by reading its text — block mappings and
 * sequences by indentation, flow collections and JSON by a small scanner — without a full parse.
 * This keeps positions cheap for large scans. It answers:
 *  - an offset: the key (or list item) at the end of the path, or of the closest ancestor
 *    present in the document when the path goes further than the document;
 *  - undefined when the text uses something it does not read with certainty (tags, complex
 *    keys, YAML 1.1 keys such as `on`, tabs, directives…): the caller then asks the parser.
 * A key points at its first character (the opening quote of a quoted key); a list item at the
 * start of its content (after `- `).
 */
export function locateInText(text: string, lines: readonly number[], docStart: number, docEnd: number, path: JsonPath): number | undefined {
  return new DocumentReader(text, lines, docStart, docEnd).locate(path);
}

/** A node: where its content starts, and the lines (by index) that belong to it. */
interface BlockNode {
  start: number;
  /** Inside a flow collection, or an empty value: only `{` and `[` can have children there. */
  flow?: boolean;
  /** Column of the first content character. */
  column: number;
  /** Index of the line holding `start`. */
  line: number;
}

type Child = { at: number; node: BlockNode } | null | undefined;


/** Reads one document; keep one per document, as it caches what it learns about lines. */
export class DocumentReader {
  private readonly firstLine: number;
  private readonly lastLine: number;
  /** Per line (from firstLine): indentation, and content offset + 1 (0 for blank and comment lines); -1 when not yet read. */
  private readonly indents: Int32Array;
  private readonly contents: Int32Array;
  /** Children already found, by parent start offset and step: findings often share a path prefix. */
  private readonly children = new Map<number, Map<string | number, Child>>();
  private readonly mappings = new Map<number, Map<string, { keyStart: number; line: number; valueStart: number }> | undefined>();
  private readonly sequences = new Map<number, { line: number; dash: number }[]>();

  constructor(
    private readonly text: string,
    private readonly lines: readonly number[],
    private readonly docStart: number,
    private readonly docEnd: number,
  ) {
    this.firstLine = lineIndexOf(lines, docStart);
    this.lastLine = lineIndexOf(lines, Math.max(docStart, docEnd - 1)) + 1;
    this.indents = new Int32Array(this.lastLine - this.firstLine).fill(-1);
    this.contents = new Int32Array(this.lastLine - this.firstLine);
  }

  locate(path: JsonPath): number | undefined {
    let node = this.rootNode();
    if (!node) return undefined;
    let offset = node.start;
    for (const step of path) {
      let known = this.children.get(node.start);
      if (!known) this.children.set(node.start, (known = new Map()));
      let child = known.get(step);
      if (child === undefined && !known.has(step)) {
        child = this.child(node, step);
        known.set(step, child);
      }
      if (child === undefined) return undefined; // unsure
      if (child === null) return offset; // the path leaves the document here
      offset = child.at;
      node = child.node;
    }
    return offset;
  }

  rootNode(): BlockNode | undefined {
    for (let l = this.firstLine; l < this.lastLine; l++) {
      const { indent, content } = this.lineInfo(l);
      if (content === undefined) continue;
      const ch = this.text[content];
      if (ch === '%' || ch === '\t') return undefined;
      if (this.text.startsWith('---', content) && indent === 0) {
        const rest = this.skipSpaces(content + 3);
        if (rest < this.lineEnd(l) && this.text[rest] !== '#') return undefined; // content on the marker line
        continue;
      }
      return { start: content, column: indent, line: l };
    }
    return undefined;
  }

  child(node: BlockNode, step: string | number): Child {
    const ch = this.text[node.start];
    if (ch === '{' || ch === '[') return this.flowChild(node.start, step);
    if (node.flow) return ch === '!' || ch === '&' || ch === '*' ? undefined : null;
    if (ch === '!' || ch === '*' || ch === '?' || ch === '\t') return undefined;
    if (ch === '&') return undefined;
    if (ch === '-' && this.isIndicator(node.start + 1)) return typeof step === 'number' ? this.sequenceItem(node, step) : null;
    if (ch === '|' || ch === '>') return null; // a block scalar has no children
    const key = this.blockKeyAt(node.start);
    if (key === undefined) return undefined;
    if (key === null) return null; // a plain scalar
    return typeof step === 'string' ? this.mappingValue(node, step) : null;
  }

  /** The item `index` of the block sequence whose first dash is at `node.start`. */
  private sequenceItem(node: BlockNode, index: number): Child {
    const dashes = this.sequenceDashes(node);
    if (index >= dashes.length) return null;
    const { line: l, dash } = dashes[index]!;
    const inline = this.skipSpaces(dash + 1);
    if (inline < this.lineEnd(l) && this.text[inline] !== '#') {
      if (this.text[inline] === '|' || this.text[inline] === '>') return undefined; // the parser places block scalars at their content
      return { at: inline, node: { start: inline, column: inline - this.lines[l]!, line: l } };
    }
    const next = this.nextContent(l + 1);
    if (next === undefined || next.indent <= node.column) return null; // an empty (null) item
    return { at: next.content, node: { start: next.content, column: next.indent, line: next.line } };
  }

  /** The dashes of a block sequence, read once. */
  private sequenceDashes(node: BlockNode): { line: number; dash: number }[] {
    const known = this.sequences.get(node.start);
    if (known) return known;
    const dashes: { line: number; dash: number }[] = [];
    for (let l = node.line; l < this.lastLine; l++) {
      const { indent, content } = this.lineInfo(l);
      if (content === undefined) continue;
      const dash = l === node.line ? node.start : content;
      const column = l === node.line ? node.column : indent;
      if (column < node.column) break;
      if (column > node.column) continue;
      if (this.text[dash] !== '-' || !this.isIndicator(dash + 1)) break;
      dashes.push({ line: l, dash });
    }
    this.sequences.set(node.start, dashes);
    return dashes;
  }

  /** The value of `key` in the block mapping whose first key is at `node.start`. */
  private mappingValue(node: BlockNode, wanted: string): Child {
    const keys = this.mappingKeys(node);
    if (!keys) return undefined;
    const key = keys.get(wanted);
    if (!key) return null;
    const { keyStart, line: l, valueStart } = key;
    const inline = this.skipSpaces(valueStart);
    if (inline < this.lineEnd(l) && this.text[inline] !== '#') {
      return { at: keyStart, node: { start: inline, column: inline - this.lines[l]!, line: l } };
    }
    // the value is on the lines below: more indented, or a sequence at the key's own indent
    const column = node.column;
    const next = this.nextContent(l + 1);
    const belongs = next !== undefined && (next.indent > column || (next.indent === column && this.text[next.content] === '-' && this.isIndicator(next.content + 1)));
    if (!belongs) return { at: keyStart, node: { start: inline, flow: true, column, line: l } }; // an empty (null) value
    return { at: keyStart, node: { start: next.content, column: next.indent, line: next.line } };
  }

  /** The keys of a block mapping, read once; undefined when one of them is beyond this reader. */
  private mappingKeys(node: BlockNode): Map<string, { keyStart: number; line: number; valueStart: number }> | undefined {
    if (this.mappings.has(node.start)) return this.mappings.get(node.start);
    let keys: Map<string, { keyStart: number; line: number; valueStart: number }> | undefined = new Map();
    for (let l = node.line; l < this.lastLine; l++) {
      const { indent, content } = this.lineInfo(l);
      if (content === undefined) continue;
      const keyStart = l === node.line ? node.start : content;
      const column = l === node.line ? node.column : indent;
      if (column < node.column) break;
      if (column > node.column) continue;
      if (this.text[keyStart] === '-' && this.isIndicator(keyStart + 1)) continue; // a same-indent sequence of the previous key
      const key = this.blockKeyAt(keyStart);
      if (!key || keys.has(key.text)) {
        keys = undefined;
        break;
      }
      keys.set(key.text, { keyStart, line: l, valueStart: key.valueStart });
    }
    this.mappings.set(node.start, keys);
    return keys;
  }

  /**
   * A block mapping key at `at`: its text and where its value starts; null when the text there is a
   * plain scalar rather than a key; undefined when unsure.
   */
  private blockKeyAt(at: number): { text: string; valueStart: number } | null | undefined {
    const end = this.lineEnd(lineIndexOf(this.lines, at));
    const ch = this.text[at];
    if (ch === '"' || ch === "'") {
      const quoted = this.quoted(at, end);
      if (!quoted || this.text[quoted.end] !== ':' || !this.isIndicator(quoted.end + 1)) return quoted ? null : undefined;
      return { text: quoted.value, valueStart: quoted.end + 1 };
    }
    if (ch === '?' || ch === '[' || ch === '{' || ch === '!' || ch === '&' || ch === '*') return undefined;
    for (let i = at; i < end; i++) {
      const c = this.text[i];
      if (c === '#' && (this.text[i - 1] === ' ' || this.text[i - 1] === '\t')) return null;
      if (c === ':' && this.isIndicator(i + 1)) {
        const key = this.text.slice(at, i).trimEnd();
        if (SPECIAL_PLAIN.test(key) || key === '<<' || key.includes('\t')) return undefined;
        return { text: key, valueStart: i + 1 };
      }
    }
    return null;
  }

  /** A quoted scalar starting at `at` (on one line): its value and the index after the closing quote. */
  private quoted(at: number, limit: number): { value: string; end: number } | undefined {
    const quote = this.text[at]!;
    let value = '';
    for (let i = at + 1; i < limit; i++) {
      const c = this.text[i]!;
      if (quote === "'" && c === "'") {
        if (this.text[i + 1] === "'") {
          value += "'";
          i++;
          continue;
        }
        return { value, end: i + 1 };
      }
      if (quote === '"' && c === '\\') return undefined; // escapes: leave to the parser
      if (quote === '"' && c === '"') return { value, end: i + 1 };
      value += c;
    }
    return undefined;
  }

  /** Child `step` of the flow collection (or JSON) at `at`. */
  private flowChild(at: number, step: string | number): Child {
    const scanner = new FlowScanner(this.text, at, this.docEnd);
    const found = scanner.child(step);
    if (found === undefined || found === null) return found;
    const line = lineIndexOf(this.lines, found.value);
    return { at: found.at, node: { start: found.value, flow: true, column: found.value - this.lines[line]!, line } };
  }

  private nextContent(from: number): { line: number; indent: number; content: number } | undefined {
    for (let l = from; l < this.lastLine; l++) {
      const { indent, content } = this.lineInfo(l);
      if (content !== undefined) return { line: l, indent, content };
    }
    return undefined;
  }

  /** Indentation and first content offset of a line; content undefined for blank and comment lines. */
  private lineInfo(l: number): { indent: number; content: number | undefined } {
    const slot = l - this.firstLine;
    if (this.indents[slot] === -1) {
      const { indent, content } = this.readLine(l);
      this.indents[slot] = indent;
      this.contents[slot] = content === undefined ? 0 : content + 1;
    }
    const content = this.contents[slot]!;
    return { indent: this.indents[slot]!, content: content === 0 ? undefined : content - 1 };
  }

  private readLine(l: number): { indent: number; content: number | undefined } {
    const start = Math.max(this.lines[l]!, this.docStart);
    const end = this.lineEnd(l);
    let i = start;
    while (i < end && this.text[i] === ' ') i++;
    const indent = i - this.lines[l]!;
    if (i >= end || this.text[i] === '#' || this.text[i] === '\r') return { indent, content: undefined };
    return { indent, content: i };
  }

  /** Offset of the line's end (its `\n`, or `\r\n`). */
  private lineEnd(l: number): number {
    let end = Math.min(l + 1 < this.lines.length ? this.lines[l + 1]! - 1 : this.text.length, this.docEnd);
    if (this.text[end - 1] === '\r') end--;
    return end;
  }

  private skipSpaces(i: number): number {
    while (this.text[i] === ' ') i++;
    return i;
  }

  /** After `-`, `:` or `?`: the indicator counts only when followed by a space or the end of the line. */
  private isIndicator(i: number): boolean {
    const c = this.text[i];
    return c === undefined || c === ' ' || c === '\n' || c === '\r' || i >= this.docEnd;
  }
}

/** Index of the line containing `offset`, given the offsets where lines start. */
export function lineIndexOf(lines: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
