import { walkLayers, type WalkOptions } from '../layers/index.js';
import type { Cataloger, FileEntry, LayerBlob, OsInfo, Package } from '../model.js';
import { APK_CATALOGER, apkCataloger } from './apk/index.js';
import { DPKG_CATALOGER, dpkgCataloger } from './dpkg/index.js';
import { OS_RELEASE_CATALOGER, osReleaseCataloger } from './os-release/index.js';
import { RPM_CATALOGER, rpmCataloger } from './rpm/index.js';

export { purlOf, distroQualifier } from './purl.js';

/** The OS catalogers, os-release first. */
export const CATALOGER_NAMES = [OS_RELEASE_CATALOGER, DPKG_CATALOGER, APK_CATALOGER, RPM_CATALOGER] as const;

export function osCatalogers(options: { tmpDir?: string } = {}): Cataloger[] {
  return [osReleaseCataloger(), dpkgCataloger(), apkCataloger(), rpmCataloger(options)] as Cataloger[];
}

export interface ImageCatalog {
  os?: OsInfo;
  /** Every cataloger's packages, sorted (type, name, version, arch, purl, location). */
  packages: Package[];
  files: Map<string, FileEntry>;
  /** The walker's notes, then each cataloger's. */
  notes: string[];
}

/** Walks the layers once through the catalogers and gathers what they found. */
export async function catalogImage(layers: LayerBlob[], catalogers: Cataloger[], walkOptions: WalkOptions = {}): Promise<ImageCatalog> {
  const result = await walkLayers(layers, catalogers, walkOptions);
  const packages: Package[] = [];
  const notes = [...result.notes];
  for (const output of result.outputs.values()) {
    packages.push(...output.packages);
    notes.push(...(output.notes ?? []));
  }
  packages.sort(comparePackages);
  return { ...(result.os ? { os: result.os } : {}), packages, files: result.files, notes };
}

function comparePackages(a: Package, b: Package): number {
  return (
    compare(a.type, b.type) ||
    compare(a.name, b.name) ||
    compare(a.version, b.version) ||
    compare(a.arch ?? '', b.arch ?? '') ||
    compare(a.purl, b.purl) ||
    compare(a.locations[0]?.path ?? '', b.locations[0]?.path ?? '')
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
