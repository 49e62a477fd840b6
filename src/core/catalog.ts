import type { Category, Severity } from './severity.js';
import { compareSeverityDesc } from './severity.js';

/** Frameworks a check can be aliased into, so users can find it under the id they know. */
export type Framework = 'PSS' | 'CIS' | 'CIS-Docker' | 'KSV' | 'KCV' | 'DS' | 'Kubescape' | 'Polaris' | 'KubeLinter' | 'MITRE';

export interface Alias {
  framework: Framework;
  id: string;
}

/** Everything a user needs to understand a check; the docs and `kubeward explain` are generated from it. */
export interface CheckMeta {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  description: string;
  rationale: string;
  remediation: string;
  references: string[];
  aliases: Alias[];
}

const CHECK_ID = /^KW-[A-Z]+-\d{3}$/;

/** An ordered, duplicate-free set of check definitions. */
export class CheckCatalog {
  private readonly byId = new Map<string, CheckMeta>();

  constructor(checks: Iterable<CheckMeta>) {
    for (const check of checks) {
      if (!CHECK_ID.test(check.id)) throw new Error(`check id ${check.id} is not of the form KW-<AREA>-<NNN>`);
      if (this.byId.has(check.id)) throw new Error(`check id ${check.id} is defined twice`);
      this.byId.set(check.id, check);
    }
  }

  get(id: string): CheckMeta | undefined {
    return this.byId.get(id.toUpperCase());
  }

  all(): CheckMeta[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Checks ordered the way the table groups them: by category, then severity, then id. */
  grouped(): CheckMeta[] {
    return this.all().sort(
      (a, b) => a.category.localeCompare(b.category) || compareSeverityDesc(a.severity, b.severity) || a.id.localeCompare(b.id),
    );
  }

  /** Checks carrying an alias in `framework` whose id is `aliasId` (e.g. CIS 5.2.2). */
  byAlias(framework: Framework, aliasId: string): CheckMeta[] {
    return this.all().filter((c) => c.aliases.some((a) => a.framework === framework && a.id === aliasId));
  }
}

const aliasesIn = (framework: Framework) => (...ids: string[]): Alias[] => ids.map((id) => ({ framework, id }));

/** Alias builders, one per framework: `alias.ksv('KSV-0014')`, `alias.cis('5.2.2')`… */
export const alias = {
  pss: aliasesIn('PSS'),
  cis: aliasesIn('CIS'),
  ksv: aliasesIn('KSV'),
  kcv: aliasesIn('KCV'),
  /** Trivy's Dockerfile/image checks (DS-0002…). */
  ds: aliasesIn('DS'),
  /** CIS Docker Benchmark (4.1 …). */
  cisDocker: aliasesIn('CIS-Docker'),
  kubescape: aliasesIn('Kubescape'),
  polaris: aliasesIn('Polaris'),
  kubeLinter: aliasesIn('KubeLinter'),
  mitre: aliasesIn('MITRE'),
} as const;

/** Kubescape's documentation page for a control id, e.g. C-0017. */
export const kubescapeDoc = (id: string): string => `https://kubescape.io/docs/controls/${id.toLowerCase()}/`;

export function aliasLabel(alias: Alias): string {
  return `${alias.framework} ${alias.id}`;
}
