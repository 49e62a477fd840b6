// How each ecosystem compares package names, so a lookup finds an advisory however the name is spelled.

/** PEP 503: runs of `-`, `_` and `.` are one separator (https://peps.python.org/pep-0503/#normalized-names). */
const PEP503_SEPARATORS = /[-_.]+/g;

/** The ecosystem without its release suffix: `Debian:12` → `Debian`, `Alpine:v3.18` → `Alpine`. */
export function baseEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon === -1 ? ecosystem : ecosystem.slice(0, colon);
}

/**
 * The key a package name is stored and looked up by. PyPI names are compared PEP 503-normalised;
 * npm names are lowercase by rule and kept exact, as are Go, Maven, Debian, Alpine and the rest.
 */
export function nameKey(ecosystem: string, name: string): string {
  if (baseEcosystem(ecosystem) === 'PyPI') return name.toLowerCase().replace(PEP503_SEPARATORS, '-');
  return name;
}
