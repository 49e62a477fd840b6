/**
 * Advisory database performance (issue 5), on the built CLI (`npm run build` first):
 *  - `kubeward db import` of an OSV all.zip with 200,000 synthetic records (Debian:12, Alpine:v3.19,
 *    npm, PyPI, Go, Maven; ~20,000 package names): records/s and peak RSS;
 *  - matching 1,000 packages (named after advisories of the corpus, so most lookups hit) against that
 *    database, in-process through AdvisoryStore (read-only) and matchPackages: the first run (nothing
 *    parsed yet) and the median of 10 more, target < 100 ms;
 *    each package name appears once, popular names (with many advisories) more often.
 * Figures are printed, never asserted.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdvisoryStore } from '../src/vulndb/store/index.js';
import { matchPackages, queryFor, type MatchResult } from '../src/vulndb/match/index.js';
import { cli, mb, median, mustSucceed, row, timedKubeward } from './measure.js';
import { packagesFromCorpus, writeOsvZip } from './osv-corpus.js';

const ADVISORIES = 200_000;
const PACKAGES = 1_000;
const REPEATS = 10;
const MATCH_TARGET_MS = 100;

function timeMatch(packages: Parameters<typeof matchPackages>[0], store: AdvisoryStore): { ms: number; result: MatchResult } {
  const start = process.hrtime.bigint();
  const result = matchPackages(packages, store);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

await stat(cli).catch(() => {
  throw new Error(`${cli} is missing: run \`npm run build\` first`);
});
const work = await mkdtemp(path.join(tmpdir(), 'kubeward-bench-vulndb-'));
try {
  const zip = path.join(work, 'all.zip');
  const db = path.join(work, 'advisories.sqlite');
  process.stderr.write(`writing ${ADVISORIES} OSV records to all.zip…\n`);
  const zipStart = Date.now();
  await writeOsvZip(zip, ADVISORIES);
  const zipMs = Date.now() - zipStart;
  const zipBytes = (await stat(zip)).size;

  process.stderr.write('kubeward db import…\n');
  const imported = mustSucceed('kubeward db import', timedKubeward(['db', 'import', zip, '--db', db]));
  const dbBytes = (await stat(db)).size;

  const packages = packagesFromCorpus(PACKAGES, ADVISORIES);
  const store = AdvisoryStore.open(db, { readonly: true });
  let first: ReturnType<typeof timeMatch>;
  let repeated: number[];
  let records: number;
  let hits: number;
  let candidates: number;
  try {
    records = store.status().records;
    first = timeMatch(packages, store);
    repeated = Array.from({ length: REPEATS }, () => timeMatch(packages, store).ms);
    const perPackage = packages.map((p) => {
      const query = queryFor(p);
      return query ? store.advisoriesFor(query.ecosystem, query.name).length : 0;
    });
    hits = perPackage.filter((n) => n > 0).length;
    candidates = perPackage.reduce((a, b) => a + b, 0);
  } finally {
    store.close();
  }
  const matched = new Set(first.result.matches.map((m) => m.package));
  const warm = median(repeated);
  const rate = ADVISORIES / (imported.ms / 1000);

  console.log(`kubeward vulndb bench — node ${process.version}; all.zip ${mb(zipBytes)} with ${ADVISORIES} records (written in ${(zipMs / 1000).toFixed(0)} s)`);
  console.log(row('db import, wall time', `${(imported.ms / 1000).toFixed(1)} s`));
  console.log(row('  (CPU time)', `${(imported.cpuMs / 1000).toFixed(1)} s CPU`));
  console.log(row('db import throughput', `${Math.round(rate)} rec/s`));
  console.log(row('db import peak RSS', `${imported.rssMb.toFixed(0)} MB`));
  console.log(row('database', `${records} records, ${mb(dbBytes)}`));
  console.log(row(`match ${PACKAGES} packages, first run`, `${first.ms.toFixed(1)} ms`, `< ${MATCH_TARGET_MS} ms`, first.ms < MATCH_TARGET_MS));
  console.log(row(`match ${PACKAGES} packages, median of ${REPEATS}`, `${warm.toFixed(1)} ms`, `< ${MATCH_TARGET_MS} ms`, warm < MATCH_TARGET_MS));
  console.log(row('  packages whose name has advisories', `${hits} of ${PACKAGES}`));
  console.log(row('  advisories evaluated per run', `${candidates}`));
  console.log(row('  matches (package × advisory)', `${first.result.matches.length}`));
  console.log(row('  packages with a match', `${matched.size} of ${PACKAGES}`));
  const skipped = first.result.notEvaluated.reduce((n, e) => n + e.packages, 0);
  console.log(row('  packages not evaluated', `${skipped}`));
} finally {
  await rm(work, { recursive: true, force: true });
}
