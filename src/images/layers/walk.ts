import { extract as tarExtract, type Header } from 'tar-stream';
import {
  DigestMismatchError,
  type Cataloger,
  type CatalogOutput,
  type FileEntry,
  type FileType,
  type LayerBlob,
  type OsInfo,
} from '../model.js';
import { layerTarChunks, type LayerLimits } from './decompress.js';
import { feedCatalogers } from './feed.js';
import { MergedFilesystem } from './merged.js';
import { baseName, normaliseEntryName, parentOf } from './paths.js';

export interface WalkOptions {
  /** Uncompressed bytes allowed per layer (default 16 GiB). */
  maxLayerBytes?: number;
  /** Uncompressed/compressed ratio allowed once a layer is past 64 MiB (default 1000). */
  maxRatio?: number;
  onLayer?: (index: number, digest: string) => void;
}

export interface WalkResult {
  /** The final filesystem, whiteouts applied. */
  files: Map<string, FileEntry>;
  /** Each cataloger's output, by cataloger name. */
  outputs: Map<string, CatalogOutput>;
  /** The first OsInfo any output reports. */
  os?: OsInfo;
  notes: string[];
}

export const DEFAULT_MAX_LAYER_BYTES = 16 * 1024 ** 3;
export const DEFAULT_MAX_RATIO = 1000;
/** Its OsInfo is in the context of every other cataloger's finish, so it finishes first. */
const OS_CATALOGER = 'os-release';
/** Per layer, dropped entries are named up to this many times, then counted. */
const MAX_NAMED_DROPS = 10;
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_WHITEOUT = '.wh..wh..opq';

/**
 * Applies the layers in order (index 0 = base) to one merged filesystem, streaming each through the
 * catalogers that want its files, then lets every cataloger finish on what survived.
 */
export async function walkLayers(layers: LayerBlob[], catalogers: Cataloger[], options: WalkOptions = {}): Promise<WalkResult> {
  const names = catalogers.map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`two catalogers are named ${duplicate}`);
  const limits: LayerLimits = {
    maxLayerBytes: options.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES,
    maxRatio: options.maxRatio ?? DEFAULT_MAX_RATIO,
  };
  const fs = new MergedFilesystem(names, catalogers.filter((c) => c.everyLayer === true).map((c) => c.name));
  const notes: string[] = [];
  for (const [index, layer] of layers.entries()) {
    options.onLayer?.(index, layer.digest);
    fs.beginLayer(index);
    await applyLayer({ fs, layer, index, catalogers, notes }, limits);
    fs.endLayer();
  }
  const { outputs, os } = await finishAll(catalogers, fs, notes);
  return { files: fs.files, outputs, ...(os ? { os } : {}), notes };
}

interface LayerContext {
  fs: MergedFilesystem;
  layer: LayerBlob;
  index: number;
  catalogers: Cataloger[];
  notes: string[];
}

