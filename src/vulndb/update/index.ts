export { DEFAULT_ECOSYSTEMS, DEFAULT_MIRROR, MAX_DOWNLOAD_BYTES, updateDatabase } from './update.js';
export type { EcosystemUpdate, UpdateOptions, UpdateProgress, UpdateResult } from './update.js';
export { downloadToFile, nodeHttpGet, UpdateError } from './download.js';
export type { DownloadProgress, HttpGet, HttpResponse } from './download.js';
