import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isJsonObject, type JsonObject } from './object.js';
import { parseManifests, type ParsedObject, type ParseLimits } from './parse.js';
import { renderKustomize } from './render.js';

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/**
 * Renders a kustomization so that every object can point back to the file it came from: a
 * throw-away overlay in the temp dir includes the user's directory with kustomize's
 * `originAnnotations`, and is deleted right after. The user's files are never touched.
 * Returns the rendered text and the overlay folder (origin paths are relative to it).
 */
export async function renderWithOrigins(dir: string): Promise<{ text: string; base?: string }> {
  const overlay = await mkdtemp(path.join(tmpdir(), 'kubeward-kustomize-'));
  try {
    const relative = path.relative(overlay, path.resolve(dir)).split(path.sep).join('/');
    await writeFile(path.join(overlay, 'kustomization.yaml'), `resources:\n  - ${JSON.stringify(relative)}\nbuildMetadata: [originAnnotations]\n`);
    return { text: await renderKustomize(overlay), base: overlay };
  } catch {
    // e.g. a kustomize Component, which cannot be a resource: render it as it is, without origins
    return { text: await renderKustomize(dir) };
  } finally {
    await rm(overlay, { recursive: true, force: true });
  }
}

/**
 * Gives each rendered object the source of the manifest it came from (file, line, and positions of
 * the fields that file has), and removes the origin annotation kubeward asked for. A field that a
 * patch added is located at its closest ancestor in that file.
 */
export async function attributeOrigins(objects: ParsedObject[], base: string, limits: ParseLimits): Promise<void> {
  const originals = new Map<string, Promise<ParsedObject[]>>();
  const load = (file: string): Promise<ParsedObject[]> => {
    if (!originals.has(file)) {
      originals.set(file, readFile(file, 'utf8').then((text) => parseManifests(text, displayPath(file), 'kustomize', limits).objects, () => []));
    }
    return originals.get(file)!;
  };
  for (const object of objects) {
    const originPath = takeOrigin(object.raw);
    if (!originPath || /^[a-z]+:\/\//i.test(originPath)) continue; // remote bases keep the rendered position
    const candidates = await load(path.resolve(base, originPath));
    const original = pickOriginal(object.raw, candidates);
    if (original) object.source = { ...original.source, origin: 'kustomize' };
  }
}

/** Reads and removes `config.kubernetes.io/origin`; returns its `path`. */
function takeOrigin(raw: JsonObject): string | undefined {
  const metadata = raw.metadata;
  if (!isJsonObject(metadata) || !isJsonObject(metadata.annotations)) return undefined;
  const value = metadata.annotations[ORIGIN_ANNOTATION];
  delete metadata.annotations[ORIGIN_ANNOTATION];
  if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
  const match = typeof value === 'string' ? /^path:\s*(.+?)\s*$/m.exec(value) : null;
  return match?.[1]?.replace(/^['"]|['"]$/g, '');
}

/** The document in the origin file this object was built from: same kind, and the name that prefixes/suffixes were added to. */
function pickOriginal(rendered: JsonObject, candidates: ParsedObject[]): ParsedObject | undefined {
  const sameKind = candidates.filter((c) => c.raw.kind === rendered.kind);
  if (sameKind.length <= 1) return sameKind[0];
  const name = nameOf(rendered);
  const matching = sameKind.filter((c) => name.includes(nameOf(c.raw)));
  return matching.sort((a, b) => nameOf(b.raw).length - nameOf(a.raw).length)[0];
}

function nameOf(raw: JsonObject): string {
  return isJsonObject(raw.metadata) && typeof raw.metadata.name === 'string' ? raw.metadata.name : '';
}

function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
