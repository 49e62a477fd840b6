import type { CollectedFile, FileEntry } from '../model.js';
import { parentOf } from './paths.js';

/**
 * The filesystem as the layers applied so far leave it, plus each cataloger's extracts.
 *
 * OCI image-spec whiteouts apply to lower layers only, so removals requested while a layer is read
 * are queued and applied when it ends, to entries written by earlier layers: the layer's own entries
 * survive whatever the order of the tar.
 * https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts
 */
export class MergedFilesystem {
  readonly files = new Map<string, FileEntry>();
  /** cataloger name → path → extract; an extract is live while its entry is the path's entry. */
  private readonly extracts = new Map<string, Map<string, CollectedFile>>();
  /** Paths removed with their subtree (`.wh.<name>`). */
  private readonly removedTrees = new Set<string>();
  /** Directories whose lower children are removed (opaque whiteouts, a dir replaced by a non-dir). */
  private readonly clearedDirs = new Set<string>();
  private layerIndex = -1;
  /** Catalogers that keep the extracts of every layer, replaced or deleted files included. */
  private readonly everyLayer: Set<string>;
  private readonly kept = new Map<string, CollectedFile[]>();

  constructor(catalogerNames: readonly string[], everyLayer: readonly string[] = []) {
    for (const name of catalogerNames) this.extracts.set(name, new Map());
    this.everyLayer = new Set(everyLayer);
    for (const name of everyLayer) this.kept.set(name, []);
  }

  beginLayer(index: number): void {
    this.layerIndex = index;
    this.removedTrees.clear();
    this.clearedDirs.clear();
  }

  /** Records an entry of the current layer; it replaces the path and drops the old extracts. */
  put(entry: FileEntry): void {
    const previous = this.files.get(entry.path);
    // Replacing a directory by anything else hides what the lower layers had below it.
    if (previous?.type === 'dir' && entry.type !== 'dir') this.clearedDirs.add(entry.path);
    this.files.set(entry.path, entry);
    for (const byPath of this.extracts.values()) byPath.delete(entry.path);
  }

  /** `.wh.<name>`: removes `path` and its subtree as lower layers left them. */
  whiteout(path: string): void {
    this.removedTrees.add(path);
  }

  /** `.wh..wh..opq`: removes every lower-layer child of `dir`. */
  opaque(dir: string): void {
    this.clearedDirs.add(dir);
  }

  setExtract(catalogerName: string, collected: CollectedFile): void {
    this.extracts.get(catalogerName)?.set(collected.entry.path, collected);
    this.kept.get(catalogerName)?.push(collected);
  }

  getExtract(catalogerName: string, path: string): CollectedFile | undefined {
    return this.extracts.get(catalogerName)?.get(path);
  }

  /** A cataloger's live extracts by path — or, for an every-layer cataloger, every extract of every layer (path, then layer). */
  collected(catalogerName: string): CollectedFile[] {
    const all = this.everyLayer.has(catalogerName) ? this.kept.get(catalogerName)! : [...(this.extracts.get(catalogerName)?.values() ?? [])];
    return [...all].sort((a, b) => (a.entry.path < b.entry.path ? -1 : a.entry.path > b.entry.path ? 1 : a.entry.layerIndex - b.entry.layerIndex));
  }

  /** Applies the current layer's whiteouts to the lower layers. */
  endLayer(): void {
    if (this.removedTrees.size === 0 && this.clearedDirs.size === 0) return;
    for (const [path, entry] of this.files) {
      if (this.isHidden(path, entry.layerIndex)) this.files.delete(path);
    }
    for (const byPath of this.extracts.values()) {
      for (const [path, collected] of byPath) {
        if (this.files.get(path) !== collected.entry) byPath.delete(path);
      }
    }
    this.removedTrees.clear();
    this.clearedDirs.clear();
  }

  private isHidden(path: string, writtenBy: number): boolean {
    if (writtenBy >= this.layerIndex) return false;
    if (this.removedTrees.has(path)) return true;
    for (let dir = parentOf(path); ; dir = parentOf(dir)) {
      if (this.removedTrees.has(dir) || this.clearedDirs.has(dir)) return true;
      if (dir === '') return false;
    }
  }
}