async function applyLayer(ctx: LayerContext, limits: LayerLimits): Promise<void> {
  const extract = tarExtract();
  let pumpError: unknown;
  const pump = (async () => {
    try {
      for await (const chunk of layerTarChunks(ctx.layer, limits)) {
        if (extract.destroyed) return;
        if (!extract.write(chunk)) await drainedOrClosed(extract);
      }
      extract.end(undefined);
    } catch (error) {
      pumpError = error;
      extract.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  const drops = { escaped: [] as string[], escapedCount: 0, absoluteCount: 0, firstAbsolute: '' };
  try {
    for await (const entry of extract) {
      await applyEntry(ctx, entry.header, entry as AsyncIterable<Buffer>, drops);
    }
  } catch (error) {
    extract.destroy(error instanceof Error ? error : new Error(String(error)));
    await pump;
    throw layerError(ctx.layer.digest, pumpError ?? error);
  }
  await pump;
  if (pumpError !== undefined) throw layerError(ctx.layer.digest, pumpError);
  reportDrops(ctx, drops);
}

function drainedOrClosed(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function layerError(digest: string, error: unknown): Error {
  if (error instanceof DigestMismatchError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(`layer ${digest}`)) return error instanceof Error ? error : new Error(message);
  return new Error(`layer ${digest}: ${message}`, { cause: error });
}

interface Drops {
  escaped: string[];
  escapedCount: number;
  absoluteCount: number;
  firstAbsolute: string;
}

async function applyEntry(ctx: LayerContext, header: Header, content: AsyncIterable<Buffer>, drops: Drops): Promise<void> {
  const name = normaliseEntryName(header.name);
  if (name.kind === 'escapes') {
    drops.escapedCount++;
    if (drops.escaped.length < MAX_NAMED_DROPS) drops.escaped.push(header.name);
    return drain(content);
  }
  if (name.absolute) {
    if (drops.absoluteCount++ === 0) drops.firstAbsolute = header.name;
  }
  const path = name.path;
  const base = baseName(path);
  if (path === '' || base.startsWith(WHITEOUT_PREFIX)) {
    if (base === OPAQUE_WHITEOUT) ctx.fs.opaque(parentOf(path));
    else if (base.startsWith(WHITEOUT_PREFIX) && !base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
      ctx.fs.whiteout(joinPath(parentOf(path), base.slice(WHITEOUT_PREFIX.length)));
    } // other `.wh..wh.*` names are aufs bookkeeping, not content
    return drain(content);
  }
  const entry = toFileEntry(ctx, header, path);
  ctx.fs.put(entry);
  if (entry.type === 'file') await readForCatalogers(ctx, entry, content);
  else if (entry.type === 'hardlink') linkExtracts(ctx, entry);
  return drain(content);
}

function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function tarType(type: Header['type'] | null | undefined): FileType {
  switch (type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
    case null:
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

function toFileEntry(ctx: LayerContext, header: Header, path: string): FileEntry {
  const type = tarType(header.type);
  const entry: FileEntry = {
    path,
    type,
    mode: (header.mode ?? 0) & 0o7777,
    uid: header.uid ?? 0,
    gid: header.gid ?? 0,
    size: header.size ?? 0,
    layerIndex: ctx.index,
    layerDigest: ctx.layer.digest,
  };
  if ((type === 'symlink' || type === 'hardlink') && header.linkname) entry.linkTarget = header.linkname;
  if (type === 'hardlink') entry.size = hardlinkTarget(ctx, entry)?.size ?? 0;
  return entry;
}

/** A hardlink's target: its name is relative to the image root, like any tar member name. */
function hardlinkTarget(ctx: LayerContext, link: FileEntry): FileEntry | undefined {
  const target = normaliseEntryName(link.linkTarget ?? '');
  return target.kind === 'ok' ? ctx.fs.files.get(target.path) : undefined;
}

async function readForCatalogers(ctx: LayerContext, entry: FileEntry, content: AsyncIterable<Buffer>): Promise<void> {
  const wanting = ctx.catalogers.filter((c) => wantsSafely(ctx, c, entry));
  if (wanting.length === 0) return;
  for (const outcome of await feedCatalogers(entry, content, wanting)) {
    if (!outcome.ok) {
      ctx.notes.push(`${outcome.cataloger.name}: ${entry.path} (layer ${ctx.index} ${ctx.layer.digest}): ${describe(outcome.error)}`);
    } else if (outcome.data !== undefined) {
      ctx.fs.setExtract(outcome.cataloger.name, { entry, data: outcome.data });
    }
  }
}

/** A hardlink shares its target's bytes, which the tar does not repeat: reuse the target's extracts. */
function linkExtracts(ctx: LayerContext, link: FileEntry): void {
  const target = normaliseEntryName(link.linkTarget ?? '');
  for (const cataloger of ctx.catalogers) {
    if (!wantsSafely(ctx, cataloger, link)) continue;
    const extract = target.kind === 'ok' ? ctx.fs.getExtract(cataloger.name, target.path) : undefined;
    if (extract) ctx.fs.setExtract(cataloger.name, { entry: link, data: extract.data });
    else {
      ctx.notes.push(
        `${cataloger.name}: ${link.path} (layer ${ctx.index} ${ctx.layer.digest}) is a hardlink to ${link.linkTarget}, whose content was not read`,
      );
    }
  }
}

function wantsSafely(ctx: LayerContext, cataloger: Cataloger, entry: FileEntry): boolean {
  try {
    return cataloger.wants(entry);
  } catch (error) {
    ctx.notes.push(`${cataloger.name}: ${entry.path}: ${describe(error)}`);
    return false;
  }
}

async function drain(content: AsyncIterable<Buffer>): Promise<void> {
  for await (const _chunk of content) {
    // discard: the tar parser moves on only once the entry is consumed
  }
}

function reportDrops(ctx: LayerContext, drops: Drops): void {
  const where = `layer ${ctx.index} ${ctx.layer.digest}`;
  for (const name of drops.escaped) ctx.notes.push(`${where}: entry ${name} escapes the image root; dropped`);
  const unnamed = drops.escapedCount - drops.escaped.length;
  if (unnamed > 0) ctx.notes.push(`${where}: ${unnamed} more entries escaping the image root dropped`);
  if (drops.absoluteCount > 0) {
    ctx.notes.push(`${where}: ${drops.absoluteCount} entries with absolute names (first: ${drops.firstAbsolute}) re-rooted`);
  }
}

async function finishAll(catalogers: Cataloger[], fs: MergedFilesystem, notes: string[]) {
  const ordered = [...catalogers].sort((a, b) => Number(b.name === OS_CATALOGER) - Number(a.name === OS_CATALOGER));
  const outputs = new Map<string, CatalogOutput>();
  let os: OsInfo | undefined;
  for (const cataloger of ordered) {
    try {
      const output = await cataloger.finish(fs.collected(cataloger.name), { ...(os ? { os } : {}), files: fs.files });
      outputs.set(cataloger.name, output);
      os ??= output.os;
    } catch (error) {
      notes.push(`${cataloger.name}: ${describe(error)}`);
      outputs.set(cataloger.name, { packages: [] });
    }
  }
  return { outputs, os };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
