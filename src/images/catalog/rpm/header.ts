// RPM header blobs as the rpmdb stores them (no lead, no magic): big-endian
//   il (entry count), dl (data size), il × { tag, type, offset, count } (16 bytes each), data store.
// https://rpm-software-management.github.io/rpm/manual/format_v4.html
// Every offset comes from the image, so every read is bounds-checked.

export const TAG = { NAME: 1000, VERSION: 1001, RELEASE: 1002, EPOCH: 1003, VENDOR: 1011, LICENSE: 1014, ARCH: 1022, SOURCERPM: 1044 } as const;
const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;
/** rpm's own sanity limits (lib/header.c HEADER_TAGS_MAX, HEADER_DATA_MAX). */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x0fffffff;
const WANTED = new Set<number>(Object.values(TAG));

export interface RpmHeader {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  license?: string;
  vendor?: string;
  sourceRpm?: string;
}

export class RpmHeaderError extends Error {}

/** Parses the tags kubeward needs; throws RpmHeaderError naming what is wrong. */
export function parseRpmHeader(blob: Uint8Array): RpmHeader {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 8) throw new RpmHeaderError(`header of ${blob.length} bytes is too short`);
  const il = view.getUint32(0);
  const dl = view.getUint32(4);
  if (il === 0 || il > MAX_ENTRIES) throw new RpmHeaderError(`entry count ${il} out of range`);
  if (dl > MAX_DATA) throw new RpmHeaderError(`data size ${dl} out of range`);
  const dataStart = 8 + il * 16;
  if (dataStart + dl > blob.length) throw new RpmHeaderError(`header declares ${dataStart + dl} bytes but has ${blob.length}`);
  const data = blob.subarray(dataStart, dataStart + dl);
  const strings = new Map<number, string>();
  let epoch: number | undefined;
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = view.getUint32(at);
    if (!WANTED.has(tag)) continue;
    const type = view.getUint32(at + 4);
    const offset = view.getUint32(at + 8);
    const count = view.getUint32(at + 12);
    if (offset >= dl) throw new RpmHeaderError(`tag ${tag}: offset ${offset} outside the ${dl}-byte data store`);
    if (type === TYPE_INT32) {
      if (count < 1 || offset + 4 > dl) throw new RpmHeaderError(`tag ${tag}: INT32 at ${offset} outside the data store`);
      if (tag === TAG.EPOCH) epoch = new DataView(data.buffer, data.byteOffset + offset, 4).getUint32(0);
    } else if (type === TYPE_STRING || type === TYPE_STRING_ARRAY || type === TYPE_I18NSTRING) {
      strings.set(tag, readCString(data, offset, tag)); // arrays: the first (I18N: the default locale)
    } else {
      throw new RpmHeaderError(`tag ${tag}: unexpected type ${type}`);
    }
  }
  const required = (tag: number, label: string): string => {
    const value = strings.get(tag);
    if (!value) throw new RpmHeaderError(`no ${label} tag`);
    return value;
  };
  const header: RpmHeader = { name: required(TAG.NAME, 'NAME'), version: required(TAG.VERSION, 'VERSION'), release: required(TAG.RELEASE, 'RELEASE') };
  if (epoch !== undefined) header.epoch = epoch;
  const arch = strings.get(TAG.ARCH);
  if (arch) header.arch = arch;
  const license = strings.get(TAG.LICENSE);
  if (license) header.license = license;
  const vendor = strings.get(TAG.VENDOR);
  if (vendor) header.vendor = vendor;
  const sourceRpm = strings.get(TAG.SOURCERPM);
  if (sourceRpm) header.sourceRpm = sourceRpm;
  return header;
}

function readCString(data: Uint8Array, offset: number, tag: number): string {
  const end = data.indexOf(0, offset);
  if (end < 0) throw new RpmHeaderError(`tag ${tag}: string at ${offset} is not terminated inside the data store`);
  return Buffer.from(data.buffer, data.byteOffset + offset, end - offset).toString('utf8');
}

/** `bash-5.1.8-6.el9.src.rpm` → { name: 'bash', version: '5.1.8-6.el9' } (name may hold dashes, version and release do not). */
export function parseSourceRpm(sourceRpm: string): { name: string; version: string } | undefined {
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  return match ? { name: match[1]!, version: `${match[2]}-${match[3]}` } : undefined;
}
