// Core metadata (PEP 241/314/345/566/639): RFC 822-style headers, then a blank line and the
// long description, which is never needed here.

export interface PythonMetadata {
  name?: string;
  version?: string;
  licenses: string[];
  /** Lines that were neither `Key: value` nor a continuation, with their 1-based line numbers. */
  badLines: number[];
}

/** A free-text `License:` longer than this is the whole licence body, not a name worth reporting. */
const MAX_LICENSE_NAME = 100;

/**
 * True for `…/X.dist-info/METADATA`, `…/X.egg-info/PKG-INFO` and an `…/X.egg-info` file
 * (setuptools' old single-file form; the caller checks it is a regular file).
 */
export function isMetadataPath(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (base.endsWith('.egg-info')) return base.length > '.egg-info'.length;
  const parentStart = path.lastIndexOf('/', slash - 1) + 1;
  const parent = slash > 0 ? path.slice(parentStart, slash) : '';
  if (base === 'METADATA') return parent.endsWith('.dist-info') && parent.length > '.dist-info'.length;
  if (base === 'PKG-INFO') return parent.endsWith('.egg-info') && parent.length > '.egg-info'.length;
  return false;
}

/** Parses the header block (the text up to the first blank line; anything after is ignored). */
export function parseMetadataHeaders(text: string): PythonMetadata {
  const headers: [string, string][] = [];
  const badLines: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line.trim() === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = headers[headers.length - 1];
      if (last) last[1] += `\n${line.trim()}`;
      else badLines.push(i + 1);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      badLines.push(i + 1);
      continue;
    }
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { ...identity(headers), licenses: licensesOf(headers), badLines };
}

function identity(headers: [string, string][]): { name?: string; version?: string } {
  const name = headers.find(([k]) => k === 'name')?.[1];
  const version = headers.find(([k]) => k === 'version')?.[1];
  return { ...(name ? { name } : {}), ...(version ? { version } : {}) };
}

/**
 * License-Expression (PEP 639) when present; else a short `License:` plus the names of
 * `Classifier: License :: …` trove entries.
 */
function licensesOf(headers: [string, string][]): string[] {
  const expression = headers.find(([k]) => k === 'license-expression')?.[1];
  if (expression) return [expression];
  const out: string[] = [];
  const free = headers.find(([k]) => k === 'license')?.[1];
  if (free && !free.includes('\n') && free.length <= MAX_LICENSE_NAME && !/^unknown$/i.test(free)) out.push(free);
  for (const [key, value] of headers) {
    if (key !== 'classifier' || !value.startsWith('License ::')) continue;
    const name = value.split('::').pop()!.trim();
    if (name && name !== 'OSI Approved' && !out.includes(name)) out.push(name);
  }
  return out;
}

/** PEP 503 normalised project name: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
