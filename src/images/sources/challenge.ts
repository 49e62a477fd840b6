// WWW-Authenticate parsing (RFC 7235 §4.1 / RFC 9110 §11.6.1): `Scheme k=v, k="quoted, value"`,
// possibly several challenges in one header. Only Basic and Bearer matter to registries.

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const SPACES = /[ \t]*/y;

/** Parses a WWW-Authenticate value into challenges; malformed tails are ignored, never thrown. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let pos = 0;
  let current: Challenge | undefined;
  const skip = (): void => {
    SPACES.lastIndex = pos;
    SPACES.exec(header);
    pos = SPACES.lastIndex;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = pos;
    const match = TOKEN.exec(header);
    if (!match) return undefined;
    pos = TOKEN.lastIndex;
    return match[0];
  };
  while (pos < header.length) {
    skip();
    if (header[pos] === ',') {
      pos++;
      continue;
    }
    const start = pos;
    const name = token();
    if (!name) break;
    skip();
    if (header[pos] === '=' && current) {
      pos++;
      skip();
      current.params[name.toLowerCase()] = header[pos] === '"' ? quoted() : (token() ?? '');
      continue;
    }
    if (header[pos] === '=' && !current) break;
    pos = start + name.length;
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
  }
  return challenges;

  function quoted(): string {
    let value = '';
    pos++;
    while (pos < header.length && header[pos] !== '"') {
      if (header[pos] === '\\' && pos + 1 < header.length) pos++;
      value += header[pos];
      pos++;
    }
    pos++;
    return value;
  }
}
