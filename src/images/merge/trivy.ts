import { externalVulnerability, isObject, MAX_VULNERABILITIES, Notes, str, strings, type ExternalVulnerability, type ScannerResults } from './model.js';

// Trivy JSON, schema version 2 (`trivy image -f json`): `Results[].Vulnerabilities[]`, one entry per
// (package, vulnerability). Field names as in trivy's pkg/types (DetectedVulnerability) and its
// integration/testdata/*.json.golden files.

export function isTrivy(doc: Record<string, unknown>): boolean {
  return doc.SchemaVersion !== undefined && (doc.ArtifactName !== undefined || doc.Results !== undefined);
}

export function readTrivy(doc: Record<string, unknown>, file: string): ScannerResults {
  const notes = new Notes(file);
  if (doc.SchemaVersion !== 2) notes.add('$.SchemaVersion', `${JSON.stringify(doc.SchemaVersion)} is not 2; read as version 2`);
  const vulnerabilities: ExternalVulnerability[] = [];
  const results = Array.isArray(doc.Results) ? doc.Results : [];
  results.forEach((result, r) => {
    if (!isObject(result)) return notes.add(`$.Results[${r}]`, 'must be an object');
    if (result.Vulnerabilities == null) return;
    if (!Array.isArray(result.Vulnerabilities)) return notes.add(`$.Results[${r}].Vulnerabilities`, 'must be an array');
    result.Vulnerabilities.forEach((entry, v) => {
      const where = `$.Results[${r}].Vulnerabilities[${v}]`;
      if (vulnerabilities.length >= MAX_VULNERABILITIES) return notes.add(where, `more than ${MAX_VULNERABILITIES} vulnerabilities; the rest are not read`);
      const read = trivyVulnerability(entry, str(result.Type));
      if (typeof read === 'string') notes.add(where, read);
      else vulnerabilities.push(read);
    });
  });
  const image = str(doc.ArtifactName);
  return { tool: 'trivy', ...(image ? { image } : {}), vulnerabilities, notes: notes.list };
}

/** One DetectedVulnerability, or why it cannot be used. */
function trivyVulnerability(entry: unknown, resultType: string | undefined): ExternalVulnerability | string {
  if (!isObject(entry)) return 'must be an object';
  const id = str(entry.VulnerabilityID);
  const pkgName = str(entry.PkgName);
  const installedVersion = str(entry.InstalledVersion);
  if (!id || !pkgName || !installedVersion) return 'VulnerabilityID, PkgName and InstalledVersion are required';
  const purl = isObject(entry.PkgIdentifier) ? str(entry.PkgIdentifier.PURL) : undefined;
  const severityWord = str(entry.Severity) ?? 'UNKNOWN';
  const fixedVersion = str(entry.FixedVersion);
  const title = str(entry.Title);
  const description = str(entry.Description);
  const primary = str(entry.PrimaryURL);
  const cvss = trivyCvss(entry.CVSS, str(entry.SeveritySource));
  const path = str(entry.PkgPath);
  const layerDigest = isObject(entry.Layer) ? str(entry.Layer.Digest) : undefined;
  const pkgType = purl ? purl.slice(4, purl.indexOf('/')) : resultType;
  return externalVulnerability({
    pkgName, installedVersion, purl, pkgType, fixedVersion, id,
    aliases: strings(entry.VendorIDs).filter((a) => a !== id),
    severityWord, title, description,
    references: [...(primary ? [primary] : []), ...strings(entry.References)],
    cvss, path, layerDigest,
  });
}

/** `CVSS: { nvd: { V3Vector, V3Score, V2Vector, V2Score }, redhat: {…} }`: v3 first (the severity source's, else NVD's, else any), then v4, then v2. */
function trivyCvss(value: unknown, severitySource: string | undefined): ExternalVulnerability['cvss'] {
  if (!isObject(value)) return undefined;
  const sources = [severitySource, 'nvd', ...Object.keys(value).sort()].filter((s): s is string => !!s);
  for (const [vectorKey, scoreKey] of [['V3Vector', 'V3Score'], ['V40Vector', 'V40Score'], ['V2Vector', 'V2Score']] as const) {
    for (const source of sources) {
      const entry = value[source];
      if (!isObject(entry)) continue;
      const vector = str(entry[vectorKey]);
      const score = entry[scoreKey];
      if (vector && typeof score === 'number') return { vector, score };
    }
  }
  return undefined;
}
