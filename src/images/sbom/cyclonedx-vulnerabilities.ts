import { Enums, Models } from '@cyclonedx/cyclonedx-library';
import type { Finding } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import type { Package } from '../model.js';
import { cvssVersion } from '../vulnerability-finding.js';

// The CycloneDX `vulnerabilities` section (https://cyclonedx.org/docs/1.6/json/#vulnerabilities)
// from KW-IMG-100 findings: one entry per advisory, affecting every component it was found in.

const SEVERITY: Record<Severity, Enums.Vulnerability.Severity> = {
  critical: Enums.Vulnerability.Severity.Critical,
  high: Enums.Vulnerability.Severity.High,
  medium: Enums.Vulnerability.Severity.Medium,
  low: Enums.Vulnerability.Severity.Low,
  info: Enums.Vulnerability.Severity.Info,
};

const METHOD: Record<string, Enums.Vulnerability.RatingMethod> = {
  '2.0': Enums.Vulnerability.RatingMethod.CVSSv2,
  '3.0': Enums.Vulnerability.RatingMethod.CVSSv3,
  '3.1': Enums.Vulnerability.RatingMethod.CVSSv31,
  '4.0': Enums.Vulnerability.RatingMethod.CVSSv4,
};

export function vulnerabilityModels(
  findings: readonly Finding[],
  packages: readonly Package[],
  refs: readonly string[],
  components: ReadonlyMap<string, Models.Component>,
): Models.Vulnerability.Vulnerability[] {
  const byAdvisory = new Map<string, Finding[]>();
  for (const finding of findings) {
    const id = finding.advisory!.id;
    const group = byAdvisory.get(id);
    if (group) group.push(finding);
    else byAdvisory.set(id, [finding]);
  }
  const refOf = componentLookup(packages, refs);
  return [...byAdvisory].map(([id, group]) => vulnerabilityModel(id, group, (f) => components.get(refOf(f) ?? '')));
}

function vulnerabilityModel(id: string, group: Finding[], componentOf: (f: Finding) => Models.Component | undefined): Models.Vulnerability.Vulnerability {
  const first = group[0]!;
  const advisory = first.advisory!;
  const osv = new Models.Vulnerability.Source({ name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` });
  const vulnerability = new Models.Vulnerability.Vulnerability({
    bomRef: `vulnerability:${id}`,
    id,
    source: osv,
    description: first.message,
    recommendation: [...new Set(group.map((f) => f.remediation))].join('; '),
  });
  for (const alias of advisory.aliases) vulnerability.references.add(new Models.Vulnerability.Reference(alias, new Models.Vulnerability.Source({ url: `https://osv.dev/vulnerability/${encodeURIComponent(alias)}` })));
  const ratings = new Set<string>();
  for (const finding of group) {
    const cvss = finding.advisory!.cvss;
    const key = `${finding.severity}|${cvss?.vector ?? ''}`;
    if (ratings.has(key)) continue;
    ratings.add(key);
    vulnerability.ratings.add(
      new Models.Vulnerability.Rating({
        severity: SEVERITY[finding.severity],
        ...(cvss ? { score: cvss.score, vector: cvss.vector, method: METHOD[cvssVersion(cvss.vector)] ?? Enums.Vulnerability.RatingMethod.Other } : {}),
        justification: finding.advisory!.severityBasis,
      }),
    );
  }
  for (const finding of group) {
    const component = componentOf(finding);
    if (component) vulnerability.affects.add(new Models.Vulnerability.Affect(component.bomRef));
  }
  const fixes = group.filter((f) => f.package!.fixedVersion).map((f) => `${f.package!.name} fixed in ${f.package!.fixedVersion}`);
  vulnerability.analysis = new Models.Vulnerability.Analysis({
    ...(fixes.length > 0
      ? { response: new Enums.Vulnerability.AnalysisResponseRepository([Enums.Vulnerability.AnalysisResponse.Update]), detail: [...new Set(fixes)].join('; ') }
      : { detail: 'no fixed version yet' }),
  });
  const foundBy = advisory.foundBy ?? [];
  if (foundBy.length > 0) vulnerability.properties.add(new Models.Property('kubeward:found-by', foundBy.join(',')));
  return vulnerability;
}

/** The bom-ref of the component a finding's package is: same purl, and same path when the finding names one. */
function componentLookup(packages: readonly Package[], refs: readonly string[]): (f: Finding) => string | undefined {
  const byPurl = new Map<string, number[]>();
  packages.forEach((pkg, index) => {
    const list = byPurl.get(pkg.purl);
    if (list) list.push(index);
    else byPurl.set(pkg.purl, [index]);
  });
  return (finding) => {
    const candidates = byPurl.get(finding.package!.purl) ?? [];
    const path = finding.package!.path;
    const index = candidates.find((i) => !path || packages[i]!.locations.some((l) => l.path === path)) ?? candidates[0];
    return index === undefined ? undefined : refs[index];
  };
}
