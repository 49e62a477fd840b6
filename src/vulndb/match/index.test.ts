import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Package } from '../../images/model.js';
import type { Advisory, AdvisoryLookup, AffectedPackage, RangeEvent } from '../model.js';
import { apk, dpkg, go, maven, pep440, rpm, semver, type VersioningScheme } from '../versioning/index.js';
import { affects, matchPackages, normalizeName, queryFor, schemeForEcosystem } from './index.js';

const pkgOf = (ecosystem: string, name: string, ranges: AffectedPackage['ranges'], versions: string[] = []): AffectedPackage => ({ ecosystem, name, ranges, versions });
const eco = (...events: RangeEvent[]): AffectedPackage['ranges'][number] => ({ type: 'ECOSYSTEM', events });

test('match: schemeForEcosystem', () => {
  const cases: Array<[string, VersioningScheme | undefined]> = [
    ['Debian:12', dpkg], ['Ubuntu:22.04:LTS', dpkg], ['Alpine:v3.18', apk], ['Wolfi', apk], ['Chainguard', apk],
    ['Red Hat:enterprise_linux:9', rpm], ['Rocky Linux:9', rpm], ['AlmaLinux:8', rpm], ['openSUSE:Leap 15.5', rpm],
    ['SUSE:Linux Enterprise Server 15', rpm], ['Mageia:9', rpm], ['openEuler:22.03-LTS', rpm], ['Photon OS:5.0', rpm],
    ['npm', semver], ['Go', go], ['PyPI', pep440], ['Maven', maven], ['crates.io', undefined], ['Debianish', undefined], ['', undefined],
  ];
  for (const [e, s] of cases) assert.equal(schemeForEcosystem(e), s, e);
});

