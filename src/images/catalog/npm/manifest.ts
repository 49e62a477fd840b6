// Pure helpers for npm manifests: which paths are a package's own package.json, and what one says.

/** What a package.json told about its package, or why it could not. */
export type NpmManifest =
  | { name: string; version: string; licenses: string[] }
  | { problem: string };

/**
 * True for `…/node_modules/<name>/package.json` and `…/node_modules/@scope/<name>/package.json`:
 * the package's own manifest, not files deeper inside it (test fixtures, examples).
 */
export function isInstalledManifestPath(path: string): boolean {
  const parts = path.split('/');
  const n = parts.length;
  if (n < 3 || parts[n - 1] !== 'package.json') return false;
  const name = parts[n - 2]!;
  if (!isPackageDirName(name) || name.startsWith('@')) return false;
  if (parts[n - 3] === 'node_modules') return true;
  return n >= 4 && parts[n - 4] === 'node_modules' && parts[n - 3]!.startsWith('@') && parts[n - 3]!.length > 1;
}

function isPackageDirName(segment: string): boolean {
  return segment.length > 0 && !segment.startsWith('.') && segment !== 'node_modules';
}

/** Parses package.json text; a problem names the JSON path that is wrong. */
export function parseManifest(text: string): NpmManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { problem: `invalid JSON (${(err as Error).message})` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { problem: 'not a JSON object' };
  const record = doc as Record<string, unknown>;
  const name = record['name'];
  const version = record['version'];
  if (typeof name !== 'string' || name.trim() === '') return { problem: '$.name missing or not a string' };
  if (typeof version !== 'string' || version.trim() === '') return { problem: '$.version missing or not a string' };
  return { name: name.trim(), version: version.trim(), licenses: manifestLicenses(record) };
}

/** `license` as a string or `{type}`, else the legacy `licenses` array of either form. */
export function manifestLicenses(record: Record<string, unknown>): string[] {
  const single = licenseText(record['license']);
  if (single) return [single];
  const legacy = record['licenses'];
  const list = Array.isArray(legacy) ? legacy : legacy === undefined ? [] : [legacy];
  const out: string[] = [];
  for (const item of list) {
    const text = licenseText(item);
    if (text && !out.includes(text)) out.push(text);
  }
  return out;
}

function licenseText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
    return ((value as { type: string }).type).trim() || undefined;
  }
  return undefined;
}

/** Splits `@scope/name` into purl namespace and name. */
export function splitScope(name: string): { namespace?: string; name: string } {
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash > 1 && slash < name.length - 1) return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
  }
  return { name };
}
