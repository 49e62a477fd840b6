import type { Inventory } from '../inventory/index.js';
import { imageCheckCatalog, openAdvisories, pullSecretCredentials, scanImage, scanWorkloadImages, type ImageScanOutput } from '../images/index.js';
import { defaultCacheDir, listLayoutRefs, type SourceOptions } from '../images/sources/index.js';
import type { ImageScanHookResult } from '../scan/index.js';
import { UsageError } from './common.js';

// `kubeward scan --images`: the flags turned into the hook `scanManifests` calls with the inventory.

/** Builds the hook from the scan command's flags; layouts and the advisory set are opened once for all images. */
export async function imageHookFor(flags: Record<string, unknown>, progress: boolean): Promise<(inventory: Inventory) => Promise<ImageScanHookResult>> {
  const parallel = flags.parallel === undefined ? 4 : Number(flags.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64) throw new UsageError(`--parallel takes a whole number from 1 to 64, not ${JSON.stringify(flags.parallel)}`);
  const layoutDirs = (flags.imageLayout as string[] | undefined) ?? [];
  const layouts = await Promise.all(layoutDirs.map(async (dir) => ({ dir, refNames: await listLayoutRefs(dir) })));
  const base: SourceOptions = { cacheDir: typeof flags.cacheDir === 'string' ? flags.cacheDir : defaultCacheDir() };
  if (typeof flags.platform === 'string') base.platform = flags.platform;
  if (flags.insecure === true) base.insecure = true;

  return async (inventory) => {
    const secretProblems: string[] = [];
    const advisories = await openAdvisories({ ...(typeof flags.db === 'string' ? { db: flags.db } : {}), ...(flags.advisories ? { advisories: flags.advisories as string[] } : {}) });
    try {
      const scanned = await scanWorkloadImages(
        inventory,
        (reference, layout, pullSecrets): Promise<ImageScanOutput> => {
          // The credentials the cluster would pull with: the pods' (or their service accounts') pull secrets among the inputs.
          const credentials = layout ? undefined : pullSecretCredentials(inventory, reference, pullSecrets, secretProblems);
          return scanImage({
            reference: layout ? layout.refName : reference,
            source: layout ? { ...base, input: layout.dir } : credentials ? { ...base, username: credentials.username, password: credentials.password } : base,
            advisories: advisories.set,
            ignoreUnfixed: flags.ignoreUnfixed === true,
          });
        },
        {
          parallel,
          layouts,
          pull: flags.pull !== false,
          ...(progress ? { onImage: (_ref: string, done: number, total: number) => void process.stderr.write(`\rkubeward: scanned ${done}/${total} image(s)…`) } : {}),
        },
      );
      const errors = advisories.errors.map((message) => ({ file: '--advisories', message }));
      const secretNotes = [...new Set(secretProblems)].map((message) => ({ file: 'imagePullSecrets', message }));
      return { findings: scanned.findings, notEvaluated: scanned.notEvaluated, notes: [...scanned.notes, ...errors, ...secretNotes], checks: imageCheckCatalog(), images: scanned.images };
    } finally {
      advisories.close();
    }
  };
}
