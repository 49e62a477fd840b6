import { PackageURL } from 'packageurl-js';
import type { Finding, ImageContext } from '../../core/finding.js';
import { VULNERABILITY_CHECK, vulnerabilityFinding } from '../vulnerability-finding.js';
import type { ExternalVulnerability, ScannerTool } from './model.js';

// Consolidates other scanners' results with kubeward's KW-IMG-100 findings: the same package (purl
// without qualifiers when both sides have one, else name + installed version) and the same advisory
// (ids and aliases intersect: ALPINE-CVE-2019-5018 with alias CVE-2019-5018 = CVE-2019-5018) is
// one finding, whose `advisory.foundBy` lists every tool that reported it.

export interface ExternalResults {
  tool: ScannerTool | string;
  vulnerabilities: ExternalVulnerability[];
}

/** What identifies a package and an advisory on either side. */
interface Side {
  purlKey?: string;
  nameVersion: string;
  ids: Set<string>;
}

/** A group of external reports of one advisory in one package that kubeward did not report. */
interface Group {
  side: Side;
  first: ExternalVulnerability;
  /** The tool whose report `first` is: its data (severity word, fix) describe the finding. */
  firstTool: string;
  tools: Set<string>;
  /** The same set as `side.ids`, so later reports link by any id seen so far. */
  aliases: Set<string>;
}

export function mergeResults(own: readonly Finding[], external: readonly ExternalResults[], image: ImageContext): Finding[] {
  const result = own.map((f) => (isVulnerability(f) ? { ...f, advisory: { ...f.advisory!, foundBy: [...(f.advisory!.foundBy ?? ['kubeward'])] } } : f));
  const ownIndex = new SideIndex<number>();
  result.forEach((f, i) => {
    if (isVulnerability(f)) ownIndex.add(findingSide(f), i);
  });
  const groups = new SideIndex<Group>();
  const groupList: Group[] = [];

  for (const { tool, vulnerabilities } of external) {
    for (const vuln of vulnerabilities) {
      const side = externalSide(vuln);
      const matches = ownIndex.find(side);
      if (matches.length > 0) {
        for (const i of matches) result[i] = withTool(result[i]!, tool, vuln);
        continue;
      }
      const group = groups.find(side)[0];
      if (group) {
        group.tools.add(tool);
        for (const id of side.ids) group.aliases.add(id);
        continue;
      }
      const created: Group = { side, first: vuln, firstTool: tool, tools: new Set([tool]), aliases: side.ids };
      groups.add(side, created);
      groupList.push(created);
    }
  }
  return [...result, ...groupList.map((g) => externalFinding(g, image))];
}

function isVulnerability(f: Finding): boolean {
  return f.checkId === VULNERABILITY_CHECK.id && f.package !== undefined && f.advisory !== undefined;
}

/** kubeward's finding, with the tool added to foundBy and the tool's ids to the aliases. */
function withTool(finding: Finding, tool: string, vuln: ExternalVulnerability): Finding {
  const advisory = finding.advisory!;
  const foundBy = [...new Set([...(advisory.foundBy ?? []), tool])].sort();
  const aliases = [...advisory.aliases];
  for (const id of [vuln.id, ...vuln.aliases]) if (id !== advisory.id && !aliases.includes(id)) aliases.push(id);
  return { ...finding, advisory: { ...advisory, aliases, foundBy } };
}

function externalFinding(group: Group, image: ImageContext): Finding {
  const v = group.first;
  return vulnerabilityFinding({
    image,
    pkg: {
      type: v.pkgType ?? 'unknown',
      name: v.pkgName,
      version: v.installedVersion,
      purl: v.purl ?? genericPurl(v),
      ...(v.path ? { path: v.path } : {}),
      ...(v.layerDigest ? { layerDigest: v.layerDigest } : {}),
    },
    advisoryId: v.id,
    aliases: [...group.aliases].filter((a) => a !== v.id),
    ...(v.title ? { summary: v.title } : {}),
    ...(v.description ? { details: v.description } : {}),
    ...(v.fixedVersion ? { fixedVersion: v.fixedVersion } : {}),
    severity: {
      severity: v.severity,
      basis: `${group.firstTool}: ${v.severityWord}`,
      ...(v.cvss ? { score: v.cvss.score, vector: v.cvss.vector } : {}),
    },
    references: v.references,
    foundBy: [...group.tools],
    matchedBy: `reported by ${[...group.tools].sort().join(', ')}`,
  });
}

function genericPurl(v: ExternalVulnerability): string {
  return new PackageURL('generic', undefined, v.pkgName, v.installedVersion, undefined, undefined).toString();
}

function findingSide(f: Finding): Side {
  const pkg = f.package!;
  const key = purlKey(pkg.purl);
  return { ...(key ? { purlKey: key } : {}), nameVersion: `${pkg.name}@${pkg.version}`, ids: new Set([f.advisory!.id, ...f.advisory!.aliases]) };
}

function externalSide(v: ExternalVulnerability): Side {
  const key = v.purl ? purlKey(v.purl) : undefined;
  return { ...(key ? { purlKey: key } : {}), nameVersion: `${v.pkgName}@${v.installedVersion}`, ids: new Set([v.id, ...v.aliases]) };
}

/** `pkg:apk/alpine/sqlite-libs@3.26.0-r3` (qualifiers and subpath dropped, as packageurl-js normalises it). */
export function purlKey(purl: string): string | undefined {
  try {
    const p = PackageURL.fromString(purl);
    return new PackageURL(p.type, p.namespace, p.name, p.version, undefined, undefined).toString();
  } catch {
    return undefined;
  }
}

/** Same package: purls without qualifiers when both sides have one, else name and installed version. */
function samePackage(a: Side, b: Side): boolean {
  if (a.purlKey && b.purlKey) return a.purlKey === b.purlKey;
  return a.nameVersion === b.nameVersion;
}

function sameAdvisory(a: Side, b: Side): boolean {
  for (const id of a.ids) if (b.ids.has(id)) return true;
  return false;
}

/** Entries indexed by purl key and by name@version, so a lookup compares only candidates of the same package. */
class SideIndex<T> {
  private readonly byKey = new Map<string, { side: Side; value: T }[]>();

  add(side: Side, value: T): void {
    const entry = { side, value };
    for (const key of keysOf(side)) {
      const list = this.byKey.get(key);
      if (list) list.push(entry);
      else this.byKey.set(key, [entry]);
    }
  }

  find(side: Side): T[] {
    const found = new Set<T>();
    for (const key of keysOf(side)) {
      for (const entry of this.byKey.get(key) ?? []) {
        if (samePackage(side, entry.side) && sameAdvisory(side, entry.side)) found.add(entry.value);
      }
    }
    return [...found];
  }
}

function keysOf(side: Side): string[] {
  return side.purlKey ? [`purl:${side.purlKey}`, `nv:${side.nameVersion}`] : [`nv:${side.nameVersion}`];
}
