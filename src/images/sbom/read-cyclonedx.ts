import type { OsInfo, PackageLocation } from '../model.js';
import { PROPERTY } from './refs.js';
import { isObject, normalisePath, PackageCollector, SbomError, stringOr, type EntryFacts, type SbomContents } from './read-common.js';

// CycloneDX JSON 1.4–1.6 (https://cyclonedx.org/docs/1.6/json/): components with a purl, walked
// depth-first through nested `components`; the operating-system component; kubeward's own properties
// and Syft's `syft:location:N:path` ones for where each package was seen.

const SUPPORTED_SPECS = new Set(['1.4', '1.5', '1.6']);
/** Nested components deeper than this are not walked (a hostile document could nest without end). */
const MAX_DEPTH = 64;

export function readCycloneDx(doc: Record<string, unknown>, file: string): SbomContents {
  const spec = stringOr(doc.specVersion);
  if (!spec || !SUPPORTED_SPECS.has(spec)) throw new SbomError(`${file}: $.specVersion: CycloneDX ${spec ?? '(missing)'} is not supported (1.4, 1.5 or 1.6)`);
  const collector = new PackageCollector(file);
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const subjectComponent = isObject(metadata.component) ? metadata.component : undefined;
  let os: OsInfo | undefined;

  const visit = (value: unknown, where: string, depth: number): void => {
    if (!isObject(value)) return collector.problem(where, 'a component must be an object');
    if (value.type === 'operating-system' && !os) os = osOf(value, file, where);
    const purl = stringOr(value.purl);
    if (purl && value.type !== 'container' && value.type !== 'operating-system') collector.add(entryOf(value, purl), where);
    if (value.components === undefined) return;
    if (!Array.isArray(value.components)) return collector.problem(`${where}.components`, 'must be an array');
    if (depth >= MAX_DEPTH) return collector.problem(`${where}.components`, `nested deeper than ${MAX_DEPTH} levels; not read`);
    value.components.forEach((child, i) => visit(child, `${where}.components[${i}]`, depth + 1));
  };
  if (doc.components !== undefined && !Array.isArray(doc.components)) throw new SbomError(`${file}: $.components: must be an array`);
  (doc.components as unknown[] | undefined)?.forEach((c, i) => visit(c, `$.components[${i}]`, 0));
  if (subjectComponent && Array.isArray(subjectComponent.components)) {
    subjectComponent.components.forEach((c, i) => visit(c, `$.metadata.component.components[${i}]`, 1));
  }
  os ??= collector.osFromDistro();
  return {
    subject: subjectOf(subjectComponent, file),
    ...(os ? { os } : {}),
    packages: collector.packages,
    notes: collector.notes(),
  };
}

function properties(component: Record<string, unknown>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  if (!Array.isArray(component.properties)) return result;
  for (const p of component.properties) {
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.value !== 'string') continue;
    const list = result.get(p.name);
    if (list) list.push(p.value);
    else result.set(p.name, [p.value]);
  }
  return result;
}

function entryOf(component: Record<string, unknown>, purl: string): EntryFacts {
  const props = properties(component);
  const one = (name: string): string | undefined => props.get(name)?.[0];
  // kubeward's own SBOMs carry the name and ecosystem as it catalogued them: trust them over the purl.
  const ours = props.has(PROPERTY.ecosystem) || props.has(PROPERTY.path);
  const sourceName = one(PROPERTY.sourceName);
  const sourceVersion = one(PROPERTY.sourceVersion);
  return {
    purl,
    ...(ours && typeof component.name === 'string' ? { name: component.name } : {}),
    ...(one(PROPERTY.ecosystem) ? { ecosystem: one(PROPERTY.ecosystem)! } : {}),
    ...(one(PROPERTY.namespace) ? { namespace: one(PROPERTY.namespace)! } : {}),
    ...(one(PROPERTY.arch) ? { arch: one(PROPERTY.arch)! } : {}),
    ...(sourceName && sourceVersion ? { source: { name: sourceName, version: sourceVersion } } : {}),
    licenses: licensesOf(component.licenses),
    locations: ours ? kubewardLocations(props) : syftLocations(props),
  };
}

function kubewardLocations(props: Map<string, string[]>): PackageLocation[] {
  const paths = props.get(PROPERTY.path) ?? [];
  const digests = props.get(PROPERTY.layerDigest) ?? [];
  const indexes = props.get(PROPERTY.layerIndex) ?? [];
  return paths.map((path, i) => ({ path: normalisePath(path), layerDigest: digests[i] ?? '', layerIndex: layerIndex(indexes[i]) }));
}

/** Syft: `syft:location:0:path` = `/lib/apk/db/installed`, `syft:location:0:layerID` = `sha256:…`. */
function syftLocations(props: Map<string, string[]>): PackageLocation[] {
  const locations: PackageLocation[] = [];
  for (let i = 0; props.has(`syft:location:${i}:path`); i++) {
    locations.push({ path: normalisePath(props.get(`syft:location:${i}:path`)![0]!), layerDigest: props.get(`syft:location:${i}:layerID`)?.[0] ?? '', layerIndex: -1 });
  }
  return locations;
}

/** -1 when the SBOM does not say which layer (only kubeward's own SBOMs do). */
function layerIndex(text: string | undefined): number {
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

/** `[{license:{id}}]`, `[{license:{name}}]` or `[{expression}]` (https://cyclonedx.org/docs/1.6/json/#components_items_licenses). */
function licensesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const result: string[] = [];
  for (const choice of value) {
    if (!isObject(choice)) continue;
    const expression = stringOr(choice.expression);
    const license = isObject(choice.license) ? (stringOr(choice.license.id) ?? stringOr(choice.license.name)) : undefined;
    const text = expression ?? license;
    if (text) result.push(text);
  }
  return result;
}

function osOf(component: Record<string, unknown>, file: string, where: string): OsInfo | undefined {
  const id = stringOr(component.name);
  if (!id) return undefined;
  const props = properties(component);
  const version = stringOr(component.version);
  const description = stringOr(component.description);
  const codename = props.get(PROPERTY.osCodename)?.[0];
  return {
    id: id.toLowerCase(),
    ...(version ? { versionId: version } : {}),
    ...(description ? { prettyName: description } : {}),
    ...(codename ? { codename } : {}),
    source: props.get(PROPERTY.osSource)?.[0] ?? `${file} (${where})`,
  };
}

function subjectOf(component: Record<string, unknown> | undefined, file: string): string {
  if (!component) return file;
  const reference = properties(component).get(PROPERTY.imageReference)?.[0];
  if (reference) return reference;
  const name = stringOr(component.name);
  if (!name) return file;
  const version = stringOr(component.version);
  if (!version) return name;
  return version.includes(':') ? `${name}@${version}` : `${name}:${version}`;
}
