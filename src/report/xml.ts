/** XML 1.0 escaping shared by the JUnit report. */

/**
 * Replaces what XML 1.0 cannot carry at all (most control characters, lone surrogates, U+FFFE/U+FFFF)
 * with a visible `\uXXXX`, so hostile input still produces a well-formed document.
 */
export function xmlSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const allowed =
      code === 0x9 || code === 0xa || code === 0xd ||
      (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    out += allowed ? ch : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** Escapes element content. */
export function xmlText(text: string): string {
  return xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Escapes an attribute value (for either quote), keeping tabs and line breaks through attribute normalization. */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
