import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NotEvaluated } from '../core/coverage.js';
import type { Finding, ImageContext } from '../core/finding.js';
import type { AdvisoryLookup } from '../vulndb/model.js';
import { matchPackages, queryFor } from '../vulndb/match/index.js';
import { catalogImage } from './catalog/index.js';
import { packageCatalogers } from './catalogers.js';
import { accountsCataloger, analyzeImageContent, secretsCataloger } from './checks/index.js';
import type { Cataloger, CollectedFile, ImageReport, OsInfo, Package, ResolvedImage } from './model.js';
import { openImageSource, type SourceOptions } from './sources/index.js';
import { vulnerabilityFinding } from './vulnerability-finding.js';

// One image scan: source → one pass over the layers feeding every cataloger → advisories matched →
// configuration and content checks → other scanners' results merged. Returns data; never prints.

/** The advisory database the scan matches with, or why there is none. */
export type AdvisorySet = { lookup: AdvisoryLookup; description: { path: string; records: number; updatedAt?: string } } | { notEvaluated: string };

export interface ImageScanOptions {
  reference: string;
  source: SourceOptions;
  advisories: AdvisorySet;
  ignoreUnfixed?: boolean;
  maxAgeDays?: number;
  /** Scan this SBOM (CycloneDX or SPDX JSON) instead of pulling the image. */
  sbom?: string;
  /** Trivy / Grype JSON results to consolidate with kubeward's. */
  merge?: string[];
  now?: Date;
}

export interface ImageScanOutput {
  report: ImageReport;
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  /** Things worth telling the user that are not findings (a package DB entry that could not be read…). */
  notes: string[];
}

/** Scans one image (or one SBOM) end to end. */
export async function scanImage(options: ImageScanOptions): Promise<ImageScanOutput> {
  const now = options.now ?? new Date();
  const scanned = options.sbom ? await fromSbom(options.sbom) : await fromImage(options, now);
  const image: ImageContext = { reference: scanned.report.reference, digest: scanned.report.manifestDigest, platform: scanned.report.platform };
  const notEvaluated = [...scanned.notEvaluated];
  let findings = [...scanned.findings];

  if ('lookup' in options.advisories) {
    scanned.report.database = options.advisories.description;
    findings.push(...vulnerabilities(scanned.report.packages, options.advisories.lookup, image, options.ignoreUnfixed === true, notEvaluated));
  } else {
    scanned.report.database = { notEvaluated: options.advisories.notEvaluated };
    notEvaluated.push({ target: `KW-IMG-100 (${image.reference})`, reason: options.advisories.notEvaluated });
  }

  if (options.merge && options.merge.length > 0) {
    // Loaded only when asked for: the image command starts faster without them.
    const { mergeResults, readScannerResults } = await import('./merge/index.js');
    const external = await Promise.all(options.merge.map((file) => readScannerResults(file)));
    findings = mergeResults(findings, external, image);
  }
  return { report: scanned.report, findings, notEvaluated, notes: scanned.notes };
}

interface Scanned {
  report: ImageReport;
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  notes: string[];
}

async function fromImage(options: ImageScanOptions, now: Date): Promise<Scanned> {
  return withImage(options.reference, options.source, async (image, tmpDir) => {
    const accounts = capture(accountsCataloger());
    const secrets = capture(secretsCataloger());
    const catalog = await catalogImage(image.layers, [...packageCatalogers({ tmpDir }), accounts.cataloger, secrets.cataloger]);
    const report = imageReport(image, catalog.os, catalog.packages);
    const content = analyzeImageContent({
      image: { reference: image.reference, repository: image.repository, ...(image.tag ? { tag: image.tag } : {}), manifestDigest: image.manifestDigest, platform: image.platform },
      config: image.config,
      files: catalog.files,
      packages: catalog.packages,
      accounts: accounts.collected(),
      secrets: secrets.collected(),
      now,
      ...(options.maxAgeDays !== undefined ? { maxAgeDays: options.maxAgeDays } : {}),
    });
    return { report, findings: content.findings, notEvaluated: content.notEvaluated, notes: catalog.notes };
  });
}

