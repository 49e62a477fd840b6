import { externalVulnerability, isObject, MAX_VULNERABILITIES, Notes, str, strings, type ExternalVulnerability, type ScannerResults } from './model.js';

// Grype JSON (`grype IMAGE -o json`): `matches[]`, each a vulnerability, the related records of
// other namespaces (the CVE behind a GHSA), how it matched and the artifact (package). Field names
// as in grype's grype/presenter/models and its presenter snapshot fixtures.

export function isGrype(doc: Record<string, unknown>): boolean {
  return Array.isArray(doc.matches);
}

export function readGrype(doc: Record<string, unknown>, file: string): ScannerResults {
  const notes = new Notes(file);
  const vulnerabilities: ExternalVulnerability[] = [];
  (doc.matches as unknown[]).forEach((match, m) => {
    const where = `$.matches[${m}]`;
    if (vulnerabilities.length >= MAX_VULNERABILITIES) return notes.add(where, `more than ${MAX_VULNERABILITIES} matches; the rest are not read`);
    const read = grypeMatch(match);
    if (typeof read === 'string') notes.add(where, read);
    else vulnerabilities.push(read);
  });
  const target = isObject(doc.source) && isObject(doc.source.target) ? str(doc.source.target.userInput) : undefined;
  return { tool: 'grype', ...(target ? { image: target } : {}), vulnerabilities, notes: notes.list };
}

function grypeMatch(match: unknown): ExternalVulnerability | string {
  if (!isObject(match) || !isObject(match.vulnerability) || !isObject(match.artifact)) return 'a match needs vulnerability and artifact objects';
  const vuln = match.vulnerability;
  const artifact = match.artifact;
  const id = str(vuln.id);
  const pkgName = str(artifact.name);
  const installedVersion = str(artifact.version);
  if (!id || !pkgName || !installedVersion) return 'vulnerability.id, artifact.name and artifact.version are required';
  const related = Array.isArray(match.relatedVulnerabilities) ? match.relatedVulnerabilities.filter(isObject) : [];
  const purl = str(artifact.purl);
  const pkgType = purl ? purl.slice(4, purl.indexOf('/')) : str(artifact.type);
  const severityWord = str(vuln.severity) ?? 'Unknown';
  const fixedVersion = fixOf(vuln, match.matchDetails);
  const description = str(vuln.description) ?? related.map((r) => str(r.description)).find(Boolean);
  const cvss = grypeCvss([vuln, ...related]);
  const path = Array.isArray(artifact.locations) ? artifact.locations.filter(isObject).map((l) => str(l.path)).find(Boolean) : undefined;
  const references = [str(vuln.dataSource), ...strings(vuln.urls), ...related.flatMap((r) => [str(r.dataSource), ...strings(r.urls)])].filter((u): u is string => !!u);
  return externalVulnerability({
    pkgName, installedVersion, purl, pkgType, fixedVersion, id,
    aliases: [...new Set(related.map((r) => str(r.id)).filter((a): a is string => !!a && a !== id))],
    severityWord, description, references, cvss, path,
  });
}

/** The suggested fix of the match, else the first fixed version, when `fix.state` is `fixed`. */
function fixOf(vuln: Record<string, unknown>, details: unknown): string | undefined {
  if (!isObject(vuln.fix) || vuln.fix.state !== 'fixed') return undefined;
  const suggested = Array.isArray(details) ? details.filter(isObject).map((d) => (isObject(d.fix) ? str(d.fix.suggestedVersion) : undefined)).find(Boolean) : undefined;
  return suggested ?? strings(vuln.fix.versions)[0];
}

/** `cvss[]: { version, vector, metrics: { baseScore } }`: the vulnerability's own before related ones, v3 before others. */
function grypeCvss(records: Record<string, unknown>[]): ExternalVulnerability['cvss'] {
  const all = records.flatMap((r) => (Array.isArray(r.cvss) ? r.cvss.filter(isObject) : []));
  const usable = all
    .map((c) => ({ version: str(c.version) ?? '', vector: str(c.vector), score: isObject(c.metrics) ? c.metrics.baseScore : undefined }))
    .filter((c): c is { version: string; vector: string; score: number } => !!c.vector && typeof c.score === 'number');
  const best = usable.find((c) => c.version.startsWith('3')) ?? usable[0];
  return best ? { vector: best.vector, score: best.score } : undefined;
}
