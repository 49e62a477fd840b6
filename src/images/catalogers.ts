import { osCatalogers } from './catalog/index.js';
import { golangCataloger } from './catalog/golang/index.js';
import { javaCataloger } from './catalog/java/index.js';
import { npmCataloger } from './catalog/npm/index.js';
import { pythonCataloger } from './catalog/python/index.js';
import type { Cataloger } from './model.js';

/** Language catalogers (npm, Python, Go binaries, Java archives); `tmpDir` holds archives being read. */
export function languageCatalogers(options: { tmpDir?: string } = {}): Cataloger[] {
  return [npmCataloger(), pythonCataloger(), golangCataloger(), javaCataloger(options)];
}

/** Every package cataloger, OS first: one pass over the layers feeds them all. */
export function packageCatalogers(options: { tmpDir?: string } = {}): Cataloger[] {
  return [...osCatalogers(options), ...languageCatalogers(options)];
}
