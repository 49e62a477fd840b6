import { PackageURL } from 'packageurl-js';
import type { Advisory, AffectedPackage, AffectedRange, RangeEvent, SeverityScore } from '../model.js';
import { childPath, RecordError, type RecordLocation } from './errors.js';

// OSV records (https://ossf.github.io/osv-schema/) to Advisory: the fields kubeward matches and
// reports with are checked; anything else in the record is ignored.

const RANGE_TYPES = new Set(['SEMVER', 'ECOSYSTEM', 'GIT']);
const EVENT_KEYS = new Set(['introduced', 'fixed', 'last_affected', 'limit']);

type Json = Record<string, unknown>;

/** Checks one OSV record and converts it; a RecordError names the file, entry and JSON path. */
export function parseOsvRecord(json: unknown, where: RecordLocation): Advisory {
  const fail = (path: string, message: string): never => {
    throw new RecordError(where, path, message);
  };
  const base = where.path ?? '';
  const record = object(json, base, fail);
  const str = (key: string, required: boolean): string | undefined => optionalString(record, key, base, required, fail);
  const advisory: Advisory = {
    id: str('id', true) as string,
    aliases: stringList(record.aliases, childPath(base, 'aliases'), fail),
    severity: severities(record.severity, childPath(base, 'severity'), fail),
    references: references(record.references, childPath(base, 'references'), fail),
    affected: list(record.affected, childPath(base, 'affected'), fail).map((item, i) => affected(item, childPath(childPath(base, 'affected'), i), fail)),
    source: `osv:${where.file}${where.entry ? `!${where.entry}` : ''}`,
    modified: str('modified', true) as string,
  };
  if (advisory.id === '') fail(childPath(base, 'id'), 'id is empty');
  for (const key of ['summary', 'details', 'published', 'withdrawn'] as const) {
    const value = str(key, false);
    if (value !== undefined) advisory[key] = value;
  }
  const vendor = vendorSeverity(record.database_specific);
  if (vendor !== undefined) advisory.vendorSeverity = vendor;
  return advisory;
}

type Fail = (path: string, message: string) => never;

function object(value: unknown, path: string, fail: Fail): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, `expected an object, found ${kind(value)}`);
  return value as Json;
}

function list(value: unknown, path: string, fail: Fail): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, `expected an array, found ${kind(value)}`);
  return value as unknown[];
}

function optionalString(record: Json, key: string, path: string, required: boolean, fail: Fail): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) {
    if (required) fail(childPath(path, key), `${key} is missing`);
    return undefined;
  }
  if (typeof value !== 'string') fail(childPath(path, key), `expected a string, found ${kind(value)}`);
  return value as string;
}

function stringList(value: unknown, path: string, fail: Fail): string[] {
  return list(value, path, fail).map((item, i) => {
    if (typeof item !== 'string') fail(childPath(path, i), `expected a string, found ${kind(item)}`);
    return item as string;
  });
}

function severities(value: unknown, path: string, fail: Fail): SeverityScore[] {
  return list(value, path, fail).map((item, i) => {
    const at = childPath(path, i);
    const entry = object(item, at, fail);
    return { type: optionalString(entry, 'type', at, true, fail) as string, score: optionalString(entry, 'score', at, true, fail) as string };
  });
}

function references(value: unknown, path: string, fail: Fail): Advisory['references'] {
  return list(value, path, fail).map((item, i) => {
    const at = childPath(path, i);
    const entry = object(item, at, fail);
    const type = optionalString(entry, 'type', at, false, fail);
    const url = optionalString(entry, 'url', at, true, fail) as string;
    return type === undefined ? { url } : { type, url };
  });
}

function affected(value: unknown, path: string, fail: Fail): AffectedPackage {
  const entry = object(value, path, fail);
  const pkgPath = childPath(path, 'package');
  if (entry.package === undefined) fail(pkgPath, 'package is missing');
  const pkg = object(entry.package, pkgPath, fail);
  const ecosystem = optionalString(pkg, 'ecosystem', pkgPath, true, fail) as string;
  const purl = optionalString(pkg, 'purl', pkgPath, false, fail);
  let name = optionalString(pkg, 'name', pkgPath, purl === undefined, fail);
  if (name === undefined) name = nameFromPurl(purl as string, ecosystem, childPath(pkgPath, 'purl'), fail);
  const result: AffectedPackage = {
    ecosystem,
    name,
    ranges: list(entry.ranges, childPath(path, 'ranges'), fail).map((range, i) => affectedRange(range, childPath(childPath(path, 'ranges'), i), fail)),
    versions: stringList(entry.versions, childPath(path, 'versions'), fail),
  };
  if (entry.severity !== undefined) result.severity = severities(entry.severity, childPath(path, 'severity'), fail);
  return result;
}

function affectedRange(value: unknown, path: string, fail: Fail): AffectedRange {
  const range = object(value, path, fail);
  const type = optionalString(range, 'type', path, true, fail) as string;
  if (!RANGE_TYPES.has(type)) fail(childPath(path, 'type'), `range type ${JSON.stringify(type)} is not SEMVER, ECOSYSTEM or GIT`);
  const eventsPath = childPath(path, 'events');
  if (range.events === undefined) fail(eventsPath, 'events is missing');
  const events = list(range.events, eventsPath, fail).map((event, i) => rangeEvent(event, childPath(eventsPath, i), fail));
  if (!events.some((event) => 'introduced' in event)) fail(eventsPath, 'a range needs at least one introduced event');
  return { type: type as AffectedRange['type'], events };
}

function rangeEvent(value: unknown, path: string, fail: Fail): RangeEvent {
  const event = object(value, path, fail);
  const keys = Object.keys(event);
  if (keys.length !== 1) fail(path, `an event has exactly one of introduced, fixed, last_affected, limit; found ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const key = keys[0] as string;
  if (!EVENT_KEYS.has(key)) fail(path, `unknown event ${JSON.stringify(key)}`);
  const version = event[key];
  if (typeof version !== 'string' || version === '') fail(childPath(path, key), `expected a version string, found ${kind(version)}`);
  return { [key]: version } as RangeEvent;
}

/** The package name as the ecosystem spells it, from a purl: Maven `group:artifact`, npm `@scope/name`, Go `module/path`. */
function nameFromPurl(purl: string, ecosystem: string, path: string, fail: Fail): string {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch (error) {
    return fail(path, `invalid purl: ${(error as Error).message}`);
  }
  const namespace = parsed.namespace;
  if (!namespace) return parsed.name;
  if (ecosystem === 'Maven') return `${namespace}:${parsed.name}`;
  if (ecosystem === 'npm' || ecosystem === 'Go') return `${namespace}/${parsed.name}`;
  return parsed.name;
}

function vendorSeverity(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const severity = (value as Json).severity;
  return typeof severity === 'string' && severity !== '' ? severity : undefined;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
