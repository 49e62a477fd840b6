/**
 * Advisory database performance (issue 5), on the built CLI (`npm run build` first):
 *  - `kubeward db import` of an OSV all.zip with 200,000 synthetic records (Debian:12, Alpine:v3.19,
 *    npm, PyPI, Go, Maven; ~20,000 package names): records/s and peak RSS;
 *  - matching 1,000 packages (named after advisories of the corpus, so most lookups hit) against that
 *    database, through AdvisoryStore (read-only) and matchPackages in a process of its own
 *    (bench/match-run.ts): the first run (advisories read and parsed from SQLite) and the median of
 *    10 more, target < 100 ms;
 *    each package name appears once, popular names (with many advisories) more often.
 * Figures are printed, never asserted.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, mb, median, mustSucceed, root, row, timedKubeward } from './measure.js';
import { writeOsvZip } from './osv-corpus.js';

const ADVISORIES = 200_000;
const PACKAGES = 1_000;
const REPEATS = 10;
const MATCH_TARGET_MS = 100;

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

  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench/match-run.ts'), db, String(ADVISORIES), String(PACKAGES), String(REPEATS)], { encoding: 'utf8', cwd: root });
  if (child.status !== 0) throw new Error(`bench/match-run.ts exited ${child.status}: ${child.stderr}`);
  const m = JSON.parse(child.stdout) as { records: number; firstMs: number; repeatedMs: number[]; hits: number; candidates: number; matches: number; matchedPackages: number; notEvaluated: number };
  const { records, hits, candidates } = m;
  const first = { ms: m.firstMs };
  const warm = median(m.repeatedMs);
  const rate = ADVISORIES / (imported.ms / 1000);

  console.log(`kubeward vulndb bench — node ${process.version}; all.zip ${mb(zipBytes)} with ${ADVISORIES} records (written in ${(zipMs / 1000).toFixed(0)} s)`);
  console.log(row('db import, wall time', `${(imported.ms / 1000).toFixed(1)} s`));
  console.log(row('  (CPU time)', `${(imported.cpuMs / 1000).toFixed(1)} s CPU`));
  console.log(row('db import throughput', `${Math.round(rate)} rec/s`));
  console.log(row('db import peak RSS', `${imported.rssMb.toFixed(0)} MB`));
  console.log(row('database', `${records} records, ${mb(dbBytes)}`));
  // The first run also reads and parses every candidate advisory from SQLite (cold process): shown, not the target.
  console.log(row(`match ${PACKAGES} packages, first run (cold: reads ${candidates} advisories)`, `${first.ms.toFixed(1)} ms`));
  console.log(row(`match ${PACKAGES} packages, median of ${REPEATS}`, `${warm.toFixed(1)} ms`, `< ${MATCH_TARGET_MS} ms`, warm < MATCH_TARGET_MS));
  console.log(row('  packages whose name has advisories', `${hits} of ${PACKAGES}`));
  console.log(row('  advisories evaluated per run', `${candidates}`));
  console.log(row('  matches (package × advisory)', `${m.matches}`));
  console.log(row('  packages with a match', `${m.matchedPackages} of ${PACKAGES}`));
  console.log(row('  packages not evaluated', `${m.notEvaluated}`));
} finally {
  await rm(work, { recursive: true, force: true });
}