test('match: OSV schema examples (introduced/fixed pairs, last_affected, limit, versions, GIT)', () => {
  // Two introduced/fixed pairs in one range (schema: "events": [{introduced 1.0.0}, {fixed 1.0.2}, {introduced 1.1.0}, {fixed 1.1.2}]).
  const pairs = pkgOf('npm', 'x', [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '1.1.0' }, { fixed: '1.1.2' }] }]);
  assert.deepEqual(affects('0.9.0', pairs, semver), { affected: false });
  assert.deepEqual(affects('1.0.1', pairs, semver), { affected: true, fixedVersion: '1.0.2', matchedBy: 'introduced 1.0.0, fixed 1.0.2' });
  assert.deepEqual(affects('1.0.2', pairs, semver), { affected: false });
  assert.deepEqual(affects('1.1.0', pairs, semver), { affected: true, fixedVersion: '1.1.2', matchedBy: 'introduced 1.1.0, fixed 1.1.2' });
  assert.deepEqual(affects('1.1.2', pairs, semver), { affected: false });
  // Events out of order are sorted first.
  const shuffled = pkgOf('npm', 'x', [{ type: 'SEMVER', events: [{ fixed: '1.1.2' }, { introduced: '1.1.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }] }]);
  assert.deepEqual(affects('1.1.1', shuffled, semver), { affected: true, fixedVersion: '1.1.2', matchedBy: 'introduced 1.1.0, fixed 1.1.2' });
  // last_affected is inclusive and gives no fix.
  const last = pkgOf('npm', 'x', [{ type: 'SEMVER', events: [{ introduced: '0' }, { last_affected: '2.0.0' }] }]);
  assert.deepEqual(affects('2.0.0', last, semver), { affected: true, matchedBy: 'introduced 0, last_affected 2.0.0' });
  assert.deepEqual(affects('2.0.1', last, semver), { affected: false });
  assert.deepEqual(affects('0.0.1-alpha', last, semver), { affected: true, matchedBy: 'introduced 0, last_affected 2.0.0' });
  // limit: at or above it nothing is affected.
  const limit = pkgOf('npm', 'x', [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { limit: '1.5.0' }] }]);
  assert.deepEqual(affects('1.4.9', limit, semver), { affected: true, matchedBy: 'introduced 1.0.0' });
  assert.deepEqual(affects('1.5.0', limit, semver), { affected: false });
  // versions[] alone; GIT ranges only through versions[].
  const git = pkgOf('npm', 'x', [{ type: 'GIT', events: [{ introduced: '0' }, { fixed: 'abc123' }] }], ['1.2.3', '1.2.4']);
  assert.deepEqual(affects('1.2.4', git, semver), { affected: true, matchedBy: 'listed in versions[]' });
  assert.deepEqual(affects('1.2.5', git, semver), { affected: false });
  // Several ranges: the lowest fix above the installed version.
  const multi = pkgOf('npm', 'x', [eco({ introduced: '0' }, { fixed: '3.0.0' }), eco({ introduced: '1.0.0' }, { fixed: '2.0.0' })]);
  assert.deepEqual(affects('1.5.0', multi, semver), { affected: true, fixedVersion: '2.0.0', matchedBy: 'introduced 1.0.0, fixed 2.0.0' });
  // introduced only: affected ever since.
  assert.deepEqual(affects('9.9.9', pkgOf('npm', 'x', [eco({ introduced: '1.0.0' })]), semver), { affected: true, matchedBy: 'introduced 1.0.0' });
});

test('match: real schemes per ecosystem', () => {
  const alpine = pkgOf('Alpine:v3.18', 'openssl', [eco({ introduced: '0' }, { fixed: '3.1.4-r1' })]);
  assert.deepEqual(affects('3.1.4-r0', alpine, apk), { affected: true, fixedVersion: '3.1.4-r1', matchedBy: 'introduced 0, fixed 3.1.4-r1' });
  assert.deepEqual(affects('3.1.4-r1', alpine, apk), { affected: false });
  assert.deepEqual(affects('3.1.4-r10', alpine, apk), { affected: false }); // r10 > r1 numerically
  const npmPre = pkgOf('npm', 'x', [eco({ introduced: '2.0.0-beta.1' }, { fixed: '2.0.0' })]);
  assert.equal(affects('2.0.0-alpha.9', npmPre, semver).affected, false);
  assert.equal(affects('2.0.0-rc.1', npmPre, semver).affected, true);
  const pypi = pkgOf('PyPI', 'django', [eco({ introduced: '0' }, { fixed: '1.0.post1' })]);
  assert.equal(affects('1.0', pypi, pep440).affected, true);
  assert.equal(affects('1.0.post1', pypi, pep440).affected, false);
  assert.equal(affects('1.0rc1', pypi, pep440).affected, true);
  const mvn = pkgOf('Maven', 'org.yaml:snakeyaml', [eco({ introduced: '0' }, { fixed: '2.0' })]);
  assert.equal(affects('2.0-RC1', mvn, maven).affected, true);
  assert.equal(affects('2.0.Final', mvn, maven).affected, false);
  assert.equal(affects('1.33-SNAPSHOT', mvn, maven).affected, true);
  const deb = pkgOf('Debian:12', 'glibc', [eco({ introduced: '0' }, { fixed: '2.36-9+deb12u4' })]);
  assert.equal(affects('2.36-9+deb12u3', deb, dpkg).affected, true);
  assert.equal(affects('1:2.0-1', deb, dpkg).affected, false); // the epoch wins
  const goStd = pkgOf('Go', 'stdlib', [{ type: 'SEMVER', events: [{ introduced: '1.21.0-0' }, { fixed: '1.21.5' }] }]);
  assert.deepEqual(affects('go1.21.4', goStd, go), { affected: true, fixedVersion: '1.21.5', matchedBy: 'introduced 1.21.0-0, fixed 1.21.5' });
  assert.equal(affects('go1.21rc2', goStd, go).affected, true);
  assert.equal(affects('go1.20.12', goStd, go).affected, false);
});

const base = { locations: [], purl: 'pkg:x' };
const pkg = (p: Partial<Package> & Pick<Package, 'type' | 'name' | 'version'>): Package => ({ ...base, ...p, purl: p.purl ?? `pkg:${p.type}/${p.name}@${p.version}` });

test('match: queryFor uses source packages and qualified names', () => {
  assert.deepEqual(queryFor(pkg({ type: 'deb', name: 'libc6', version: '2.36-9+deb12u3+b1', ecosystem: 'Debian:12', source: { name: 'glibc', version: '2.36-9+deb12u3' } })), { ecosystem: 'Debian:12', name: 'glibc', version: '2.36-9+deb12u3' });
  assert.deepEqual(queryFor(pkg({ type: 'apk', name: 'libcrypto3', version: '3.1.4-r0', ecosystem: 'Alpine:v3.18', source: { name: 'openssl', version: '3.1.4-r0' } })), { ecosystem: 'Alpine:v3.18', name: 'openssl', version: '3.1.4-r0' });
  assert.deepEqual(queryFor(pkg({ type: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9', ecosystem: 'Rocky Linux:9', source: { name: 'openssl', version: '3.0.7-24.el9' } })), { ecosystem: 'Rocky Linux:9', name: 'openssl', version: '1:3.0.7-24.el9' });
  assert.deepEqual(queryFor(pkg({ type: 'maven', name: 'snakeyaml', namespace: 'org.yaml', version: '1.33', ecosystem: 'Maven' })), { ecosystem: 'Maven', name: 'org.yaml:snakeyaml', version: '1.33' });
  assert.deepEqual(queryFor(pkg({ type: 'golang', name: 'mux', namespace: 'github.com/gorilla', version: 'v1.8.0', ecosystem: 'Go' })), { ecosystem: 'Go', name: 'github.com/gorilla/mux', version: 'v1.8.0' });
  assert.deepEqual(queryFor(pkg({ type: 'pypi', name: 'Django', version: '4.2', ecosystem: 'PyPI' })), { ecosystem: 'PyPI', name: 'Django', version: '4.2' });
  assert.equal(queryFor(pkg({ type: 'npm', name: 'left-pad', version: '1.0.0' })), undefined);
});

const advisory = (id: string, affected: AffectedPackage[], extra: Partial<Advisory> = {}): Advisory => ({ id, aliases: [], severity: [], references: [], affected, source: 'test', ...extra });

/** A fake in-memory store: advisories by `ecosystem\0name`, names normalised as a real store does. */
function lookupOf(advisories: Advisory[]): AdvisoryLookup & { calls: number } {
  const byKey = new Map<string, Advisory[]>();
  for (const a of advisories) for (const e of a.affected) {
    const key = `${e.ecosystem}\0${normalizeName(e.ecosystem, e.name)}`;
    if (!byKey.get(key)?.includes(a)) byKey.set(key, [...(byKey.get(key) ?? []), a]);
  }
  const store = { calls: 0, advisoriesFor: (ecosystem: string, name: string) => (store.calls++, byKey.get(`${ecosystem}\0${normalizeName(ecosystem, name)}`) ?? []) };
  return store;
}

test('match: matchPackages end to end', () => {
  const v31 = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' };
  const lookup = lookupOf([
    advisory('DSA-1', [pkgOf('Debian:12', 'glibc', [eco({ introduced: '0' }, { fixed: '2.36-9+deb12u4' })])], { severity: [v31] }),
    // Two affected entries for one package: the lower fix wins, and the advisory matches once.
    advisory('CVE-2', [pkgOf('Debian:12', 'glibc', [eco({ introduced: '0' }, { fixed: '2.37-1' })]), pkgOf('Debian:12', 'glibc', [eco({ introduced: '2.36-1' }, { fixed: '2.36-9+deb12u5' })])], { vendorSeverity: 'LOW' }),
    advisory('CVE-3', [pkgOf('Debian:12', 'glibc', [eco({ introduced: '0' })])]),
    advisory('CVE-4', [{ ...pkgOf('Debian:12', 'glibc', [eco({ introduced: '0' }, { fixed: '2.36-9+deb12u9' })]), severity: [{ type: 'Ubuntu', score: 'high' }] }], { severity: [v31] }),
    advisory('CVE-5', [pkgOf('Debian:12', 'glibc', [eco({ introduced: '0' }, { fixed: '2.36-9' })])]),
    advisory('CVE-6', [pkgOf('Debian:12', 'glibc', [eco({ introduced: '0' }, { fixed: '9' })])], { withdrawn: '2024-01-01T00:00:00Z' }),
    advisory('GHSA-7', [pkgOf('PyPI', 'django', [eco({ introduced: '4.0' }, { fixed: '4.2.1' })])]),
  ]);
  const libc = pkg({ type: 'deb', name: 'libc6', version: '2.36-9+deb12u3+b1', ecosystem: 'Debian:12', source: { name: 'glibc', version: '2.36-9+deb12u3' } });
  const libcBin = pkg({ type: 'deb', name: 'libc-bin', version: '2.36-9+deb12u3+b1', ecosystem: 'Debian:12', source: { name: 'glibc', version: '2.36-9+deb12u3' } });
  const django = pkg({ type: 'pypi', name: 'Django', version: '4.2', ecosystem: 'PyPI' });
  const unknown = [pkg({ type: 'npm', name: 'a', version: '1.0.0' }), pkg({ type: 'npm', name: 'b', version: '1.0.0' }), pkg({ type: 'rpm', name: 'c', version: '1-1', ecosystem: 'Fedora:39' })];
  const result = matchPackages([django, libcBin, ...unknown, libc], lookup);
  const rows = result.matches.map((m) => [m.package.name, m.advisory.id, m.fixedVersion ?? '-', m.matchedBy, m.severity.severity]);
  const glibcRows = (name: string) => [
    [name, 'CVE-2', '2.36-9+deb12u5', 'introduced 2.36-1, fixed 2.36-9+deb12u5', 'low'],
    [name, 'CVE-3', '-', 'introduced 0', 'medium'],
    [name, 'CVE-4', '2.36-9+deb12u9', 'introduced 0, fixed 2.36-9+deb12u9', 'high'],
    [name, 'DSA-1', '2.36-9+deb12u4', 'introduced 0, fixed 2.36-9+deb12u4', 'medium'],
  ];
  assert.deepEqual(rows, [['Django', 'GHSA-7', '4.2.1', 'introduced 4.0, fixed 4.2.1', 'medium'], ...glibcRows('libc-bin'), ...glibcRows('libc6')]);
  assert.equal(result.matches.find((m) => m.advisory.id === 'CVE-3')?.severity.basis, 'not rated by the advisory (reported as medium)');
  assert.deepEqual(result.notEvaluated, [
    { ecosystem: '(none)', packages: 2, reason: 'no advisory ecosystem known for these packages' },
    { ecosystem: 'Fedora:39', packages: 1, reason: "no version scheme for ecosystem 'Fedora:39'" },
  ]);
  assert.equal(lookup.calls, 2, 'one lookup per source package and ecosystem');
  const fixedOnly = matchPackages([libc], lookup, { ignoreUnfixed: true });
  assert.deepEqual(fixedOnly.matches.map((m) => m.advisory.id), ['CVE-2', 'CVE-4', 'DSA-1']);
});

/** The OSV schema's evaluation pseudo-code, transcribed literally, on integer versions. */
function reference(v: number, events: Array<{ kind: string; at: number }>): boolean {
  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length > 0 && !limits.some((e) => v < e.at)) return false;
  let affected = false;
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    if (e.kind === 'introduced' && v >= e.at) affected = true;
    else if (e.kind === 'fixed' && v >= e.at) affected = false;
    else if (e.kind === 'last_affected' && v > e.at) affected = false;
  }
  return affected;
}

test('match: affects agrees with the schema pseudo-code on random event lists', () => {
  const kind = fc.constantFrom('introduced', 'introduced', 'fixed', 'fixed', 'last_affected', 'limit');
  // Distinct versions per range (OSV never repeats one); version n is `1.n.0`, 0 is introduced "0".
  const events = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 8 }).chain((ats) =>
    fc.tuple(...ats.map((at) => kind.map((k) => ({ kind: k, at })))),
  );
  const name = (at: number): string => `1.${at}.0`;
  fc.assert(
    fc.property(events, fc.integer({ min: 0, max: 42 }), (evs, v) => {
      const osv = evs.map((e) => ({ [e.kind]: e.kind === 'introduced' && e.at === 0 ? '0' : name(e.at) }) as RangeEvent);
      const r = affects(name(v), pkgOf('npm', 'x', [{ type: 'SEMVER', events: osv }]), semver);
      assert.equal(r.affected, reference(v, evs), JSON.stringify({ evs, v }));
      if (r.affected && r.fixedVersion) {
        const fix = Number(r.fixedVersion.split('.')[1]);
        assert.ok(fix > v && !reference(fix, evs), `fix ${r.fixedVersion} closes the interval of ${v}`);
        assert.ok(evs.every((e) => !(e.at > v && e.at < fix && (e.kind === 'fixed' || e.kind === 'last_affected'))));
      }
    }),
    { numRuns: 3000 },
  );
});
