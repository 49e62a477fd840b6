export { walkLayers, DEFAULT_MAX_LAYER_BYTES, DEFAULT_MAX_RATIO, type WalkOptions, type WalkResult } from './walk.js';
export { resolveInRoot, isPathUnder, normaliseEntryName, parentOf, baseName, type NormalisedName } from './paths.js';
export { sniffCompression, DecompressionBombError, RATIO_FLOOR_BYTES, type Compression } from './decompress.js';
export { readLines, readText, type Line } from './lines.js';
