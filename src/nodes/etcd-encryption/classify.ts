// What a value stored in etcd is, judged by its first bytes only. The API server's envelope is
// `k8s:enc:<provider>:<version>:<name>:` followed by ciphertext; unencrypted objects are written by
// the identity provider as protobuf (`k8s\0` magic) or JSON (`{`). Nothing past the prefix is looked at.

/** How one stored value is written. `provider` is `aescbc`, `aesgcm`, `secretbox`, `kms v1`, `kms v2`. */
export type ValueClass =
  | { kind: 'plaintext'; encoding: 'protobuf' | 'json' }
  | { kind: 'encrypted'; provider: string; keyName: string }
  | { kind: 'unknown' };

const ENC_MAGIC = 'k8s:enc:';
const PROTOBUF_MAGIC = Buffer.from('k8s\u0000', 'latin1');
/** `k8s:enc:aescbc:v1:key1:` — provider and key names never contain `:` (the API server refuses them). */
const ENVELOPE = /^k8s:enc:([a-z0-9]+):(v\d+):([^:\u0000-\u001f]{1,256}):/;

/** Bytes of the value needed to read the longest envelope prefix; the rest is never decoded. */
export const PREFIX_BYTES = ENC_MAGIC.length + 16 + 4 + 256 + 2;
/** Base64 characters that decode to at least PREFIX_BYTES bytes (a multiple of 4). */
export const PREFIX_BASE64_CHARS = Math.ceil(PREFIX_BYTES / 3) * 4;

/** Classifies the first bytes of a value. */
export function classifyPrefix(head: Buffer): ValueClass {
  if (head.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) return { kind: 'plaintext', encoding: 'protobuf' };
  if (head[0] === 0x7b /* { */) return { kind: 'plaintext', encoding: 'json' };
  const text = head.toString('latin1');
  if (!text.startsWith(ENC_MAGIC)) return { kind: 'unknown' };
  const m = ENVELOPE.exec(text);
  if (!m) return { kind: 'unknown' };
  const [, provider, version, keyName] = m;
  // kms names its API version (v1 or v2); the other providers are all `v1` today.
  const label = provider === 'kms' ? `kms ${version}` : version === 'v1' ? provider! : `${provider} ${version}`;
  return { kind: 'encrypted', provider: label, keyName: keyName! };
}

/** Classifies a base64 value as the JSON gateway sends it, decoding only its first PREFIX_BASE64_CHARS characters. */
export function classifyBase64(value: unknown): ValueClass {
  if (typeof value !== 'string' || value === '') return { kind: 'unknown' };
  return classifyPrefix(Buffer.from(value.slice(0, PREFIX_BASE64_CHARS), 'base64'));
}
