// How a container's command line reads before its program sees it: Kubernetes' `$(VAR)`
// expansion, and the words of an `sh -c` script (quotes, escapes, comments, operators).

/**
 * Kubernetes' `$(VAR)` expansion in command and args: a variable defined earlier in the container's
 * env (with a literal value) is replaced, `$$` escapes, anything else stays as written.
 */
export function expandVariables(text: string, env: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '$' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    if (next === '(') {
      const close = text.indexOf(')', i + 2);
      if (close !== -1) {
        const name = text.slice(i + 2, close);
        const value = env.get(name);
        out += value !== undefined ? value : text.slice(i, close + 1);
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * Splits a shell script into words the way `sh` would for simple commands: quotes, backslashes and
 * comments are honoured; `;`, `&&`, `||`, `|`, `&` and newlines become operator words. Variables
 * are left as written.
 */
export function shellWords(script: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  const flush = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\') {
      if (script[i + 1] === '\n') {
        i++;
        continue;
      }
      if (i + 1 < script.length) {
        word += script[i + 1];
        inWord = true;
        i++;
      }
      continue;
    }
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      const end = close === -1 ? script.length : close;
      word += script.slice(i + 1, end);
      inWord = true;
      i = end;
      continue;
    }
    if (c === '"') {
      inWord = true;
      i++;
      while (i < script.length && script[i] !== '"') {
        if (script[i] === '\\' && i + 1 < script.length && '"\\$`\n'.includes(script[i + 1]!)) {
          if (script[i + 1] !== '\n') word += script[i + 1];
          i += 2;
          continue;
        }
        word += script[i];
        i++;
      }
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < script.length && script[i] !== '\n') i++;
      i--;
      continue;
    }
    if (c === '\n' || c === ';') {
      flush();
      words.push(c);
      continue;
    }
    if (c === '>' || c === '<') {
      // A redirection (`2>&1`, `>> file`, `<file`): dropped with its target, it is not an argument.
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      }
      flush();
      i++;
      while (i < script.length && '<>&'.includes(script[i]!)) i++;
      if (script[i - 1] === '&' && /\d|-/.test(script[i] ?? '')) {
        while (i < script.length && /[\d-]/.test(script[i]!)) i++;
      } else {
        while (i < script.length && (script[i] === ' ' || script[i] === '\t')) i++;
        while (i < script.length && !' \t\n;&|<>'.includes(script[i]!)) i++;
      }
      i--;
      continue;
    }
    if (c === '&' || c === '|') {
      flush();
      if (script[i + 1] === c) {
        words.push(c + c);
        i++;
      } else words.push(c);
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      flush();
      continue;
    }
    word += c;
    inWord = true;
  }
  flush();
  return words;
}
