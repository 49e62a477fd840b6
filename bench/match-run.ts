/**
 * The matching half of bench/vulndb.ts, in a process of its own (as `kubeward image` matches in its
 * own process, not in one that has just generated 200,000 records): opens the database read-only,
 * matches the 1,000 corpus packages once (first run: advisories read and parsed from SQLite) and
 * REPEATS more times, and prints the figures as JSON on stdout.
 * Usage: node --import tsx bench/match-run.ts DB ADVISORIES PACKAGES REPEATS
 */
import { AdvisoryStore } from '../src/vulndb/store/index.js';
import { matchPackages, queryFor } from '../src/vulndb/match/index.js';
import { packagesFromCorpus } from './osv-corpus.js';

const [db, advisories, count, repeats] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const packages = packagesFromCorpus(count, advisories);
const store = AdvisoryStore.open(db, { readonly: true });
const time = (): { ms: number; result: ReturnType<typeof matchPackages> } => {
  const start = process.hrtime.bigint();
  const result = matchPackages(packages, store);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
};
const first = time();
const repeated = Array.from({ length: repeats }, () => time().ms);
const perPackage = packages.map((p) => {
  const query = queryFor(p);
  return query ? store.advisoriesFor(query.ecosystem, query.name).length : 0;
});
process.stdout.write(JSON.stringify({
  records: store.status().records,
  firstMs: first.ms,
  repeatedMs: repeated,
  hits: perPackage.filter((n) => n > 0).length,
  candidates: perPackage.reduce((a, b) => a + b, 0),
  matches: first.result.matches.length,
  matchedPackages: new Set(first.result.matches.map((m) => m.package)).size,
  notEvaluated: first.result.notEvaluated.reduce((n, e) => n + e.packages, 0),
}));
store.close();
