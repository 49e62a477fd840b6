/**
 * YAML 1.1 schema for js-yaml 4.
 *
 * Why this exists: Kubernetes decodes manifests with go-yaml v2, which reads YAML 1.1 scalars:
 * `privileged: yes` is true and `defaultMode: 0644` is 420, where js-yaml 4's DEFAULT_SCHEMA
 * (YAML 1.2) gives "yes" and 644, so a check would see another value than the cluster does.
 * kubeward parses manifest values with js-yaml 4 for speed, so this ports js-yaml 5's
 * YAML11_SCHEMA (nullYaml11Tag, boolYaml11Tag, intYaml11Tag, floatYaml11Tag) to js-yaml 4's Type
 * API; timestamp, merge, binary, omap, pairs and set are js-yaml 4's own types. null, bool, int
 * and float follow js-yaml 5 exactly (checked by yaml11.test.ts), so they share its departures
 * from go-yaml v2, which e.g. reads `190:20:30` as a string, `1e3` as 1000 and `0o644` as 420.
 *
 * Each `parse*` function mirrors the js-yaml 5.5 resolver of the same tag: it returns the value,
 * or NO (js-yaml 5's NOT_RESOLVED) and the scalar goes on to the next type, in the end a string.
 */
import yaml from 'js-yaml-4';

const NO = Symbol('not resolved');
type Parse = (source: string) => unknown;

interface Dump {
  predicate: (data: unknown) => boolean;
  represent: (data: any) => string;
}

/**
 * `first`: the characters a match can start with (js-yaml 5's implicitFirstChars). js-yaml 4 tries
 * every implicit type on every plain scalar; looking at the first character code keeps that as
 * cheap as with its DEFAULT_SCHEMA. It only skips work: `parse` decides.
 */
function scalarType(tag: string, first: string, parse: Parse, dump: Dump): yaml.Type {
  const starts = new Uint8Array(128);
  for (const c of first) starts[c.charCodeAt(0)] = 1;
  return new yaml.Type(tag, {
    kind: 'scalar',
    // js-yaml 4 hands an empty node as null (only with an explicit tag: `!!null`); js-yaml 5 as ''.
    resolve: (data: string | null) => (!data ? parse('') !== NO : starts[data.charCodeAt(0)] === 1 && parse(data) !== NO),
    construct: (data: string | null) => parse(data ?? ''),
    ...dump,
  });
}

const NULLS = ['', '~', 'null', 'Null', 'NULL'];
const TRUES = ['true', 'True', 'TRUE', 'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'];
const FALSES = ['false', 'False', 'FALSE', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'];

const parseNull: Parse = (source) => (NULLS.includes(source) ? null : NO);

const parseBool: Parse = (source) => (TRUES.includes(source) ? true : FALSES.includes(source) ? false : NO);

// Binary, octal (leading 0, no `0o`), hex, base 60, decimal; `_` allowed after the first digit.
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?(?:0|[1-9][0-9_]*))$/;

// A dot is required; an exponent needs its sign (`1e3` and `1.0e3` stay strings).
const FLOAT = /^(?:[-+]?(?:(?:[0-9][0-9_]*)?\.[0-9_]*)(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const base60 = (value: string): number => value.split(':').reduce((total, part) => total * 60 + Number(part), 0);

/** Strips `_` and the sign: [sign, digits]. */
function unsign(source: string): [number, string] {
  const value = source.replace(/_/g, '');
  if (value[0] === '-') return [-1, value.slice(1)];
  return [1, value[0] === '+' ? value.slice(1) : value];
}

const parseInt11: Parse = (source) => {
  if (!INT.test(source)) return NO;
  const [sign, value] = unsign(source);
  let result: number;
  if (value.startsWith('0b')) result = parseInt(value.slice(2), 2);
  else if (value.startsWith('0x')) result = parseInt(value.slice(2), 16);
  else if (value.includes(':')) result = base60(value);
  else if (value !== '0' && value[0] === '0') result = parseInt(value, 8);
  else result = parseInt(value, 10);
  result *= sign; // `-0` is -0, as in js-yaml 5
  return Number.isFinite(result) ? result : NO; // `0x_`, overflow: a string
};

const parseFloat11: Parse = (source) => {
  if (!FLOAT.test(source)) return NO;
  const [sign, value] = unsign(source.toLowerCase());
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  const result = sign * (value.includes(':') ? base60(value) : parseFloat(value));
  return Number.isFinite(result) ? result : NO; // `.`, `-._`, overflow: a string
};

// Dumping (js-yaml 5's identify/represent), so `yaml.dump(x, { schema })` works too.
const isInt = (data: unknown): boolean =>
  Number.isInteger(data) && !Object.is(data, -0) && !String(data).includes('e');

function representFloat(data: number): string {
  if (Number.isNaN(data)) return '.nan';
  if (data === Infinity) return '.inf';
  if (data === -Infinity) return '-.inf';
  if (Object.is(data, -0)) return '-0.0';
  const text = String(data);
  return /^[-+]?[0-9]+e/.test(text) ? text.replace('e', '.e') : text;
}

const { timestamp, merge, binary, omap, pairs, set } = yaml.types;

export const YAML11_SCHEMA_V4: yaml.Schema = yaml.FAILSAFE_SCHEMA.extend({
  // Tried in this order on every plain scalar, as in js-yaml 5.
  implicit: [
    scalarType('tag:yaml.org,2002:null', '~nN', parseNull, { predicate: (data) => data === null, represent: () => 'null' }),
    scalarType('tag:yaml.org,2002:bool', 'yYnNtTfFoO', parseBool, {
      predicate: (data) => typeof data === 'boolean',
      represent: (data: boolean) => (data ? 'true' : 'false'),
    }),
    scalarType('tag:yaml.org,2002:int', '-+0123456789', parseInt11, { predicate: isInt, represent: (data: number) => String(data) }),
    scalarType('tag:yaml.org,2002:float', '-+.0123456789', parseFloat11, {
      predicate: (data) => typeof data === 'number' && !isInt(data),
      represent: representFloat,
    }),
    timestamp,
    merge,
  ],
  explicit: [binary, omap, pairs, set],
});
