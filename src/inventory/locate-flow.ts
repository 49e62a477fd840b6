// The flow-style half of the text locator (locate.ts): `{a: 1, b: [x]}` collections and JSON.

/** Plain keys whose meaning YAML 1.1 changes (booleans, nulls, numbers): left to the parser. */
export const SPECIAL_PLAIN = /^(?:[-+.~\d]|(?:y|n|yes|no|on|off|true|false|null)$)/i;

/** Reads flow collections (`{a: 1, b: [x]}`) and JSON. */
export class FlowScanner {
  constructor(private readonly text: string, private i: number, private readonly end: number) {}

  /** Child `step` of the collection at the current position: key (or item) offset and value offset. */
  child(step: string | number): { at: number; value: number } | null | undefined {
    const open = this.text[this.i];
    this.i++;
    if (open === '[') {
      if (typeof step !== 'number') return null;
      for (let n = 0; ; n++) {
        this.space();
        if (this.text[this.i] === ']') return null;
        const start = this.i;
        if (n === step) return this.simpleNode() ? { at: start, value: start } : undefined;
        if (!this.skipNode()) return undefined;
        this.space();
        if (this.text[this.i] === ',') this.i++;
        else if (this.text[this.i] !== ']') return undefined;
      }
    }
    if (typeof step !== 'string') return null;
    for (;;) {
      this.space();
      if (this.text[this.i] === '}') return null;
      const keyAt = this.i;
      const key = this.key();
      if (key === undefined) return undefined;
      this.space();
      if (this.text[this.i] !== ':') return undefined;
      this.i++;
      this.space();
      const valueAt = this.i;
      if (key === step) return { at: keyAt, value: valueAt };
      if (!this.skipNode()) return undefined;
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== '}') return undefined;
    }
  }

  private key(): string | undefined {
    const c = this.text[this.i];
    if (c === '"' || c === "'") return this.quoted();
    if (c === '?' || c === '{' || c === '[' || c === '!' || c === '&' || c === '*') return undefined;
    const start = this.i;
    while (this.i < this.end) {
      const ch = this.text[this.i]!;
      if (ch === ':' && /[\s,\[\]{}]/.test(this.text[this.i + 1] ?? ' ')) break;
      if (ch === ',' || ch === '}' || ch === ']' || ch === '\n') return undefined;
      this.i++;
    }
    const key = this.text.slice(start, this.i).trim();
    return SPECIAL_PLAIN.test(key) || key === '<<' ? undefined : key;
  }

  private quoted(): string | undefined {
    const quote = this.text[this.i]!;
    let value = '';
    for (this.i++; this.i < this.end; this.i++) {
      const c = this.text[this.i]!;
      if (c === '\n') return undefined;
      if (quote === "'" && c === "'") {
        if (this.text[this.i + 1] === "'") {
          value += "'";
          this.i++;
          continue;
        }
        this.i++;
        return value;
      }
      if (quote === '"' && c === '\\') return undefined;
      if (quote === '"' && c === '"') {
        this.i++;
        return value;
      }
      value += c;
    }
    return undefined;
  }

  /** True when the node here is one this scanner can stand on (not an alias, tag or anchor). */
  private simpleNode(): boolean {
    const c = this.text[this.i];
    return c !== '!' && c !== '&' && c !== '*' && c !== '?';
  }

  private skipNode(): boolean {
    const c = this.text[this.i];
    if (!this.simpleNode()) return false;
    if (c === '"' || c === "'") return this.quoted() !== undefined;
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      this.i++;
      for (;;) {
        this.space();
        if (this.text[this.i] === close) {
          this.i++;
          return true;
        }
        if (c === '{') {
          if (this.key() === undefined) return false;
          this.space();
          if (this.text[this.i] !== ':') return false;
          this.i++;
          this.space();
        }
        if (!this.skipNode()) return false;
        this.space();
        if (this.text[this.i] === ',') this.i++;
        else if (this.text[this.i] !== close) return false;
      }
    }
    // a plain scalar: up to the next flow indicator
    while (this.i < this.end) {
      const ch = this.text[this.i]!;
      if (ch === ',' || ch === ']' || ch === '}' || ch === '\n') break;
      if (ch === '#' && this.text[this.i - 1] === ' ') return false;
      if (ch === ':' && /[\s,\[\]{}]/.test(this.text[this.i + 1] ?? ' ')) return false; // an implicit pair inside a sequence
      this.i++;
    }
    return true;
  }

  private space(): void {
    while (this.i < this.end) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t') this.i++;
      else if (c === '#') while (this.i < this.end && this.text[this.i] !== '\n') this.i++;
      else break;
    }
  }
}