/** Lists an image's packages only (`kubeward sbom`). */
export async function catalogPackages(reference: string, source: SourceOptions): Promise<{ report: ImageReport; notes: string[] }> {
  return withImage(reference, source, async (image, tmpDir) => {
    const catalog = await catalogImage(image.layers, packageCatalogers({ tmpDir }));
    return { report: imageReport(image, catalog.os, catalog.packages), notes: catalog.notes };
  });
}

/** Resolves the image and runs `use` with a temporary directory inside the cache, removed afterwards. */
async function withImage<T>(reference: string, options: SourceOptions, use: (image: ResolvedImage, tmpDir: string) => Promise<T>): Promise<T> {
  const source = await openImageSource(reference, options);
  // Temporary files (rpm databases, nested jars) live in the cache, so nothing lands anywhere else.
  const tmpRoot = join(options.cacheDir, 'tmp');
  await mkdir(tmpRoot, { recursive: true });
  const tmpDir = await mkdtemp(join(tmpRoot, 'scan-'));
  try {
    return await use(await source.resolve(), tmpDir);
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
    await source.close();
  }
}

async function fromSbom(file: string): Promise<Scanned> {
  const { readSbom } = await import('./sbom/index.js');
  const sbom = await readSbom(file);
  const report: ImageReport = {
    reference: sbom.subject,
    repository: sbom.subject,
    manifestDigest: '',
    platform: '',
    ...(sbom.os ? { os: sbom.os } : {}),
    layers: [],
    packages: sbom.packages,
  };
  const reason = `scanning the SBOM ${file}: the image's configuration and files are not in it`;
  return { report, findings: [], notEvaluated: [{ target: 'KW-IMG-001…015', reason }], notes: [] };
}

function imageReport(image: ResolvedImage, os: OsInfo | undefined, packages: Package[]): ImageReport {
  return {
    reference: image.reference,
    repository: image.repository,
    ...(image.tag ? { tag: image.tag } : {}),
    manifestDigest: image.manifestDigest,
    platform: image.platform,
    ...(image.config.created ? { created: image.config.created } : {}),
    ...(os ? { os } : {}),
    layers: image.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size })),
    packages,
  };
}

/** KW-IMG-100 findings for every package an advisory affects; unmatched ecosystems are reported as not evaluated. */
function vulnerabilities(packages: Package[], lookup: AdvisoryLookup, image: ImageContext, ignoreUnfixed: boolean, notEvaluated: NotEvaluated[]): Finding[] {
  const result = matchPackages(packages, lookup, { ignoreUnfixed });
  for (const gap of result.notEvaluated) {
    notEvaluated.push({ target: `KW-IMG-100 (${image.reference}): ${gap.packages} ${gap.ecosystem} package(s)`, reason: gap.reason });
  }
  return result.matches.map((match) => {
    const pkg = match.package;
    const location = pkg.locations[0];
    const query = queryFor(pkg);
    return vulnerabilityFinding({
      image,
      pkg: {
        type: pkg.type,
        name: pkg.name,
        version: pkg.version,
        purl: pkg.purl,
        ...(pkg.source ? { source: pkg.source } : {}),
        ...(location ? { path: location.path, layerDigest: location.layerDigest } : {}),
      },
      advisoryId: match.advisory.id,
      aliases: match.advisory.aliases,
      ...(match.advisory.summary ? { summary: match.advisory.summary } : {}),
      ...(match.advisory.details ? { details: match.advisory.details } : {}),
      ...(match.fixedVersion ? { fixedVersion: match.fixedVersion } : {}),
      severity: match.severity,
      references: match.advisory.references.map((r) => r.url),
      foundBy: ['kubeward'],
      matchedBy: query && query.name !== pkg.name ? `${match.matchedBy} (source package ${query.name} ${query.version})` : match.matchedBy,
    });
  });
}

/** Wraps a cataloger so its collected extracts stay available after the walk (the content checks read them). */
function capture<T>(cataloger: Cataloger<T>): { cataloger: Cataloger<T>; collected: () => CollectedFile<T>[] } {
  let kept: CollectedFile<T>[] = [];
  const wrapped: Cataloger<T> = {
    name: cataloger.name,
    ...(cataloger.everyLayer ? { everyLayer: true } : {}),
    wants: (entry) => cataloger.wants(entry),
    read: (entry, content) => cataloger.read(entry, content),
    finish: (collected, context) => {
      kept = collected;
      return cataloger.finish(collected, context);
    },
  };
  return { cataloger: wrapped, collected: () => kept };
}
