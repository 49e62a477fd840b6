import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InputError, InputNote, NotEvaluated } from '../core/coverage.js';
import { Inventory } from './inventory.js';
import { normalize } from './normalize.js';
import type { InventoryObject, Origin } from './object.js';
import { DEFAULT_PARSE_LIMITS, parseManifests, type ParseLimits } from './parse.js';
import { renderHelm, RenderError, type HelmOptions } from './render.js';
import { attributeOrigins, renderWithOrigins } from './kustomize.js';

export interface LoadOptions {
  helm?: HelmOptions;
  /** Largest file read, in bytes. */
  maxFileBytes?: number;
  limits?: ParseLimits;
  /** Where `-` reads from. */
  stdin?: NodeJS.ReadableStream;
  /** Called with the number of files read so far (for a progress line). */
  onProgress?: (filesRead: number) => void;
}

export interface LoadResult {
  inventory: Inventory;
  errors: InputError[];
  notes: InputNote[];
  notEvaluated: NotEvaluated[];
  filesRead: number;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** A unit of input: a manifest file, stdin, or a directory to render. */
type Source =
  | { type: 'file'; path: string }
  | { type: 'stdin' }
  | { type: 'kustomize'; path: string }
  | { type: 'helm'; path: string };

/** Loads every object from files, directories, stdin, kustomizations and Helm charts. Never throws for bad input. */
export async function loadInventory(inputs: string[], options: LoadOptions = {}): Promise<LoadResult> {
  const result: Omit<LoadResult, 'inventory'> = { errors: [], notes: [], notEvaluated: [], filesRead: 0 };
  const sources: Source[] = [];
  const seen = new Set<string>();
  for (const input of inputs) await expand(input, true, sources, seen, result);

  const limits = options.limits ?? DEFAULT_PARSE_LIMITS;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const perSource: InventoryObject[][] = [];
  let next = 0;
  // A few reads in flight keep the disk busy; parsing stays on this thread in source order.
  const texts = new Array<Promise<void>>();
  const worker = async (): Promise<void> => {
    while (next < sources.length) {
      const index = next++;
      perSource[index] = await loadSource(sources[index]!, options, maxFileBytes, limits, result, index);
      result.filesRead++;
      options.onProgress?.(result.filesRead);
    }
  };
  for (let i = 0; i < Math.min(8, sources.length); i++) texts.push(worker());
  await Promise.all(texts);
  return { ...result, inventory: new Inventory(perSource.flat()) };
}

async function expand(input: string, explicit: boolean, sources: Source[], seen: Set<string>, result: Omit<LoadResult, 'inventory'>): Promise<void> {
  if (input === '-') {
    sources.push({ type: 'stdin' });
    return;
  }
  let info;
  let real: string;
  try {
    info = await stat(input);
    real = await realpath(input);
  } catch (error) {
    result.errors.push({ file: input, message: describeFsError(error) });
    return;
  }
  if (seen.has(real)) return; // a symlink loop or an input named twice
  seen.add(real);
  if (info.isFile()) {
    if (explicit || MANIFEST_EXTENSIONS.has(path.extname(input).toLowerCase())) sources.push({ type: 'file', path: input });
    return;
  }
  if (!info.isDirectory()) {
    result.errors.push({ file: input, message: 'not a regular file or directory' });
    return;
  }
  let entries;
  try {
    entries = await readdir(input, { withFileTypes: true });
  } catch (error) {
    result.errors.push({ file: input, message: describeFsError(error) });
    return;
  }
  const names = new Set(entries.map((e) => e.name));
  if (KUSTOMIZATION_FILES.some((f) => names.has(f))) {
    sources.push({ type: 'kustomize', path: input });
    return;
  }
  if (names.has('Chart.yaml')) {
    sources.push({ type: 'helm', path: input });
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    await expand(path.join(input, entry.name), false, sources, seen, result);
  }
}

async function loadSource(
  source: Source,
  options: LoadOptions,
  maxFileBytes: number,
  limits: ParseLimits,
  result: Omit<LoadResult, 'inventory'>,
  sourceIndex: number,
): Promise<InventoryObject[]> {
  let text: string | undefined;
  let label: string;
  let origin: Origin;
  let originBase: string | undefined;
  switch (source.type) {
    case 'stdin':
      label = '<stdin>';
      origin = 'stdin';
      text = await readStream(options.stdin ?? process.stdin, maxFileBytes, result);
      break;
    case 'file':
      label = source.path;
      origin = 'file';
      text = await readManifestFile(source.path, maxFileBytes, result);
      break;
    case 'kustomize':
      label = `${source.path} (rendered by kustomize)`;
      origin = 'kustomize';
      try {
        const rendered = await renderWithOrigins(source.path);
        text = rendered.text;
        originBase = rendered.base;
      } catch (error) {
        result.errors.push({ file: source.path, message: error instanceof RenderError ? error.message : String(error) });
        result.notEvaluated.push({ target: source.path, reason: 'kustomization could not be rendered' });
      }
      break;
    case 'helm':
      label = `${source.path} (rendered by helm)`;
      origin = 'helm';
      try {
        text = await renderHelm(source.path, options.helm ?? { values: [], set: [] });
        if (text === undefined) {
          result.notEvaluated.push({ target: source.path, reason: 'Helm chart not evaluated: helm not found on PATH' });
          result.notes.push({ file: source.path, message: 'Helm chart not evaluated: helm not found on PATH (install helm, or render the chart yourself and pipe it to `kubeward scan -`)' });
        }
      } catch (error) {
        result.errors.push({ file: source.path, message: error instanceof RenderError ? error.message : String(error) });
        result.notEvaluated.push({ target: source.path, reason: 'Helm chart could not be rendered' });
      }
      break;
  }
  if (text === undefined) return [];
  const parsed = parseManifests(text, label, origin, limits);
  if (originBase) await attributeOrigins(parsed.objects, originBase, limits);
  result.errors.push(...parsed.errors);
  result.notes.push(...parsed.notes);
  return parsed.objects.map((obj, i) => normalize(obj, `${sourceIndex}:${i}`));
}

async function readManifestFile(file: string, maxFileBytes: number, result: Omit<LoadResult, 'inventory'>): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (info.size > maxFileBytes) {
      result.errors.push({ file, message: `file is ${info.size} bytes, over the ${maxFileBytes}-byte limit (--max-file-size)` });
      return undefined;
    }
    return decode(await readFile(file), file, result);
  } catch (error) {
    result.errors.push({ file, message: describeFsError(error) });
    return undefined;
  }
}

async function readStream(stream: NodeJS.ReadableStream, maxFileBytes: number, result: Omit<LoadResult, 'inventory'>): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxFileBytes) {
      result.errors.push({ file: '<stdin>', message: `input is over the ${maxFileBytes}-byte limit (--max-file-size)` });
      return undefined;
    }
    chunks.push(buffer);
  }
  return decode(Buffer.concat(chunks), '<stdin>', result);
}

function decode(buffer: Buffer, file: string, result: Omit<LoadResult, 'inventory'>): string | undefined {
  if (buffer.subarray(0, 8192).includes(0)) {
    result.errors.push({ file, message: 'binary file, not YAML or JSON' });
    return undefined;
  }
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    default: return (error as Error).message;
  }
}
